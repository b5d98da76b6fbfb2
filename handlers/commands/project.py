"""``/project``: collective projects (parties, milestones, updates, linked group)."""

from __future__ import annotations

from slack_bolt import App

from bot.commands import project
from handlers.commands.slash import register_command

COMMANDS = ("/project",)


def register(app: App) -> None:
    register_command(app, "/project", project)
