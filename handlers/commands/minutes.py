"""``/minutes``: add (opens the form), show, list, search, export, help."""

from __future__ import annotations

from slack_bolt import App

from bot.commands import minutes
from handlers.commands.slash import register_command

COMMANDS = ("/minutes",)


def register(app: App) -> None:
    register_command(app, "/minutes", minutes, opens_form=minutes.opens_form)
