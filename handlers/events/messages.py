"""Every ``message`` event: DMs to the bot are questions; replies in a minutes thread (and edits and
deletions of collected messages) go to the minutes; other channel messages are not for us."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.deps import deps_of
from handlers.common import first_time
from handlers.events import minutes
from handlers.events.questions import answer_question


def _is_question(event: dict[str, Any]) -> bool:
    return (
        event.get("channel_type") == "im" and not event.get("subtype") and not event.get("bot_id") and "user" in event
    )


def on_message(event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """A minutes contribution, edit or deletion, or a DM question, each event once; the rest cost nothing."""
    if not (minutes.is_minutes_event(event) or _is_question(event)):
        return
    deps = deps_of(context)
    if not first_time(deps, body):
        return
    if minutes.is_minutes_event(event):
        minutes.on_minutes_message(deps, client, event)
    else:
        answer_question(deps, client, event)
