"""Block Kit button listeners, one module per feature area."""

from __future__ import annotations

from slack_bolt import App

from handlers.actions import minutes


def register(app: App) -> None:
    minutes.register(app)
