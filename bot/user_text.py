"""Text a person typed that the bot refuses before any listener reads it: control characters, and a slash
command too long to be a command. One place for every entry point (HTTP, Socket Mode, the console).

NUL cannot be stored in PostgreSQL (it was refused there with an apology, and stored on SQLite), and the
other control characters and unpaired surrogates are invisible garbage nobody types on purpose: all are
refused alike, with nothing written, so both databases behave the same. Tab, newline and carriage return
are ordinary text. Pure: finds what to refuse; ``handlers.middleware`` answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# C0 and C1 control characters but \t \n \r; DEL; lone surrogates (JSON can carry "\ud800").
UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# The longest text after a slash command that is answered. Slack's own guidance is to keep a message to
# 4,000 characters; no command here needs more (an agenda, a search), and matching names against a much
# longer text took seconds (0.5 s at 48,000 characters, growing faster than the text) in a reply worker
# that other people's replies wait for.
MAX_COMMAND_TEXT = 4000


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused (a catalog key and its values) and where to say so."""

    key: str
    user: str
    values: dict[str, Any] = field(default_factory=dict)
    response_url: str | None = None
    channel: str | None = None
    # For a form (view_submission): the input blocks that hold the refused text.
    blocks: tuple[str, ...] = ()


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def unreadable(text: str) -> bool:
    """True when ``text`` holds a character refused here."""
    return UNREADABLE.search(text) is not None


def _strings(value: Any, depth: int = 0) -> list[str]:
    """Every string inside ``value`` (a field's state: value, selected_option.value…), a few levels deep."""
    if isinstance(value, str):
        return [value]
    if depth > 6:
        return []
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item, depth + 1)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item, depth + 1)]
    return []


def _bad_blocks(view: Any) -> tuple[str, ...]:
    state = view.get("state") if isinstance(view, dict) else None
    values = state.get("values") if isinstance(state, dict) else None
    if not isinstance(values, dict):
        return ()
    return tuple(block for block, fields in values.items() if any(unreadable(s) for s in _strings(fields)))


def refusal(body: dict[str, Any]) -> Refusal | None:
    """What to refuse in ``body`` (a parsed Slack request), or None."""
    if "command" in body and isinstance(body.get("text"), str):
        return _command(body)
    kind = body.get("type")
    user = _dict(body.get("user"))
    user_id = str(user.get("id") or "")
    response_url = body.get("response_url") if isinstance(body.get("response_url"), str) else None
    if kind == "view_submission":
        blocks = _bad_blocks(body.get("view"))
        return Refusal("edge.control", user_id, blocks=blocks) if blocks else None
    if kind == "block_actions":
        actions = body.get("actions") if isinstance(body.get("actions"), list) else []
        if _bad_blocks(body.get("view")) or any(unreadable(s) for s in _strings(actions)):
            return Refusal("edge.control", user_id, response_url=response_url)
        return None
    if kind == "message_action":
        message = _dict(body.get("message"))
        if unreadable(str(message.get("text") or "")):
            return Refusal("edge.control", user_id, response_url=response_url)
        return None
    if kind == "event_callback" and isinstance(body.get("event"), dict):
        return _event(body["event"])
    return None


def _command(body: dict[str, Any]) -> Refusal | None:
    text, user, url = body["text"], str(body.get("user_id") or ""), body.get("response_url")
    if unreadable(text):
        return Refusal("edge.control", user, response_url=url)
    if len(text) > MAX_COMMAND_TEXT:
        return Refusal("edge.too_long", user, values={"limit": MAX_COMMAND_TEXT}, response_url=url)
    return None


def _event(event: dict[str, Any]) -> Refusal | None:
    if event.get("type") not in {"message", "app_mention"} or event.get("bot_id"):
        return None
    inner = _dict(event.get("message"))
    texts = [event.get("text"), inner.get("text")]
    if not any(isinstance(text, str) and unreadable(text) for text in texts):
        return None
    user = event.get("user") or inner.get("user")
    channel = event.get("channel")
    # Someone's own message: told in that conversation, privately. A message without a person: dropped.
    return Refusal("edge.control", str(user or ""), channel=str(channel) if user and channel else None)
