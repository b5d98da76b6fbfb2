"""Slash commands: /covenant, /meeting, /minutes, /plan."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.commands import covenant
from bot.render.errors import not_yet
from handlers.common import produce_reply

logger = logging.getLogger(__name__)

COMMANDS = ("/covenant", "/meeting", "/minutes", "/plan")


def register(app: App) -> None:
    app.command("/covenant")(covenant_command)
    for name in COMMANDS[1:]:
        app.command(name)(later_command)


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


def later_command(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext) -> None:
    ack()
    reply, _ = produce_reply(
        context["deps"],
        client,
        command["user_id"],
        lambda _session, viewer: not_yet(command["command"], viewer.language),
    )
    respond(response_type="ephemeral", **reply.as_message())
