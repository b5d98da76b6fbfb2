"""Modal submission listeners (``view_submission``), one module per feature area."""

from __future__ import annotations

from slack_bolt import App

from handlers.views import meetings, minutes


def register(app: App) -> None:
    meetings.register(app)
    minutes.register(app)
