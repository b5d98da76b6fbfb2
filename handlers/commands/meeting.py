"""``/meeting``: working-group meetings (replies are ephemeral; ``schedule`` alone opens the modal)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot.commands import meeting, replays
from bot.commands.meeting import Invocation, MeetingAnswer
from bot.i18n import t
from bot.render.blocks import Reply
from bot.services.access import Viewer
from handlers.common import produce_reply, send_now
from handlers.run import ack_then

logger = logging.getLogger(__name__)

COMMANDS = ("/meeting",)


def register(app: App) -> None:
    ack_then(app.command("/meeting"), meeting_command)


def meeting_command(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    ack()
    deps = context["deps"]
    answers: list[MeetingAnswer] = []

    def produce(session: Session, viewer: Viewer) -> Reply:
        call = Invocation(viewer, deps.clock.now(), command.get("channel_id"), deps.settings.public_url)
        answer = replays.once(session, command, call.now, lambda: meeting.run(session, command.get("text", ""), call))
        answers.append(answer)
        return answer.reply or Reply(text="")

    reply, viewer = produce_reply(deps, client, command["user_id"], produce)
    answer = answers[0] if answers else MeetingAnswer(reply)
    lang = viewer.language if viewer else deps.settings.bot_language
    if answer.modal is not None:
        try:
            client.views_open(trigger_id=command["trigger_id"], view=answer.modal)
        except (SlackApiError, SlackClientError) as exc:
            logger.warning("views.open failed: %s", exc)
            respond(response_type="ephemeral", text=t(lang, "meeting.modal_failed"))
    else:
        respond(response_type="ephemeral", **reply.as_message())
    if answer.file is not None:
        _upload(client, command["user_id"], answer.file)
    send_now(deps, answer.notice_ids)


def _upload(client: WebClient, user_id: str, file: meeting.CalendarFile) -> None:
    """Hand the calendar file to the user in their DM with the bot."""
    try:
        channel = client.conversations_open(users=user_id)["channel"]["id"]
        client.files_upload_v2(channel=channel, content=file.content, filename=file.filename, title=file.title)
    except (SlackApiError, SlackClientError, OSError) as exc:
        logger.warning("calendar file upload to %s failed: %s", user_id, exc)
