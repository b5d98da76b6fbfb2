"""HTTP mode: a Flask app for gunicorn (``POST /slack/events``, ``GET /healthz``, ``GET /calendar/<token>.ics``,
and the links in emails: ``GET``/``POST /l/<token>``, bot.entry.links)."""

from __future__ import annotations

import gc
import logging
import re
import sys
import time
from typing import Any

from flask import Flask, Response, request
from slack_bolt import App
from slack_bolt.adapter.flask.handler import to_flask_response
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import text
from werkzeug.exceptions import RequestEntityTooLarge

from bot import request_shape
from bot.app import build_sweeper, create_app
from bot.bolt_request import bolt_request
from bot.clock import Clock, SystemClock
from bot.db.engine import SessionFactory, make_engine, make_session_factory
from bot.db.migrate import schema_problem
from bot.entry import links
from bot.scheduler import TakesOver, start_takeover
from bot.services.meetings import calendar_feed, groups
from config.settings import Settings, SettingsError, load_settings

logger = logging.getLogger(__name__)

# What a calendar token can look like (secrets.token_urlsafe, at most the column's 64 characters): anything
# else is no calendar, and never reaches the database (PostgreSQL refused a NUL in it with an error).
CALENDAR_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
# A schema found at head is believed for this long: load balancers ask every few seconds, and the check
# costs an inspection of the database (measured 0.7 ms on SQLite against 0.04 ms for SELECT 1; a few round
# trips on PostgreSQL). A failure is never remembered: the next check looks again.
SCHEMA_OK_SECONDS = 30.0


def create_flask_app(
    bolt_app: App,
    session_factory: SessionFactory,
    signing_secret: str,
    clock: Clock | None = None,
    link_pages: links.LinkPages | None = None,
) -> Flask:
    """Wrap a built Bolt app in Flask, with a health check that asks the database, the groups' calendar
    feeds (unguessable token per group, no Slack signature: calendar apps fetch them) and, given
    ``link_pages``, the pages behind the links in emails (signed tokens, no Slack signature: browsers open them)."""
    flask_app = Flask("covenant_bot")
    # werkzeug refuses a larger body (413) from its Content-Length, before reading it (bot.request_shape
    # says why this size).
    flask_app.config["MAX_CONTENT_LENGTH"] = request_shape.MAX_BODY_BYTES
    verifier = SignatureVerifier(signing_secret)
    clock = clock or SystemClock()
    schema_ok_until = [0.0]

    @flask_app.post("/slack/events")
    def slack_events() -> Response | tuple[dict[str, str], int]:
        # Bolt verifies too, but only after parsing the body: a forged, unparsable body would reach its
        # parser (and answer 500). Checking the signature first answers every forgery with 401.
        raw = request.get_data(as_text=True)
        if not _signed(verifier, raw, request.headers):
            return {"error": "invalid signature"}, 401
        # Signed, but of a shape Slack never sends: answered here, before Bolt and the listeners trust it.
        try:
            body = request_shape.parse(raw, request.content_type)
        except request_shape.Malformed as error:
            logger.info("refused a malformed request: %s", error)
            return {"error": f"malformed request: {error}"}, 400
        if body.get("type") == "app_rate_limited":
            logger.warning("Slack is holding back events: more than 30,000 in the last minute")
            return {}, 200
        headers: dict[str, list[str]] = {}
        for name, value in request.headers.items():
            headers.setdefault(name, []).append(value)
        slack_request = bolt_request(raw, headers, request.query_string.decode("utf-8", "replace"), parsed=body)
        return to_flask_response(bolt_app.dispatch(slack_request))

    @flask_app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> tuple[dict[str, str], int]:
        return {"error": f"body larger than {request_shape.MAX_BODY_BYTES} bytes"}, 413

    @flask_app.get("/healthz")
    def healthz() -> tuple[dict[str, str], int]:
        # Ok means the database answers and has the schema this code needs: tables missing or an older
        # migration would fail every request while the check said ok.
        check_schema = time.monotonic() >= schema_ok_until[0]
        try:
            with session_factory() as session:
                session.execute(text("SELECT 1"))
                problem = schema_problem(session.connection()) if check_schema else None
        except Exception as exc:
            logger.error("health check failed: %s", exc)
            return {"status": "database unavailable"}, 503
        if problem is not None:
            logger.error("health check failed: %s", problem)
            return {"status": problem}, 503
        if check_schema:
            schema_ok_until[0] = time.monotonic() + SCHEMA_OK_SECONDS
        return {"status": "ok"}, 200

    @flask_app.get("/calendar/<token>.ics")
    def calendar(token: str) -> Response:
        if not CALENDAR_TOKEN.fullmatch(token):
            return Response("no such calendar\n", status=404, mimetype="text/plain")
        with session_factory() as session:
            group = groups.by_token(session, token)
            if group is None:
                return Response("no such calendar\n", status=404, mimetype="text/plain")
            body = calendar_feed.calendar(session, group, clock.now())
        response = Response(body, mimetype="text/calendar")
        response.headers["Content-Disposition"] = 'inline; filename="meetings.ics"'
        response.headers["Cache-Control"] = "private, max-age=300"
        response.add_etag()
        response.make_conditional(request)
        return response

    if link_pages is not None:
        links.register(flask_app, link_pages)
    return flask_app


def _signed(verifier: SignatureVerifier, body: str, headers: Any) -> bool:
    try:
        return verifier.is_valid(body, headers.get("X-Slack-Request-Timestamp"), headers.get("X-Slack-Signature"))
    except (ValueError, TypeError):  # e.g. a timestamp that is not a number
        return False


def build(settings: Settings) -> Flask:
    """The production WSGI app for ``settings`` (tokens required, signatures always verified)."""
    settings.require("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN")
    session_factory = make_session_factory(make_engine(settings.database_url))
    app = create_app(settings, session_factory=session_factory)
    clock = SystemClock()
    link_pages = links.LinkPages(
        settings,
        session_factory,
        clock,
        sweeper=build_sweeper(settings, session_factory=session_factory, clock=clock),
        client=app.client,
    )
    flask_app = create_flask_app(app, session_factory, settings.slack_signing_secret or "", clock, link_pages)
    # Work another worker acknowledged and did not finish (it was killed) is run again here after its lease.
    runner = app.listener_runner.lazy_listener_runner
    if isinstance(runner, TakesOver):
        start_takeover(runner)
    # Everything built so far lives as long as the worker: keep it out of the garbage collector's full
    # passes, which otherwise walk it all again and again and stretch the acks' tail.
    gc.collect()
    gc.freeze()
    return flask_app


def create_wsgi_app() -> Flask:
    """gunicorn's entry point (``'bot.entry.web:create_wsgi_app()'``): a settings error is one line, not a trace."""
    try:
        settings = load_settings()
        logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        return build(settings)
    except SettingsError as error:
        print(f"covenant-bot: {error}", file=sys.stderr, flush=True)
        # Exit code 3 tells gunicorn's arbiter the app cannot boot, so it stops instead of respawning.
        sys.exit(3)
