"""``/cohort``: a programme's yearly cohorts, their sessions, materials, milestones and check-ins."""

from __future__ import annotations

from slack_bolt import App

from bot.commands import cohort
from handlers.commands.slash import register_command

COMMANDS = ("/cohort",)


def register(app: App) -> None:
    register_command(app, "/cohort", cohort)
