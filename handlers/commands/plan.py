"""``/plan``: action plans and their deadlines."""

from __future__ import annotations

from slack_bolt import App

from bot.commands import plan
from handlers.commands.slash import register_command

COMMANDS = ("/plan",)


def register(app: App) -> None:
    register_command(app, "/plan", plan)
