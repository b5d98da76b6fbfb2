"""``/plan``: action plans and their deadlines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.commands import plan, replays
from bot.deps import deps_of
from handlers.common import produce_reply, respond_privately
from handlers.run import ack_then

if TYPE_CHECKING:
    from bot.deps import Deps

COMMANDS = ("/plan",)


def register(app: App) -> None:
    ack_then(app.command("/plan"), plan_command)


def plan_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Acknowledge ``/plan <text>`` at once; the answer is built after the ack."""
    ack()
    reply_to_plan(deps_of(context), client, command)


def reply_to_plan(deps: Deps, client: WebClient, command: dict[str, Any]) -> None:
    """Answer ``/plan <text>`` ephemerally."""
    reply, _ = produce_reply(
        deps,
        client,
        command["user_id"],
        lambda session, viewer: replays.once(
            session,
            command,
            deps.clock.now(),
            lambda: plan.run(
                session,
                command.get("text", ""),
                plan.PlanContext(viewer, command.get("channel_id", ""), deps.today(), deps.clock.now()),
            ),
        ),
    )
    respond_privately(command, reply)
