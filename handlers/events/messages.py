"""Every ``message`` event: DMs to the bot are questions; other messages are not for us (yet)."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from handlers.events.questions import answer_question


def on_message(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("subtype") or event.get("bot_id") or "user" not in event:
        return
    if event.get("channel_type") == "im":
        answer_question(event, client, context)
