"""``/plan``: action plans and their deadlines."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.commands import plan
from handlers.common import produce_reply

COMMANDS = ("/plan",)


def register(app: App) -> None:
    app.command("/plan")(plan_command)


def plan_command(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext) -> None:
    ack()
    deps = context["deps"]
    reply, _ = produce_reply(
        deps,
        client,
        command["user_id"],
        lambda session, viewer: plan.run(
            session,
            command.get("text", ""),
            plan.PlanContext(viewer, command.get("channel_id", ""), deps.today(), deps.clock.now()),
        ),
    )
    respond(response_type="ephemeral", **reply.as_message())
