"""One way through the app: build the :class:`~bot.interaction.Ask`, let :mod:`bot.commands` decide, carry the
:class:`~bot.interaction.Outcome` out in one fixed order.

A listener is an ack function (:func:`acknowledge`, or a form's check) and its lazy work, registered with
:func:`ack_then`: Bolt acks in the request's thread and runs the work on its lazy listener runner afterwards, so an
ack never waits for a free thread. The work is one call of :func:`run`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.i18n import t
from bot.interaction import Ask, Outcome
from bot.render.blocks import Reply, clip
from bot.render.errors import apology, usage_error
from bot.services.errors import FieldError, UsageError
from bot.services.people import email_links, people
from bot.services.people.access import Viewer, viewer_for
from handlers.durable import answer_once

logger = logging.getLogger(__name__)
MAX_FIELD_ERROR = 300

Decide = Callable[[Ask], Outcome]


# -- registration ------------------------------------------------------------------------------------------------
def acknowledge(ack: Ack) -> None:
    """The ack function of every listener whose answer is built after the ack."""
    ack()


def ack_then(listen: Callable[..., Any], *work: Callable[..., None], ack: Callable[..., Any] = acknowledge) -> None:
    """Register ``work`` as Bolt lazy listeners behind ``ack``: ``ack_then(app.view("form"), save_form, ack=check)``.

    ``ack`` runs in the request's thread and answers Slack; ``work`` runs after it on Bolt's lazy listener runner.
    """
    listen(ack=ack, lazy=list(work))


# -- who asks, and where the answer goes --------------------------------------------------------------------------
@dataclass(frozen=True)
class Asker:
    """Who asked, from which conversation, and what Slack gave to answer them with."""

    user: str
    # The conversation asked from (Ask.channel; None for the Home tab and forms).
    channel: str | None = None
    response_url: str | None = None
    trigger_id: str | None = None
    thread_ts: str | None = None
    # The message the interaction is about (a reaction goes on it).
    message_ts: str | None = None
    # Asked in the person's DM with the bot: the answer is an ordinary message there.
    in_dm: bool = False

    @classmethod
    def of_command(cls, command: Mapping[str, Any]) -> Asker:
        """The sender of a slash command."""
        return cls(
            user=str(command["user_id"]),
            channel=command.get("channel_id") or None,
            response_url=command.get("response_url") or None,
            trigger_id=command.get("trigger_id") or None,
        )

    @classmethod
    def of_action(cls, body: Mapping[str, Any]) -> Asker:
        """The presser of a button, or the user of a shortcut."""
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        message = body.get("message") or {}
        return cls(
            user=str((body.get("user") or {}).get("id") or ""),
            channel=channel or None,
            response_url=body.get("response_url") or None,
            trigger_id=body.get("trigger_id") or None,
            message_ts=message.get("ts") or None,
        )

    @classmethod
    def of_event(cls, event: Mapping[str, Any]) -> Asker:
        """The author of a message or mention (answered in the DM, or to them alone in the channel)."""
        return cls(
            user=str(event.get("user") or ""),
            channel=event.get("channel") or None,
            thread_ts=event.get("thread_ts") or None,
            message_ts=event.get("ts") or None,
            in_dm=event.get("channel_type") == "im",
        )

    @classmethod
    def of_view(cls, body: Mapping[str, Any]) -> Asker:
        """The submitter of a form (answered by DM: a form has no response_url)."""
        return cls(user=str((body.get("user") or {}).get("id") or ""), trigger_id=body.get("trigger_id") or None)


# -- deciding -----------------------------------------------------------------------------------------------------
def _profile(session: Session, client: WebClient, deps: Deps, slack_user_id: str) -> people.Profile | None:
    now = deps.clock.now()
    profile = people.cached_profile(session, slack_user_id, now)
    if profile is not None:
        return profile
    try:
        user = client.users_info(user=slack_user_id, include_locale=True)["user"]
        profile = people.Profile(
            slack_user_id=slack_user_id,
            real_name=user.get("real_name") or user.get("name"),
            tz=user.get("tz"),
            locale=user.get("locale"),
        )
        people.store_profile(session, profile, now)
        email = (user.get("profile") or {}).get("email")  # there only with the users:read.email scope
        if email and people.person_by_slack_id(session, slack_user_id) is None:
            # Someone the bot has never met: perhaps a contact it knows by email only (imported, or granted).
            email_links.link_by_email(session, slack_user_id, str(email), now, via=email_links.FIRST_USE)
        return profile
    except (SlackApiError, SlackClientError, KeyError) as exc:
        logger.warning("users.info failed for %s: %s", slack_user_id, exc)
        return people.stale_profile(session, slack_user_id)


def load_viewer(session: Session, client: WebClient, deps: Deps, slack_user_id: str) -> Viewer:
    """The viewer for a Slack user; their profile (tz, locale) comes from the cache or users.info."""
    profile = _profile(session, client, deps, slack_user_id)
    return viewer_for(session, slack_user_id, profile, deps.settings.bot_language, deps.settings.bot_timezone)


def language(deps: Deps, client: WebClient, user: str) -> str:
    """The user's language (their choice, else their Slack locale), or the bot's when they are unknown."""
    if not user:
        return deps.settings.bot_language
    try:
        with deps.session_factory() as session:
            return load_viewer(session, client, deps, user).language
    except Exception:
        logger.exception("could not find the language of %s", user)
        return deps.settings.bot_language


def _ask(session: Session, client: WebClient, deps: Deps, asker: Asker, mentioned: Iterable[str]) -> Ask:
    viewer = load_viewer(session, client, deps, asker.user)
    # A person the secretariat names (links, …) gets their Slack name from their profile.
    for other in mentioned:
        _profile(session, client, deps, other)
    now = deps.clock.now()
    return Ask(
        session=session,
        viewer=viewer,
        now=now,
        today=now.astimezone(ZoneInfo(viewer.timezone)).date(),
        channel=asker.channel,
        public_url=deps.settings.public_url,
    )


def decide(
    deps: Deps, client: WebClient, asker: Asker, command: Decide, mentioned: Iterable[str] = ()
) -> tuple[Outcome, str]:
    """Run ``command`` for the asker: a UsageError becomes a friendly usage reply, a bug an apology.

    Either way the session is rolled back unless ``command`` committed: nothing half-written. Returns the outcome
    and the language to answer in.
    """
    lang: str = deps.settings.bot_language
    try:
        with deps.session_factory() as session:
            ask = _ask(session, client, deps, asker, mentioned)
            lang = ask.lang
            try:
                return command(ask), lang
            except UsageError as error:
                session.rollback()
                return Outcome.of(usage_error(error, lang)), lang
    except Exception:
        logger.exception("failed to answer %s", asker.user)
        return Outcome.of(apology(lang)), lang


def run(deps: Deps, client: WebClient, asker: Asker, command: Decide, mentioned: Iterable[str] = ()) -> None:
    """Answer one interaction: decide (:func:`decide`), then :func:`carry_out` what was decided."""
    outcome, lang = decide(deps, client, asker, command, mentioned)
    carry_out(outcome, deps, client, asker, lang)


# -- forms --------------------------------------------------------------------------------------------------------
def check_form(
    ack: Ack,
    deps: Deps,
    client: WebClient,
    asker: Asker,
    check: Callable[[Ask], Mapping[str, str]],
    default_field: str,
) -> bool:
    """Ack a form submission in the request: with its field errors (the form stays open), else plainly.

    ``check`` returns errors by block_id or raises a UsageError (a FieldError names its field); whatever it did is
    rolled back. Returns True when the form was accepted (its lazy work then saves it).
    """
    lang: str = deps.settings.bot_language
    try:
        with deps.session_factory() as session:
            ask = _ask(session, client, deps, asker, ())
            lang = ask.lang
            try:
                errors = dict(check(ask))
            except UsageError as error:
                field = error.field if isinstance(error, FieldError) else default_field
                errors = {field: t(lang, error.key, **error.values)}
            finally:
                session.rollback()
    except Exception:
        logger.exception("could not check the form of %s", asker.user)
        errors = {default_field: t(lang, "common.sorry")}
    if errors:
        ack(response_action="errors", errors={field: clip(text, MAX_FIELD_ERROR) for field, text in errors.items()})
        return False
    ack()
    return True


# -- carrying out -------------------------------------------------------------------------------------------------
def carry_out(outcome: Outcome, deps: Deps, client: WebClient, asker: Asker, lang: str) -> None:
    """Do what ``outcome`` says, in one fixed order: open the modal, send the owed notices, update earlier messages,
    publish the Home tab, post in channels, upload, react, answer the person, send the DMs.

    A Slack failure is logged; where the answer depended on it (the modal, a post, the upload) the person is told
    ``outcome.if_failed`` (else, for a form that did not open, to try again; else an apology) instead of the answer.
    """
    answered = opened = True
    if outcome.modal is not None:
        opened = _call(client.views_open, trigger_id=asker.trigger_id, view=outcome.modal)
        answered &= opened
    for delivery_id in outcome.deliveries:
        try:
            deps.sweeper.deliver_now(delivery_id)
        except Exception:  # the row stays owed: the next sweep sends it
            logger.exception("could not send delivery %s now; the next sweep will", delivery_id)
    for update in outcome.updates:
        _call(client.chat_update, channel=update.channel, ts=update.ts, **update.reply.as_message())
    if outcome.home is not None:
        _call(client.views_publish, user_id=asker.user, view=outcome.home)
    for post in outcome.posts:
        answered &= _call(client.chat_postMessage, channel=post.channel, **post.reply.as_message())
    if outcome.upload is not None:
        answered &= _upload(client, asker.user, outcome)
    if outcome.reaction and asker.channel and asker.message_ts:  # a missing reaction is cosmetic
        _call(client.reactions_add, channel=asker.channel, timestamp=asker.message_ts, name=outcome.reaction)
    reply, replacing = outcome.reply, outcome.replace
    if not answered:
        # A form that did not open (Slack allows 3 s, once) is worth trying again: say so, not "something broke".
        fallback = apology(lang) if opened else Reply(text=t(lang, "common.form_failed"))
        reply, replacing = outcome.if_failed or fallback, False
    if reply is not None and reply.text:
        # Once per request, however often its work runs (a takeover after a crash): handlers.durable.
        answer_once(lambda: _answer(client, asker, reply, replacing))
    for dm in outcome.dms:
        _call(client.chat_postMessage, channel=dm.user, **dm.reply.as_message())
    if outcome.canvases:  # after the answer: the approver does not wait for the canvas
        try:
            deps.sweeper.keep_canvases(outcome.canvases)
        except Exception:  # the update stays owed: the next sweep writes it
            logger.exception("could not update the canvases of %s now; the next sweep will", outcome.canvases)


def _answer(client: WebClient, asker: Asker, reply: Reply, replacing: bool) -> None:
    """Answer the asker alone: through the response_url, else ephemerally in the channel, else in their DM.

    Slack refuses a response_url past 30 minutes or 5 uses (HTTP 404, e.g. work taken over after a crash): then the
    answer goes the other way instead of being lost."""
    try:
        if asker.response_url:
            answered = Respond(response_url=asker.response_url)(
                response_type="ephemeral", replace_original=replacing, **reply.as_message()
            )
            if answered.status_code < 400:
                return
            logger.warning("response_url refused for %s: %s %s", asker.user, answered.status_code, answered.body)
        if asker.channel and not asker.in_dm:
            client.chat_postEphemeral(
                channel=asker.channel, user=asker.user, thread_ts=asker.thread_ts, **reply.as_message()
            )
        else:
            channel = asker.channel if asker.in_dm and asker.channel else asker.user
            client.chat_postMessage(channel=channel, thread_ts=asker.thread_ts, **reply.as_message())
    except (SlackApiError, SlackClientError, OSError, ValueError) as error:
        logger.warning("could not answer %s: %s", asker.user, error)


def _call(method: Callable[..., Any], **arguments: Any) -> bool:
    """Call a Web API method; a failure is logged and returned as False."""
    try:
        method(**arguments)
    except (SlackApiError, SlackClientError, OSError) as error:
        logger.warning("%s failed: %s", getattr(method, "__name__", method), error)
        return False
    return True


def _upload(client: WebClient, slack_user_id: str, outcome: Outcome) -> bool:
    """Upload the outcome's file into the person's DM with the bot; a picture is then shown there with an image
    block referencing it. Slack shows such a file only where it was shared, so it is shared in that DM (and so to
    that person alone). When the image message is refused the file is deleted again: nothing half-posted."""
    upload = outcome.upload
    assert upload is not None
    try:
        channel = str(client.conversations_open(users=slack_user_id)["channel"]["id"])
        arguments: dict[str, Any] = {"snippet_type": upload.snippet_type} if upload.snippet_type else {}
        if upload.image_alt is not None:
            arguments["alt_txt"] = upload.image_alt[:1000]  # files.getUploadURLExternal takes at most 1000
        done = client.files_upload_v2(
            channel=channel, filename=upload.filename, title=upload.title, content=upload.content, **arguments
        )
    except (SlackApiError, SlackClientError, OSError, KeyError) as error:
        logger.warning("upload of %s failed: %s", upload.filename, error)
        return False
    if upload.image_alt is None:
        return True
    file_id = str((done.get("files") or [{}])[0].get("id") or (done.get("file") or {}).get("id") or "")
    image = {
        "type": "image",
        "slack_file": {"id": file_id},
        "alt_text": upload.image_alt,
        "title": {"type": "plain_text", "text": upload.title[:2000]},
    }
    if _call(client.chat_postMessage, channel=channel, text=upload.title, blocks=[image]):
        return True
    _call(client.files_delete, file=file_id)
    return False
