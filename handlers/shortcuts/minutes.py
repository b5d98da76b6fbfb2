"""The message shortcut "Add to minutes"."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.commands import minutes_actions as actions
from handlers.minutes_outcome import carry_out, produce_outcome
from handlers.run import ack_then

logger = logging.getLogger(__name__)
ADD_TO_MINUTES = "add_to_minutes"
SHORTCUTS = (("message", ADD_TO_MINUTES),)


def register(app: App) -> None:
    ack_then(app.message_shortcut(ADD_TO_MINUTES), add_to_minutes)


def permalink(client: WebClient, channel: str, ts: str) -> str | None:
    """The message's permalink, or None when Slack will not say."""
    try:
        return str(client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
    except (SlackApiError, SlackClientError, KeyError, OSError) as error:
        logger.info("no permalink for %s/%s: %s", channel, ts, error)
        return None


def add_to_minutes(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext) -> None:
    ack()
    deps = context["deps"]
    user = body["user"]["id"]
    channel = str((body.get("channel") or {}).get("id", ""))
    message: dict[str, Any] = body.get("message") or {}
    link = permalink(client, channel, str(message.get("ts", ""))) if channel and message.get("ts") else None
    outcome, lang = produce_outcome(
        deps,
        client,
        user,
        lambda session, viewer: actions.shortcut(session, viewer, channel, message, link, deps.clock.now()),
    )
    carry_out(outcome, deps, client, user, lang, respond=respond, trigger_id=body.get("trigger_id"))
