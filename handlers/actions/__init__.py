"""Block Kit button listeners, one module per feature, each with ``register(app)``."""

from __future__ import annotations

from slack_bolt import App

from handlers.actions import charts, home, meetings, minutes, pages, reminders, share

# Every action_id the app answers (tests check that every button the bot draws is one of these).
ACTIONS = (
    *share.ACTIONS,
    *pages.ACTIONS,
    *home.ACTIONS,
    *reminders.ACTIONS,
    *meetings.ACTIONS,
    *minutes.ACTIONS,
    *charts.ACTIONS,
)


def register(app: App) -> None:
    """Wire every button listener onto ``app``."""
    share.register(app)
    pages.register(app)
    home.register(app)
    reminders.register(app)
    meetings.register(app)
    minutes.register(app)
    charts.register(app)
