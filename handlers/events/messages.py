"""Every ``message`` event: DMs to the bot are questions; replies in a minutes thread (and edits and
deletions of collected messages) go to the minutes; other channel messages are not for us."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from handlers.events import minutes
from handlers.events.questions import answer_question


def on_message(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if minutes.is_minutes_event(event):
        minutes.on_minutes_message(event, client, context)
        return
    if event.get("subtype") or event.get("bot_id") or "user" not in event:
        return
    if event.get("channel_type") == "im":
        answer_question(event, client, context)
