"""``/covenant``: status, lists, companies, groups, the asker's own record, and the secretariat's changes."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.commands import covenant
from bot.commands.parsing import USER_MENTION
from handlers.common import answer

COMMANDS = ("/covenant",)


def register(app: App) -> None:
    app.command("/covenant")(covenant_command)


def covenant_command(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    """Answer ``/covenant <text>`` ephemerally (mentioned users' Slack profiles are fetched first)."""
    ack()
    text = command.get("text", "")
    mentioned = [match.group(1) for match in USER_MENTION.finditer(text)]
    result = answer(context["deps"], client, command["user_id"], lambda ask: covenant.run(ask, text), mentioned)
    respond(response_type="ephemeral", **result.reply.as_message())
