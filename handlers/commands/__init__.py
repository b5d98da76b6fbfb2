"""Slash-command listeners, one module per command."""

from __future__ import annotations

from slack_bolt import App

from handlers.commands import cohort, covenant, meeting, minutes, plan

# Every command the app registers; config/manifest.yml must declare exactly these.
COMMANDS = (*covenant.COMMANDS, *plan.COMMANDS, *meeting.COMMANDS, *minutes.COMMANDS, *cohort.COMMANDS)


def register(app: App) -> None:
    covenant.register(app)
    plan.register(app)
    meeting.register(app)
    minutes.register(app)
    cohort.register(app)
