"""Block Kit button listeners (``block_actions``), one module per feature area."""

from __future__ import annotations

from slack_bolt import App

from handlers.actions import meetings


def register(app: App) -> None:
    meetings.register(app)
