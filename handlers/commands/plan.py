"""``/plan``: action plans and their deadlines."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.commands import plan, replays
from bot.deps import deps_of
from handlers.run import Asker, ack_then, run

COMMANDS = ("/plan",)


def register(app: App) -> None:
    ack_then(app.command("/plan"), plan_command)


def plan_command(command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Answer ``/plan <text>`` privately."""
    text = command.get("text", "")
    run(
        deps_of(context),
        client,
        Asker.of_command(command),
        lambda ask: replays.once(ask.session, command, ask.now, lambda: plan.run(ask, text)),
    )
