"""The web pages behind the links in emails: ``GET /l/<token>`` asks, ``POST /l/<token>`` acts.

``GET`` never changes anything (a mail scanner that opens every link must not snooze a reminder): it checks the
link and shows what pressing will do, with a form button. ``POST`` checks it again, records it as used and
calls the command the Slack button calls (bot.commands.links), with the viewer of the link's person, and shows
the button's own answer as plain text. The owed notices the outcome queues are sent at once through the
reminder engine, as the Slack listener sends them; the RSVP counts on posted Slack messages are updated.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import Flask, Response, request
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.commands import links as linked_buttons
from bot.db.engine import SessionFactory
from bot.i18n import LANGUAGES, t, tn
from bot.interaction import Ask, Outcome
from bot.render import link_pages
from bot.render.link_pages import Page, Section
from bot.services import links
from bot.services.errors import UsageError
from bot.services.links import Link, LinkRefused, Refusal
from bot.services.people import people
from bot.services.people.access import viewer_for
from config.settings import Settings

if TYPE_CHECKING:
    from bot.delivery import Sweeper

logger = logging.getLogger(__name__)
# What a token can look like (base64url payload, a dot, base64url signature): anything else never reaches the
# checks or the database.
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,2000}\.[A-Za-z0-9_-]{1,100}")
_STATUS = {
    Refusal.MALFORMED: 404,
    Refusal.TAMPERED: 403,
    Refusal.FORGED: 403,
    Refusal.EXPIRED: 410,
    Refusal.USED: 410,
}


@dataclass(frozen=True)
class Answer:
    """A page and its HTTP status."""

    status: int
    page: Page


@dataclass
class LinkPages:
    """Checks links and answers them; ``sweeper`` sends an outcome's notices now (None: the next sweep does),
    ``client`` updates earlier Slack messages (None: they keep their text)."""

    settings: Settings
    session_factory: SessionFactory
    clock: Clock
    sweeper: Sweeper | None = None
    client: WebClient | None = None
    _secret: list[bytes] = field(default_factory=list)

    def secret(self) -> bytes:
        """The key links are signed with (read once)."""
        if not self._secret:
            self._secret.append(links.settings_secret(self.settings, self.session_factory))
        return self._secret[0]

    # -- GET ---------------------------------------------------------------------------------------------------
    def show(self, token: str) -> Answer:
        """The confirmation page: what the link will do; nothing is written."""
        now = self.clock.now()
        try:
            link = links.check(self.secret(), token, now)
        except LinkRefused as refused:
            return self._refused(refused, now)
        with self.session_factory() as session:
            try:
                ask = self._ask(session, link.address, now)
                if links.was_used(session, link):
                    return _refusal(Refusal.USED, ask.lang)
                try:
                    question = linked_buttons.question(ask, link.action_id, link.value, self.settings.bot_language)
                except UsageError as error:
                    return _said(403, ask.lang, t(ask.lang, error.key, **error.values))
                notes = [t(ask.lang, "links.nothing_yet")]
                if ask.viewer.name:
                    notes.insert(0, t(ask.lang, "links.for_whom", name=ask.viewer.name))
                section = Section(ask.lang, t(ask.lang, "links.page_title"), (question,), tuple(notes))
                return Answer(200, Page((section,), button=t(ask.lang, "links.confirm")))
            finally:
                session.rollback()  # a GET writes nothing, whatever was loaded

    # -- POST --------------------------------------------------------------------------------------------------
    def act(self, token: str) -> Answer:
        """Do what the button does, once; the page says the button's own answer."""
        now = self.clock.now()
        try:
            link = links.check(self.secret(), token, now)
        except LinkRefused as refused:
            return self._refused(refused, now)
        with self.session_factory() as session:
            ask = self._ask(session, link.address, now)
            lang = ask.lang
            # Claimed in the transaction the command commits its change in: two requests racing with one
            # link wait for each other on the nonce's key, and the second is told it was used.
            if not links.claim(session, link, now):
                return _refusal(Refusal.USED, lang)
            try:
                outcome = linked_buttons.act(ask, link.action_id, link.value, self.settings.bot_language)
            except UsageError as error:
                session.rollback()
                links.record_used(session, link, now)
                return _said(403, lang, t(lang, error.key, **error.values))
            except Exception:
                logger.exception("a link for %s (%s) failed", link.action_id, link.address)
                session.rollback()  # not used: following it again may work
                return _said(500, lang, t(lang, "common.sorry"))
            # What the command did not commit, the Slack button would not keep either (its session closes).
            session.rollback()
            links.record_used(session, link, now)
            names = {ask.viewer.slack_user_id: ask.viewer.name or ask.viewer.slack_user_id}
        self._carry_out(outcome)
        said = link_pages.plain(outcome.reply.text, names) if outcome.reply else t(lang, "links.done_title")
        return Answer(200, Page((Section(lang, t(lang, "links.done_title"), (said,)),)))

    # -- helpers -----------------------------------------------------------------------------------------------
    def _ask(self, session: Session, address: str, now: datetime) -> Ask:
        """The Ask of the link's person, as the Slack button builds it (their stored profile; no Slack call)."""
        profile = people.stale_profile(session, address)
        viewer = viewer_for(session, address, profile, self.settings.bot_language, self.settings.bot_timezone)
        return Ask(
            session=session,
            viewer=viewer,
            now=now,
            today=now.astimezone(ZoneInfo(viewer.timezone)).date(),
            public_url=self.settings.public_url,
        )

    def _refused(self, refused: LinkRefused, now: datetime) -> Answer:
        """The refusal in the person's language when the link's signature was good, else in each language."""
        if refused.link is None:
            return _refusal(refused.reason, None)
        link: Link = refused.link
        with self.session_factory() as session:
            lang = self._ask(session, link.address, now).lang
            session.rollback()
        return _refusal(refused.reason, lang)

    def _carry_out(self, outcome: Outcome) -> None:
        """Send the owed notices now and update earlier messages, as handlers.run does for a Slack button."""
        for delivery_id in outcome.deliveries:
            if self.sweeper is None:
                continue  # the next sweep sends it
            try:
                self.sweeper.deliver_now(delivery_id)
            except Exception:  # the row stays owed: the next sweep sends it
                logger.exception("could not send delivery %s now; the next sweep will", delivery_id)
        if self.client is None:
            return
        for update in outcome.updates:
            try:
                self.client.chat_update(channel=update.channel, ts=update.ts, **update.reply.as_message())
            except (SlackApiError, SlackClientError, OSError) as error:
                logger.warning("chat.update failed: %s", error)


def _said(status: int, lang: str, said: str) -> Answer:
    """A page that says one thing (the button's own refusal, an apology)."""
    return Answer(status, Page((Section(lang, t(lang, "links.page_title"), (link_pages.plain(said, {}),)),)))


def _refusal(reason: Refusal, lang: str | None) -> Answer:
    """Why the link does nothing, in ``lang`` or (None) in each language."""

    def section(lang: str) -> Section:
        key = f"links.refused.{reason.value}"
        said = tn(lang, key, links.LINK_LIFETIME.days) if reason == Refusal.EXPIRED else t(lang, key)
        return Section(lang, t(lang, "links.refused_title"), (said,))

    languages = (lang,) if lang else tuple(LANGUAGES)
    return Answer(_STATUS[reason], Page(tuple(section(one) for one in languages)))


# -- the routes --------------------------------------------------------------------------------------------------
def register(flask_app: Flask, pages: LinkPages) -> None:
    """Serve ``GET`` and ``POST /l/<token>`` from ``pages``."""

    @flask_app.get(f"{links.PATH}<token>")
    def link_page(token: str) -> Response:
        return _respond(pages.show(token) if TOKEN.fullmatch(token) else _refusal(Refusal.MALFORMED, None))

    @flask_app.post(f"{links.PATH}<token>")
    def link_act(token: str) -> Response:
        return _respond(pages.act(token) if TOKEN.fullmatch(token) else _refusal(Refusal.MALFORMED, None))


def _respond(answer: Answer) -> Response:
    if request.accept_mimetypes.best_match(["text/html", "text/plain"]) == "text/plain":
        response = Response(link_pages.text(answer.page) + "\n", status=answer.status, mimetype="text/plain")
    else:
        response = Response(link_pages.html(answer.page), status=answer.status, mimetype="text/html")
    headers = response.headers
    # The token is the key to a button: it must not stay in a cache, travel on to another site, or be indexed.
    headers["Cache-Control"] = "no-store"
    headers["Pragma"] = "no-cache"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Robots-Tag"] = "noindex, nofollow"
    headers["Content-Security-Policy"] = link_pages.CONTENT_SECURITY_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    return response


def link_app(pages: LinkPages) -> Flask:
    """A Flask app serving only the link pages (the console follows links through it)."""
    flask_app = Flask("covenant_bot_links")
    register(flask_app, pages)
    return flask_app


def follow(flask_app: Flask, url: str, confirm: bool) -> str:
    """Follow a link as a browser would, through ``flask_app``: ``GET`` (the page's text), or with ``confirm``
    the page's button (``POST``); returns the status and the page as text."""
    path = urlsplit(url.strip()).path
    client = flask_app.test_client()
    headers = {"Accept": "text/plain"}
    answer = client.post(path, headers=headers) if confirm else client.get(path, headers=headers)
    return f"({answer.status_code}) {answer.get_data(as_text=True).rstrip()}"
