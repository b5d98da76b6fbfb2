"""Events API: @mentions and DMs (questions), the App Home tab, and channel messages."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.commands import questions
from bot.render.home import home_view
from bot.services import covenants
from handlers.common import load_viewer, produce_reply

logger = logging.getLogger(__name__)

EVENTS = ("app_mention", "app_home_opened", "message")


def register(app: App) -> None:
    app.event("app_mention")(on_mention)
    app.event("app_home_opened")(on_home_opened)
    app.event("message")(on_message)


def _answer_question(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    deps = context["deps"]
    reply, _ = produce_reply(
        deps,
        client,
        event["user"],
        lambda session, viewer: questions.answer(session, event.get("text", ""), viewer, deps.today()),
    )
    thread_ts = event.get("thread_ts")
    if event.get("channel_type") == "im":
        client.chat_postMessage(channel=event["channel"], thread_ts=thread_ts, **reply.as_message())
    else:
        # In a channel the answer goes to the asker alone: nothing reaches someone who may not see it.
        client.chat_postEphemeral(
            channel=event["channel"], user=event["user"], thread_ts=thread_ts, **reply.as_message()
        )


def on_mention(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    _answer_question(event, client, context)


def on_message(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    # Only plain messages people send the bot in its DM; edits, bots and channel chatter are not questions.
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id") or "user" not in event:
        return
    _answer_question(event, client, context)


def on_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("tab", "home") != "home":
        return
    deps = context["deps"]
    try:
        with deps.session_factory() as session:
            viewer = load_viewer(session, client, deps, event["user"])
            mine = covenants.covenants_of(session, viewer.organisation_id, set(viewer.roles))
            view = home_view(viewer, mine, covenants.all_covenants(session))
    except Exception:
        logger.exception("could not build the Home tab for %s", event.get("user"))
        return
    client.views_publish(user_id=event["user"], view=view)
