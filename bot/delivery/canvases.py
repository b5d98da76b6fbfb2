"""Keeping working groups' channel canvases: create once, then rewrite section by section.

The update runs after the approver's reply (handlers.run.carry_out) and in every sweep; what is owed is a row
of :mod:`bot.services.canvases.canvas_owed`, marked in the transaction of the change, so a crash or a failing
``canvases.edit`` loses nothing (the sweep retries) and the row's lease keeps two processes from writing one
canvas at once. The first update creates the channel canvas (``conversations.canvases.create``); a channel that
has one already (``channel_canvas_already_exists``: made by a person, or before the bot kept its id) gets its id
from ``conversations.info`` and is used. Later updates look each section up by its header
(``canvases.sections.lookup``) and replace it (one change per ``canvases.edit``), or add it at the end.

Without the canvases scopes, or on a plan without canvases, the secretariat is told once (per reason) and the
update is dropped; nothing else is held up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.db.engine import SessionFactory
from bot.db.models import Covenant
from bot.i18n import t
from bot.render import canvas_dashboard
from bot.render import canvases as render
from bot.render.canvases import CanvasDocument
from bot.services.canvases import canvas_owed, dashboard_record, group_record

logger = logging.getLogger(__name__)

NO_SCOPE = frozenset({"missing_scope", "not_allowed_token_type"})
UNAVAILABLE = frozenset(
    {"team_tier_cannot_create_channel_canvases", "canvas_disabled_user_team", "free_team_canvas_tab_already_exists"}
)
# The channel is gone, or the bot is not in it: nothing to write until something changes again.
NO_CHANNEL = frozenset({"channel_not_found", "not_in_channel", "is_archived"})


class CanvasRefused(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass
class CanvasKeeper:
    """Writes owed canvas updates through ``client``; any number of keepers may share one database."""

    session_factory: SessionFactory
    client: WebClient
    clock: Clock
    default_language: str
    worker: str

    def keep(self, only: list[str] | None = None) -> int:
        """Write the owed updates that are due (of ``only`` these channels); returns how many were written."""
        claimed_at = self.clock.now()
        with self.session_factory() as session:
            channels = canvas_owed.claim(session, claimed_at, self.worker, only)
        return sum(self._update(channel, claimed_at) for channel in channels)

    def mark_stale(self) -> int:
        """Owe an update to each kept canvas whose record changed without a hook (a deadline done, a name)."""
        marked = 0
        now = self.clock.now()
        with self.session_factory() as session:
            for channel in canvas_owed.kept_channels(session):
                document = self._document(session, channel, now.date())
                digest = render.digest(document.markdown) if document is not None else None
                if digest is not None and canvas_owed.is_stale(session, channel, digest):
                    canvas_owed.owe(session, channel, now)
                    marked += 1
            session.commit()
        return marked

    def owe_dashboards(self) -> int:
        """Owe every covenant's secretariat channel its dashboard update (the daily job); returns how many."""
        now = self.clock.now()
        with self.session_factory() as session:
            channels = dashboard_record.secretariat_channels(session)
            for channel in channels:
                canvas_owed.owe(session, channel, now)
            session.commit()
        return len(channels)

    def _document(self, session: Session, channel: str, today: date) -> CanvasDocument | None:
        """The canvas a channel gets: its working group's record, else its covenant's dashboard, else none."""
        group = group_record.record(session, channel, self.default_language, today)
        if group is not None:
            return render.document(group)
        dashboard = dashboard_record.record(session, channel, self.default_language, today)
        return canvas_dashboard.document(dashboard) if dashboard is not None else None

    # -- one channel --------------------------------------------------------------------------------------------
    def _update(self, channel: str, claimed_at: datetime) -> bool:
        with self.session_factory() as session:
            document = self._document(session, channel, claimed_at.date())
            row = canvas_owed.canvas_of(session, channel)
            canvas_id = row.canvas_id if row is not None else None
            if document is None:
                canvas_owed.drop(session, channel, self.worker, "no_group")
                return False
        try:
            if canvas_id is None:
                canvas_id, made = self._create(channel, document.markdown)
                if not made:
                    self._write_sections(canvas_id, document)
            else:
                try:
                    self._write_sections(canvas_id, document)
                except CanvasRefused as refused:
                    if refused.error != "canvas_not_found":
                        raise
                    canvas_id, made = self._create(channel, document.markdown)  # deleted by a person: made again
                    if not made:
                        self._write_sections(canvas_id, document)
        except CanvasRefused as refused:
            return self._refused(channel, refused.error)
        except Exception as error:  # a timeout, a 5xx: tried again by a later sweep
            logger.warning("canvas of %s not updated: %s", channel, error)
            with self.session_factory() as session:
                canvas_owed.give_back(session, channel, self.worker, type(error).__name__, self.clock.now())
            return False
        with self.session_factory() as session:
            digest = render.digest(document.markdown)
            return canvas_owed.finish(session, channel, self.worker, claimed_at, canvas_id, digest)

    def _refused(self, channel: str, error: str) -> bool:
        with self.session_factory() as session:
            if error in NO_SCOPE or error in UNAVAILABLE or error in NO_CHANNEL:
                canvas_owed.drop(session, channel, self.worker, error)
            else:
                logger.warning("canvas of %s refused: %s; tried again later", channel, error)
                canvas_owed.give_back(session, channel, self.worker, error, self.clock.now())
                return False
        if error in NO_SCOPE:
            self._tell_once(channel, "missing_scope", "canvases.no_scope")
        elif error in UNAVAILABLE:
            self._tell_once(channel, "unavailable", "canvases.unavailable")
        return False

    def _tell_once(self, channel: str, reason: str, key: str) -> None:
        """Tell the secretariat of the channel's covenant, once for the whole installation."""
        with self.session_factory() as session:
            groups = group_record.groups_of(session, channel)
            covenant = (
                session.get(Covenant, groups[0].covenant_id)
                if groups
                else session.scalar(select(Covenant).where(Covenant.secretariat_channel == channel).limit(1))
            )
            target = covenant.secretariat_channel if covenant is not None else None
            lang = (covenant.language if covenant is not None else None) or self.default_language
            if target is None or not canvas_owed.first_notice(session, reason, self.clock.now()):
                return
        try:
            self.client.chat_postMessage(channel=target, text=t(lang, key))
        except SlackApiError as error:
            logger.warning("could not tell the secretariat about canvases: %s", error)

    # -- Slack calls --------------------------------------------------------------------------------------------
    def _call(self, method: Any, **arguments: Any) -> dict[str, Any]:
        try:
            return dict(method(**arguments).data)
        except SlackApiError as error:
            raise CanvasRefused(str(error.response.get("error") or "unknown")) from error

    def _create(self, channel: str, document: str) -> tuple[str, bool]:
        """The channel canvas's id, and whether it was made now (with the whole document)."""
        try:
            made = self._call(
                self.client.conversations_canvases_create,
                channel_id=channel,
                document_content={"type": "markdown", "markdown": document},
            )
            return str(made["canvas_id"]), True
        except CanvasRefused as refused:
            if refused.error != "channel_canvas_already_exists":
                raise
        info = self._call(self.client.conversations_info, channel=channel)
        canvas = ((info.get("channel") or {}).get("properties") or {}).get("canvas") or {}
        if not canvas.get("file_id"):
            raise CanvasRefused("canvas_not_found")
        return str(canvas["file_id"]), False

    def _write_sections(self, canvas_id: str, document: CanvasDocument) -> None:
        for header, markdown in document.sections:
            found = self._call(
                self.client.canvases_sections_lookup,
                canvas_id=canvas_id,
                criteria={"section_types": ["h2"], "contains_text": header},
            )
            ids = [str(section["id"]) for section in found.get("sections") or []]
            content = {"type": "markdown", "markdown": markdown}
            if not ids:
                change: dict[str, Any] = {"operation": "insert_at_end", "document_content": content}
            else:
                change = {"operation": "replace", "section_id": ids[0], "document_content": content}
            self._call(self.client.canvases_edit, canvas_id=canvas_id, changes=[change])
            for duplicate in ids[1:]:  # a section written twice (by hand, or a lost answer): one stays
                self._call(
                    self.client.canvases_edit,
                    canvas_id=canvas_id,
                    changes=[{"operation": "delete", "section_id": duplicate}],
                )
