"""Socket Mode: no public URL; handlers (and, with the reminders, the scheduler) in one process."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import create_app
from config.settings import Settings


def run(settings: Settings) -> None:
    """Connect to Slack over a WebSocket and serve until interrupted."""
    settings.require("SLACK_APP_TOKEN", "SLACK_BOT_TOKEN")
    app = create_app(settings)
    SocketModeHandler(app, settings.slack_app_token).start()  # type: ignore[no-untyped-call]
