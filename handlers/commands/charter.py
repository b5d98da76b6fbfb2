"""``/charter``: a charter's signatories, commitments and progress updates."""

from __future__ import annotations

from slack_bolt import App

from bot.commands import charter
from handlers.commands.slash import register_command

COMMANDS = ("/charter",)


def register(app: App) -> None:
    register_command(app, "/charter", charter)
