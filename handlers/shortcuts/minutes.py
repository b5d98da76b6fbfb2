"""The message shortcut "Add to minutes".

It may open the meeting picker, which needs the trigger_id while Slack waits: the work is done in the ack.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.commands import minutes_actions as actions
from bot.deps import deps_of
from handlers.run import Asker, ack_then, run

logger = logging.getLogger(__name__)
ADD_TO_MINUTES = "add_to_minutes"
SHORTCUTS = (("message", ADD_TO_MINUTES),)


def register(app: App) -> None:
    ack_then(app.message_shortcut(ADD_TO_MINUTES), ack=add_to_minutes)


def permalink(client: WebClient, channel: str, ts: str) -> str | None:
    """The message's permalink, or None when Slack will not say."""
    try:
        return str(client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
    except (SlackApiError, SlackClientError, KeyError, OSError) as error:
        logger.info("no permalink for %s/%s: %s", channel, ts, error)
        return None


def add_to_minutes(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Add the message to the channel's minutes, or open the picker; then ack."""
    try:
        asker = Asker.of_action(body)
        message: dict[str, Any] = body.get("message") or {}
        link = permalink(client, asker.channel, str(message["ts"])) if asker.channel and message.get("ts") else None
        run(deps_of(context), client, asker, lambda ask: actions.shortcut(ask, message, link))
    finally:
        ack()
