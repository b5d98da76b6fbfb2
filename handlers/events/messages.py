"""Every ``message`` event: DMs to the bot are questions; replies in a minutes thread (and edits and
deletions of collected messages) go to the minutes; other channel messages are not for us."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.deps import deps_of
from handlers.events import minutes
from handlers.events.questions import answer_question


def _is_question(event: dict[str, Any]) -> bool:
    return (
        event.get("channel_type") == "im" and not event.get("subtype") and not event.get("bot_id") and "user" in event
    )


def for_us(event: dict[str, Any]) -> bool:
    """The listener's matcher: a minutes contribution, edit or deletion, or a DM question. Other messages match
    no listener with work after the ack, so they cost nothing (no record of work, no event_id kept)."""
    return minutes.is_minutes_event(event) or _is_question(event)


def on_message(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """A minutes contribution, edit or deletion, or a DM question (each event once: handlers.durable)."""
    deps = deps_of(context)
    if minutes.is_minutes_event(event):
        minutes.on_minutes_message(deps, client, event)
    else:
        answer_question(deps, client, event)
