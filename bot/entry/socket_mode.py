"""Socket Mode: no public URL; handlers (and, with the reminders, the scheduler) in one process."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import build_sweeper, create_app
from bot.db.engine import make_engine, make_session_factory
from bot.scheduler import TakesOver, start_background, start_takeover
from config.settings import Settings


def run(settings: Settings) -> None:
    """Connect to Slack over a WebSocket and serve until interrupted, with the scheduler in-process."""
    settings.require("SLACK_APP_TOKEN", "SLACK_BOT_TOKEN")
    session_factory = make_session_factory(make_engine(settings.database_url))
    app = create_app(settings, session_factory=session_factory)
    scheduler = start_background(build_sweeper(settings, session_factory=session_factory))
    # Work acknowledged by this process before a crash (or by another instance) is run again after its lease.
    runner = app.listener_runner.lazy_listener_runner
    takeover = start_takeover(runner) if isinstance(runner, TakesOver) else None
    try:
        SocketModeHandler(app, settings.slack_app_token).start()  # type: ignore[no-untyped-call]
    finally:
        scheduler.shutdown(wait=False)
        if takeover is not None:
            takeover.shutdown(wait=False)
