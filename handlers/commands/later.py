"""Commands the manifest declares whose features arrive in later versions: they say so, politely."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.render.errors import not_yet
from handlers.common import produce_reply

COMMANDS = ("/meeting", "/plan")


def register(app: App) -> None:
    for name in COMMANDS:
        app.command(name)(later_command)


def later_command(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext) -> None:
    ack()
    reply, _ = produce_reply(
        context["deps"],
        client,
        command["user_id"],
        lambda _session, viewer: not_yet(command["command"], viewer.language),
    )
    respond(response_type="ephemeral", **reply.as_message())
