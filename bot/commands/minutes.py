"""``/minutes``: add (opens the form), show, list, search, export, help.

Each entry point returns an :class:`Outcome`: what the handler must do in Slack (answer, open a modal,
send owed messages now, replace earlier messages, upload a file). Nothing here talks to Slack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.enums import RsvpAnswer
from bot.db.models import Minutes, Person, Rsvp
from bot.i18n import t
from bot.render import minutes as render
from bot.render import minutes_export, minutes_views
from bot.render.blocks import Reply
from bot.services import access, minutes_lookup, minutes_search
from bot.services import minutes as service
from bot.services.access import Viewer
from bot.services.errors import UsageError

from .dates import looks_like_date, parse_date
from .parsing import split_command

HELP_WORDS = {"", "help", "hulp", "?"}
ADD_WORDS = {"add", "write", "toevoegen", "schrijven", "notuleren"}
SHOW_WORDS = {"show", "toon", "bekijk", "view"}
LIST_WORDS = {"list", "lijst", "overzicht"}
SEARCH_WORDS = {"search", "zoek", "zoeken", "find"}
EXPORT_WORDS = {"export", "exporteer", "download"}


@dataclass(frozen=True)
class Upload:
    """A file to upload to the user's DM."""

    filename: str
    title: str
    content: str


@dataclass
class Outcome:
    """What the handler does in Slack after a minutes command, button, form or shortcut."""

    reply: Reply | None = None
    view: dict[str, Any] | None = None
    send_now: list[int] = field(default_factory=list)
    updates: list[tuple[str, str, Reply]] = field(default_factory=list)
    upload: Upload | None = None
    dm: Reply | None = None
    reaction: str | None = None


def split_date(text: str, today: date) -> tuple[str, date | None]:
    """``leefbaar loon 12-11`` -> (``leefbaar loon``, 12 November): a trailing date written with digits."""
    words = text.split()
    for size in (3, 2, 1):
        tail = " ".join(words[-size:])
        if len(words) >= size and any(ch.isdigit() for ch in tail) and looks_like_date(tail):
            return " ".join(words[:-size]), parse_date(tail, today)
    return text, None


def _today(viewer: Viewer, now: datetime) -> date:
    return now.astimezone(ZoneInfo(viewer.timezone)).date()


def run(session: Session, text: str, viewer: Viewer, now: datetime, channel_id: str | None) -> Outcome:
    """Answer ``/minutes <text>`` for ``viewer`` (typed in ``channel_id``)."""
    command = split_command(text)
    lang = viewer.language
    if command.sub in HELP_WORDS:
        return Outcome(reply=render.help_reply(lang))
    if command.sub in LIST_WORDS:
        return Outcome(reply=minutes_list(session, viewer, command.rest))
    if command.sub in SEARCH_WORDS:
        hits = minutes_search.search(session, viewer, command.rest)
        found = [(hit, service.sitting_start(hit.minutes.meeting, hit.minutes.occurrence_start)) for hit in hits]
        return Outcome(reply=render.search_results(command.rest, found, lang))
    if command.sub not in ADD_WORDS | SHOW_WORDS | EXPORT_WORDS:
        raise UsageError("minutes.unknown_subcommand", sub=command.sub)
    name, day = split_date(command.rest, _today(viewer, now))
    sitting = minutes_lookup.resolve(session, viewer, name, day, now, channel_id)
    if command.sub in ADD_WORDS:
        meeting, occurrence = sitting.occurrence.meeting, sitting.occurrence.recurrence_id
        minutes = service.open_draft(session, meeting, occurrence, now, viewer.slack_user_id)
        return Outcome(view=edit_form(session, minutes, viewer, now, channel_id))
    if sitting.minutes is None:
        raise UsageError("minutes.none_yet", meeting=sitting.occurrence.meeting.title)
    if command.sub in SHOW_WORDS:
        return Outcome(reply=show(session, sitting.minutes, viewer))
    return export(session, sitting.minutes, viewer)


def edit_form(
    session: Session, minutes: Minutes, viewer: Viewer, now: datetime, channel_id: str | None
) -> dict[str, Any]:
    """The form for the newest version of ``minutes`` (``viewer`` takes the minutes when nobody does); commits that."""
    minutes = service.versions(session, minutes.meeting_id, minutes.occurrence_start)[-1]
    service.start_writing(session, minutes, viewer, now)
    session.commit()
    owners = {i.owner_slack_id for i in minutes.action_items if i.owner_slack_id}
    start = service.sitting_start(minutes.meeting, minutes.occurrence_start)
    return minutes_views.edit_view(
        minutes,
        start,
        viewer.language,
        minutes_search.names_of(session, owners),
        _attending(session, minutes),
        channel_id,
    )


def _attending(session: Session, minutes: Minutes) -> str | None:
    """Who said they would come (RSVP yes), as a first suggestion for the attendees field."""
    names = session.scalars(
        select(Person.name)
        .join(Rsvp, Rsvp.slack_user_id == Person.slack_user_id)
        .where(
            Rsvp.meeting_id == minutes.meeting_id,
            Rsvp.occurrence_start == minutes.occurrence_start,
            Rsvp.answer == RsvpAnswer.YES,
        )
        .order_by(Person.name)
    ).all()
    return ", ".join(names) or None


def show(session: Session, minutes: Minutes, viewer: Viewer) -> Reply:
    """The current version of the minutes with the buttons ``viewer`` may use."""
    service.require_visible(session, viewer, minutes)
    all_versions = service.versions(session, minutes.meeting_id, minutes.occurrence_start)
    current = all_versions[-1]
    return render.detail(
        current,
        service.sitting_start(current.meeting, current.occurrence_start),
        all_versions[:-1],
        viewer.language,
        service.may_write(session, viewer, current),
        access.may_approve_minutes(session, viewer, current.meeting),
    )


def minutes_list(session: Session, viewer: Viewer, group: str) -> Reply:
    """The newest minutes ``viewer`` may see (of one group when named)."""
    found = minutes_lookup.recent(session, viewer, group)
    return render.minutes_list(
        [(m, service.sitting_start(m.meeting, m.occurrence_start)) for m in found], viewer.language
    )


def export(session: Session, minutes: Minutes, viewer: Viewer) -> Outcome:
    """The current version as a Markdown file for the viewer's DM."""
    service.require_visible(session, viewer, minutes)
    all_versions = service.versions(session, minutes.meeting_id, minutes.occurrence_start)
    current = all_versions[-1]
    ids = {i.owner_slack_id for i in current.action_items if i.owner_slack_id}
    ids |= {c.author_slack_id for c in current.contributions}
    ids |= {m.approved_by for m in all_versions if m.approved_by}
    start = service.sitting_start(current.meeting, current.occurrence_start)
    lang = viewer.language
    content = minutes_export.markdown(current, start, all_versions[:-1], minutes_search.names_of(session, ids), lang)
    title = t(lang, "minutes.show.title", meeting=current.meeting.title)
    return Outcome(
        upload=Upload(minutes_export.filename(current, start), title, content),
        reply=render.line(t(lang, "minutes.export.sent", meeting=current.meeting.title)),
    )
