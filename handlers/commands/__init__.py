"""Slash-command listeners, one module per command."""

from __future__ import annotations

from slack_bolt import App

from handlers.commands import charter, cohort, covenant, meeting, minutes, plan, project

# Every command the app registers; config/manifest.yml must declare exactly these.
COMMANDS = (
    *covenant.COMMANDS,
    *plan.COMMANDS,
    *meeting.COMMANDS,
    *minutes.COMMANDS,
    *charter.COMMANDS,
    *cohort.COMMANDS,
    *project.COMMANDS,
)


def register(app: App) -> None:
    covenant.register(app)
    plan.register(app)
    meeting.register(app)
    minutes.register(app)
    charter.register(app)
    cohort.register(app)
    project.register(app)
