"""The ack benchmark's baseline: a bare Bolt app that only acknowledges.

Served exactly like the product (gunicorn with the Procfile's ``web`` settings, Flask and Bolt's
Flask adapter, the same settings and Web API client), and verifying every request's signature
the same way; its listeners do nothing but ``ack()``:
``gunicorn ... 'bench.bare_app:create_wsgi_app()'``.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, request
from slack_bolt import Ack, App
from slack_bolt.adapter.flask import SlackRequestHandler

from bot.app import make_web_client
from config.settings import load_settings


def create_bolt_app() -> App:
    settings = load_settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings.require("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN")
    app = App(
        client=make_web_client(settings),
        signing_secret=settings.slack_signing_secret or "",
        process_before_response=False,
        token_verification_enabled=False,
        logger=logging.getLogger("covenant_bot.bolt"),
    )

    def acknowledge(ack: Ack) -> None:
        ack()

    def ignore() -> None:
        return None

    app.command("/covenant")(acknowledge)
    app.command("/plan")(acknowledge)
    app.event("app_mention")(ignore)
    return app


def create_wsgi_app() -> Flask:
    """gunicorn entry point."""
    handler = SlackRequestHandler(create_bolt_app())
    flask_app = Flask("bare_bolt_app")

    @flask_app.post("/slack/events")
    def slack_events() -> Response:
        return handler.handle(request)

    @flask_app.get("/healthz")
    def healthz() -> tuple[dict[str, str], int]:
        return {"status": "ok"}, 200

    return flask_app
