"""``/minutes``: add (opens the form), show, list, search, export, help."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.commands import minutes, replays
from handlers.minutes_outcome import carry_out, produce_outcome
from handlers.run import ack_then

COMMANDS = ("/minutes",)


def register(app: App) -> None:
    ack_then(app.command("/minutes"), minutes_command)


def minutes_command(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    ack()
    deps = context["deps"]
    user = command["user_id"]
    outcome, lang = produce_outcome(
        deps,
        client,
        user,
        lambda session, viewer: replays.once(
            session,
            command,
            deps.clock.now(),
            lambda: minutes.run(session, command.get("text", ""), viewer, deps.clock.now(), command.get("channel_id")),
        ),
    )
    carry_out(outcome, deps, client, user, lang, respond=respond, trigger_id=command.get("trigger_id"))
