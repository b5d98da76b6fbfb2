"""Socket Mode: no public URL; handlers (and, with the reminders, the scheduler) in one process."""

from __future__ import annotations

import logging
import threading

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError

from bot.app import build_sweeper, create_app
from bot.db.engine import make_engine, make_session_factory
from bot.scheduler import TakesOver, start_background, start_takeover
from config.settings import Settings, SettingsError

logger = logging.getLogger(__name__)

# What apps.connections.open answers for an app token it will not take.
_REFUSED_TOKEN = {"invalid_auth", "not_authed", "token_revoked", "account_inactive", "not_allowed_token_type"}


def run(settings: Settings) -> None:
    """Connect to Slack over a WebSocket and serve until interrupted, with the scheduler in-process.

    The connection comes first: an app token Slack refuses ends the process with one line (a SettingsError)
    before the scheduler starts.
    """
    settings.require("SLACK_APP_TOKEN", "SLACK_BOT_TOKEN")
    session_factory = make_session_factory(make_engine(settings.database_url))
    app = create_app(settings, session_factory=session_factory)
    handler = SocketModeHandler(app, settings.slack_app_token)
    try:
        handler.connect()  # type: ignore[no-untyped-call]
    except SlackApiError as error:
        reason = error.response.get("error")
        if reason not in _REFUSED_TOKEN:
            raise
        raise SettingsError(
            f"Slack refused SLACK_APP_TOKEN ({reason}): create a new one at api.slack.com/apps -> your app -> "
            "Basic Information -> App-Level Tokens (scope connections:write, xapp-...)"
        ) from None
    logger.info("connected to Slack in Socket Mode")
    scheduler = start_background(build_sweeper(settings, session_factory=session_factory))
    # Work acknowledged by this process before a crash (or by another instance) is run again after its lease.
    runner = app.listener_runner.lazy_listener_runner
    takeover = start_takeover(runner) if isinstance(runner, TakesOver) else None
    try:
        threading.Event().wait()  # what SocketModeHandler.start() does after connecting: serve until interrupted
    finally:
        handler.close()  # type: ignore[no-untyped-call]
        scheduler.shutdown(wait=False)
        if takeover is not None:
            takeover.shutdown(wait=False)
