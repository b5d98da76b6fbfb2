"""Modal (view_submission) listeners, one module per feature area."""

from __future__ import annotations

from slack_bolt import App

from handlers.views import minutes


def register(app: App) -> None:
    minutes.register(app)
