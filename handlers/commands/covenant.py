"""``/covenant``: status, lists, companies, groups, the asker's own record, and the secretariat's changes."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.commands import covenant, replays
from bot.commands.parsing import USER_MENTION
from bot.deps import deps_of
from handlers.run import Asker, ack_then, run

COMMANDS = ("/covenant",)


def register(app: App) -> None:
    ack_then(app.command("/covenant"), covenant_command)


def covenant_command(command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Answer ``/covenant <text>`` privately (the Slack profiles of people it mentions are fetched first)."""
    text = command.get("text", "")
    run(
        deps_of(context),
        client,
        Asker.of_command(command),
        lambda ask: replays.once(ask.session, command, ask.now, lambda: covenant.run(ask, text)),
        mentioned=[match.group(1) for match in USER_MENTION.finditer(text)],
    )
