"""``/meeting``: working-group meetings (replies are ephemeral; ``schedule`` alone opens the modal)."""

from __future__ import annotations

from slack_bolt import App

from bot.commands import meeting
from handlers.commands.slash import register_command

COMMANDS = ("/meeting",)


def register(app: App) -> None:
    register_command(app, "/meeting", meeting, opens_form=meeting.opens_form)
