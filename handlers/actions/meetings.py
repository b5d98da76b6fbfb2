"""Buttons on meeting messages: Attend / Not attending / Maybe, Who answered?, and Schedule anyway."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot.commands import meeting_rsvp, meeting_schedule
from bot.commands.meeting_rsvp import RsvpResult
from bot.db.enums import RsvpAnswer
from bot.render.blocks import Reply
from bot.render.meetings import ACTION_RSVP, ACTION_SCHEDULE_ANYWAY, ACTION_WHO
from bot.services.access import Viewer
from handlers.common import produce_reply, send_now
from handlers.run import ack_then

logger = logging.getLogger(__name__)


ACTIONS = (f"{ACTION_RSVP}_yes", f"{ACTION_RSVP}_no", f"{ACTION_RSVP}_maybe", ACTION_WHO, ACTION_SCHEDULE_ANYWAY)


def register(app: App) -> None:
    ack_then(app.action(re.compile(rf"^{ACTION_RSVP}_(yes|no|maybe)$")), on_rsvp)
    ack_then(app.action(ACTION_WHO), on_who)
    ack_then(app.action(ACTION_SCHEDULE_ANYWAY), on_schedule_anyway)


def on_rsvp(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    ack()
    deps = context["deps"]
    choice = RsvpAnswer(action["action_id"].rsplit("_", 1)[1])
    results: list[RsvpResult] = []

    def produce(session: Session, viewer: Viewer) -> Reply:
        result = meeting_rsvp.answer(
            session, action.get("value", ""), choice, viewer, deps.clock.now(), deps.settings.bot_language
        )
        results.append(result)
        return result.note or Reply(text="")

    reply, _ = produce_reply(deps, client, body["user"]["id"], produce)
    result = results[0] if results else RsvpResult(note=reply)
    note = result.note
    if note is None and (body.get("container") or {}).get("is_ephemeral"):
        note = result.recorded
    if note is not None:
        respond(response_type="ephemeral", replace_original=False, **note.as_message())
    for channel, ts, message in result.updates:
        try:
            client.chat_update(channel=channel, ts=ts, **message.as_message())
        except (SlackApiError, SlackClientError) as exc:
            logger.warning("could not update the reminder %s/%s: %s", channel, ts, exc)


def on_who(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    ack()
    deps = context["deps"]
    reply, _ = produce_reply(
        deps,
        client,
        body["user"]["id"],
        lambda session, viewer: meeting_rsvp.who(session, action.get("value", ""), viewer, deps.clock.now()),
    )
    respond(response_type="ephemeral", replace_original=False, **reply.as_message())


def on_schedule_anyway(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    ack()
    deps = context["deps"]
    notices: list[int] = []

    def produce(session: Session, viewer: Viewer) -> Reply:
        now = deps.clock.now()
        answer = meeting_schedule.schedule_line(session, action.get("value", ""), viewer, now, deps.today(), force=True)
        notices.extend(answer.notice_ids)
        return answer.reply

    reply, _ = produce_reply(deps, client, body["user"]["id"], produce)
    respond(response_type="ephemeral", replace_original=True, **reply.as_message())
    send_now(deps, notices)
