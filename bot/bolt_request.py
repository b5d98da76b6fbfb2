"""Building the BoltRequest for a raw Slack request, with one fix to Bolt's body parsing.

Bolt's parser treats any form body *containing* the word "payload" as an interaction payload, so a
slash command such as ``/minutes search payload`` lost its fields and went unanswered (found by the
fuzzing suite). Every entry point (HTTP, console) builds its requests here. The web entry point passes
the body it already read and checked (:mod:`bot.request_shape`), so Bolt does not parse it a second time.
The copy Bolt makes for a lazy listener keeps that reading too (:class:`ReadRequest`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import BoltContext
from slack_bolt.request import BoltRequest
from slack_bolt.request.internals import build_context

FORM = "application/x-www-form-urlencoded"


class ReadRequest(BoltRequest):
    """A BoltRequest whose body was read here; its copies for lazy listeners keep that reading.

    Bolt copies a request for its lazy listeners by parsing the raw body again, with the bug above.
    """

    def to_copyable(self) -> BoltRequest:
        copied = ReadRequest(body="", query=self.query, headers=self.headers, mode=self.mode)
        copied.raw_body, copied.body = self.raw_body, self.body
        copied.context = self.context.to_copyable()
        return copied


def _read(
    body: str, parsed: dict[str, Any], headers: Mapping[str, str | Sequence[str]], query: str | None
) -> BoltRequest:
    request = ReadRequest(body="", query=query, headers=dict(headers))
    request.raw_body, request.body = body, parsed
    request.context = build_context(BoltContext(), parsed)
    return request


def bolt_request(
    body: str,
    headers: Mapping[str, str | Sequence[str]],
    query: str | None = None,
    parsed: dict[str, Any] | None = None,
) -> BoltRequest:
    """A BoltRequest for the raw ``body``, read as ``parsed`` when the caller read it already."""
    if parsed is not None:
        return _read(body, parsed, headers, query)
    request = BoltRequest(body=body, query=query, headers=dict(headers))
    if request.content_type == FORM and "payload" in body:
        fields = dict(parse_qsl(body, keep_blank_values=True))
        if "payload" not in fields:
            return _read(body, fields, headers, query)
    return request
