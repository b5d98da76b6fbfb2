"""``/covenant``: status, lists, companies, groups, the asker's own record, and the secretariat's changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.commands import covenant, replays
from bot.commands.parsing import USER_MENTION
from bot.deps import deps_of
from handlers.common import answer, respond_privately
from handlers.run import ack_then

if TYPE_CHECKING:
    from bot.deps import Deps

COMMANDS = ("/covenant",)


def register(app: App) -> None:
    ack_then(app.command("/covenant"), covenant_command)


def covenant_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Acknowledge ``/covenant <text>`` at once; the answer is built after the ack."""
    ack()
    reply_to_covenant(deps_of(context), client, command)


def reply_to_covenant(deps: Deps, client: WebClient, command: dict[str, Any]) -> None:
    """Answer ``/covenant <text>`` ephemerally (mentioned users' Slack profiles are fetched first)."""
    text = command.get("text", "")
    mentioned = [match.group(1) for match in USER_MENTION.finditer(text)]
    result = answer(
        deps,
        client,
        command["user_id"],
        lambda ask: replays.once(ask.session, command, ask.now, lambda: covenant.run(ask, text)),
        mentioned,
    )
    respond_privately(command, result.reply)
