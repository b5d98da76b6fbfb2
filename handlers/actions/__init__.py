"""Block Kit button listeners, one module per feature area."""

from __future__ import annotations

from slack_bolt import App

from handlers.actions import reminders


def register(app: App) -> None:
    reminders.register(app)
