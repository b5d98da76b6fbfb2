"""Carrying out what the minutes application layer decided (bot.commands.minutes.Outcome): the Slack I/O."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot.commands.minutes import Outcome
from bot.i18n import t
from bot.render.blocks import Reply, clip
from bot.render.errors import apology
from bot.services.access import Viewer
from bot.services.errors import FieldError, UsageError
from handlers.common import load_viewer, produce_reply

if TYPE_CHECKING:
    from bot.deps import Deps

logger = logging.getLogger(__name__)
MAX_FIELD_ERROR = 300


def produce_outcome(
    deps: Deps, client: WebClient, slack_user_id: str, produce: Callable[[Session, Viewer], Outcome]
) -> tuple[Outcome, str]:
    """Run ``produce`` like handlers.common.produce_reply: a UsageError or a bug becomes a friendly reply.

    Returns the outcome and the language to answer in.
    """
    produced: list[Outcome] = []

    def inner(session: Session, viewer: Viewer) -> Reply:
        outcome = produce(session, viewer)
        produced.append(outcome)
        return outcome.reply or Reply(text="")

    reply, viewer = produce_reply(deps, client, slack_user_id, inner)
    lang = viewer.language if viewer else deps.settings.bot_language
    return (produced[0] if produced else Outcome(reply=reply)), lang


def submit(
    ack: Ack,
    deps: Deps,
    client: WebClient,
    slack_user_id: str,
    default_field: str,
    produce: Callable[[Session, Viewer], Outcome],
) -> tuple[Outcome | None, str]:
    """Handle a view submission: errors are shown on the form's fields (nothing saved), else ack and go on."""
    lang: str = deps.settings.bot_language
    try:
        with deps.session_factory() as session:
            viewer = load_viewer(session, client, deps, slack_user_id)
            lang = viewer.language
            try:
                outcome = produce(session, viewer)
            except UsageError as error:
                session.rollback()
                field = error.field if isinstance(error, FieldError) else default_field
                ack(response_action="errors", errors={field: clip(t(lang, error.key, **error.values), MAX_FIELD_ERROR)})
                return None, lang
    except Exception:
        logger.exception("view submission of %s failed", slack_user_id)
        ack(response_action="errors", errors={default_field: t(lang, "common.sorry")})
        return None, lang
    ack()
    return outcome, lang


def carry_out(
    outcome: Outcome,
    deps: Deps,
    client: WebClient,
    slack_user_id: str,
    lang: str,
    *,
    respond: Respond | None = None,
    trigger_id: str | None = None,
) -> None:
    """Open the modal, send what is owed now, replace earlier messages, upload, answer: in that order."""
    if outcome.view is not None and not _call(client.views_open, trigger_id=trigger_id, view=outcome.view):
        outcome.reply = apology(lang)
    if outcome.send_now:
        from bot.delivery import Sweeper

        sweeper = Sweeper(deps.session_factory, client, deps.clock, deps.settings, threads=1)
        for delivery_id in outcome.send_now:
            sweeper.deliver_now(delivery_id)
    for channel, ts, message in outcome.updates:
        _call(client.chat_update, channel=channel, ts=ts, **message.as_message())
    if outcome.upload is not None and not _upload(client, slack_user_id, outcome):
        outcome.reply = apology(lang)
    if outcome.reply is not None and outcome.reply.text:
        if respond is not None:
            respond(response_type="ephemeral", replace_original=False, **outcome.reply.as_message())
        else:
            outcome.dm = outcome.reply
    if outcome.dm is not None:
        _call(client.chat_postMessage, channel=slack_user_id, **outcome.dm.as_message())


def _call(method: Callable[..., Any], **arguments: Any) -> bool:
    """Call a Web API method; a failure is logged (the user's answer says so where it matters)."""
    try:
        method(**arguments)
    except (SlackApiError, SlackClientError, OSError) as error:
        logger.warning("%s failed: %s", getattr(method, "__name__", method), error)
        return False
    return True


def _upload(client: WebClient, slack_user_id: str, outcome: Outcome) -> bool:
    upload = outcome.upload
    assert upload is not None
    try:
        channel = str(client.conversations_open(users=slack_user_id)["channel"]["id"])
        client.files_upload_v2(
            channel=channel,
            filename=upload.filename,
            title=upload.title,
            content=upload.content,
            snippet_type="markdown",
        )
    except (SlackApiError, SlackClientError, OSError, KeyError) as error:
        logger.warning("upload of %s failed: %s", upload.filename, error)
        return False
    return True
