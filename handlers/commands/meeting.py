"""``/meeting``: working-group meetings (replies are ephemeral; ``schedule`` alone opens the modal)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.commands import meeting, replays
from bot.deps import deps_of
from handlers.run import Asker, ack_then, run

COMMANDS = ("/meeting",)


def register(app: App) -> None:
    ack_then(app.command("/meeting"), meeting_command, ack=acknowledge_meeting)


def acknowledge_meeting(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Ack ``/meeting``; ``schedule`` alone opens its form here, while the trigger_id is still valid."""
    try:
        if meeting.opens_form(command.get("text", "")):
            answer_meeting(command, client, context)
    finally:
        ack()


def meeting_command(command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Answer ``/meeting <text>`` after the ack (a form was opened by the ack already)."""
    if not meeting.opens_form(command.get("text", "")):
        answer_meeting(command, client, context)


def answer_meeting(command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    text = command.get("text", "")
    run(
        deps_of(context),
        client,
        Asker.of_command(command),
        lambda ask: replays.once(ask.session, command, ask.now, lambda: meeting.run(ask, text)),
    )
