"""Building the BoltRequest for a raw Slack request, with one fix to Bolt's body parsing.

Bolt's parser treats any form body *containing* the word "payload" as an interaction payload, so a
slash command such as ``/minutes search payload`` lost its fields and went unanswered (found by the
fuzzing suite). Every entry point (HTTP, console) builds its requests here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import parse_qsl

from slack_bolt import BoltContext
from slack_bolt.request import BoltRequest
from slack_bolt.request.internals import build_context

FORM = "application/x-www-form-urlencoded"


def bolt_request(body: str, headers: Mapping[str, str | Sequence[str]], query: str | None = None) -> BoltRequest:
    """A BoltRequest for ``body``; the signature is still verified by Bolt against the raw body."""
    request = BoltRequest(body=body, query=query, headers=dict(headers))
    if request.content_type == FORM and "payload" in body:
        fields = dict(parse_qsl(body, keep_blank_values=True))
        if "payload" not in fields:
            request.body = fields
            request.context = build_context(BoltContext(), fields)
    return request
