"""Building the BoltRequest for a raw Slack request, with one fix to Bolt's body parsing.

Bolt's parser treats any form body *containing* the word "payload" as an interaction payload, so a
slash command such as ``/minutes search payload`` lost its fields and went unanswered (found by the
fuzzing suite). Every entry point (HTTP, console) builds its requests here. The web entry point passes
the body it already read and checked (:mod:`bot.request_shape`), so Bolt does not parse it a second time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import BoltContext
from slack_bolt.request import BoltRequest
from slack_bolt.request.internals import build_context

FORM = "application/x-www-form-urlencoded"


def bolt_request(
    body: str,
    headers: Mapping[str, str | Sequence[str]],
    query: str | None = None,
    parsed: dict[str, Any] | None = None,
) -> BoltRequest:
    """A BoltRequest for the raw ``body``, read as ``parsed`` when the caller read it already."""
    if parsed is not None:
        request = BoltRequest(body="", query=query, headers=dict(headers))
        request.raw_body, request.body = body, parsed
        request.context = build_context(BoltContext(), parsed)
        return request
    request = BoltRequest(body=body, query=query, headers=dict(headers))
    if request.content_type == FORM and "payload" in body:
        fields = dict(parse_qsl(body, keep_blank_values=True))
        if "payload" not in fields:
            request.body = fields
            request.context = build_context(BoltContext(), fields)
    return request
