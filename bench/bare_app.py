"""The benchmark's baseline: a bare Bolt app that acknowledges and posts a fixed reply.

Served exactly like the product (gunicorn with the Procfile's ``web`` settings, Flask and Bolt's Flask adapter,
the same settings and Web API client, Bolt's ack-then-lazy listeners with ``process_before_response``), and
verifying every request's signature the same way; its listeners only ``ack()`` and then post one fixed reply
where the product posts its answer (the response_url of a command; an ephemeral in the mention's thread):
``gunicorn ... 'bench.bare_app:create_wsgi_app()'``.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, request
from slack_bolt import Ack, App, Respond
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_sdk import WebClient

from bot.app import make_web_client
from config.settings import load_settings

FIXED_REPLY = "Textiel: 42 deelnemers, 3 plannen te laat."


def create_bolt_app() -> App:
    settings = load_settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings.require("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN")
    app = App(
        client=make_web_client(settings),
        signing_secret=settings.slack_signing_secret or "",
        process_before_response=True,
        token_verification_enabled=False,
        logger=logging.getLogger("covenant_bot.bolt"),
    )

    def acknowledge(ack: Ack) -> None:
        ack()

    def reply_to_command(respond: Respond) -> None:
        respond(response_type="ephemeral", text=FIXED_REPLY)

    def reply_to_mention(event: dict[str, Any], client: WebClient) -> None:
        client.chat_postEphemeral(
            channel=event["channel"], user=event["user"], thread_ts=event.get("thread_ts"), text=FIXED_REPLY
        )

    app.command("/covenant")(ack=acknowledge, lazy=[reply_to_command])
    app.command("/plan")(ack=acknowledge, lazy=[reply_to_command])
    app.event("app_mention")(ack=acknowledge, lazy=[reply_to_mention])
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
