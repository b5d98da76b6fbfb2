"""``/covenant``: covenant status, lists and help."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.commands import covenant
from handlers.common import produce_reply

COMMANDS = ("/covenant",)


def register(app: App) -> None:
    app.command("/covenant")(covenant_command)


def covenant_command(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    ack()
    deps = context["deps"]
    reply, _ = produce_reply(
        deps,
        client,
        command["user_id"],
        lambda session, viewer: covenant.run(session, command.get("text", ""), viewer, deps.today()),
    )
    respond(response_type="ephemeral", **reply.as_message())
