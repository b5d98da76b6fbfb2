"""``/minutes``: add (opens the form), show, list, search, export, help."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.commands import minutes, replays
from bot.deps import deps_of
from handlers.run import Asker, ack_then, run

COMMANDS = ("/minutes",)


def register(app: App) -> None:
    ack_then(app.command("/minutes"), minutes_command, ack=acknowledge_minutes)


def acknowledge_minutes(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Ack ``/minutes``; ``add`` opens the minutes form here, while the trigger_id is still valid."""
    try:
        if minutes.opens_form(command.get("text", "")):
            answer_minutes(command, client, context)
    finally:
        ack()


def minutes_command(command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Answer ``/minutes <text>`` after the ack (a form was opened by the ack already)."""
    if not minutes.opens_form(command.get("text", "")):
        answer_minutes(command, client, context)


def answer_minutes(command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    text = command.get("text", "")
    run(
        deps_of(context),
        client,
        Asker.of_command(command),
        lambda ask: replays.once(ask.session, command, ask.now, lambda: minutes.run(ask, text)),
    )
