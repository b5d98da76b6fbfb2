"""The "schedule a meeting" modal: errors are shown on their field (nothing saved); otherwise it is saved,
the person gets a confirmation by DM and the group's channel is told."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot.commands import meeting_schedule
from bot.i18n import t
from bot.render.blocks import Reply
from bot.render.meeting_modal import CALLBACK_ID
from bot.services.access import Viewer
from handlers.common import load_viewer, produce_reply, send_now

logger = logging.getLogger(__name__)


def register(app: App) -> None:
    app.view(CALLBACK_ID)(on_schedule_submitted)


def on_schedule_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    deps = context["deps"]
    user = body["user"]["id"]
    values = view.get("state", {}).get("values", {})
    try:
        with deps.session_factory() as session:
            viewer = load_viewer(session, client, deps, user)
            errors = meeting_schedule.check_modal(session, values, viewer, deps.clock.now())
    except Exception:
        logger.exception("could not check the schedule modal of %s", user)
        ack(response_action="errors", errors={"group": t(deps.settings.bot_language, "common.sorry")})
        return
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    notices: list[int] = []

    def produce(session: Session, viewer: Viewer) -> Reply:
        answer = meeting_schedule.submit_modal(session, values, viewer, deps.clock.now())
        notices.extend(answer.notice_ids)
        return answer.reply

    reply, _ = produce_reply(deps, client, user, produce)
    try:
        client.chat_postMessage(channel=user, **reply.as_message())
    except (SlackApiError, SlackClientError) as exc:
        logger.warning("could not confirm the meeting to %s: %s", user, exc)
    send_now(deps, notices)
