"""``/minutes``: add (opens the form), show, list, search, decisions, export, help.

Each entry point takes an :class:`~bot.interaction.Ask` and returns an :class:`~bot.interaction.Outcome`:
what the handler must do in Slack (answer, open a modal, send owed messages now, replace earlier messages,
upload a file). Nothing here talks to Slack.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.enums import RsvpAnswer
from bot.db.models import Minutes, Person, Rsvp
from bot.i18n import t
from bot.interaction import Ask, Outcome, Upload
from bot.parsing.dates import looks_like_date, parse_date
from bot.parsing.text import split_command
from bot.render import minutes as render
from bot.render import minutes_export, minutes_views
from bot.render.blocks import Reply
from bot.services.errors import UsageError
from bot.services.minutes import decisions, minutes_lookup, minutes_search
from bot.services.minutes import minutes as service
from bot.services.people import access

HELP_WORDS = {"", "help", "hulp", "?"}
ADD_WORDS = {"add", "write", "toevoegen", "schrijven", "notuleren"}
SHOW_WORDS = {"show", "toon", "bekijk", "view"}
LIST_WORDS = {"list", "lijst", "overzicht"}
SEARCH_WORDS = {"search", "zoek", "zoeken", "find"}
EXPORT_WORDS = {"export", "exporteer", "download"}
DECISION_WORDS = {"decisions", "decision", "besluiten", "besluit", "besluitenlijst"}


def split_date(text: str, today: date) -> tuple[str, date | None]:
    """``leefbaar loon 12-11`` -> (``leefbaar loon``, 12 November): a trailing date written with digits."""
    words = text.split()
    for size in (3, 2, 1):
        tail = " ".join(words[-size:])
        if len(words) >= size and any(ch.isdigit() for ch in tail) and looks_like_date(tail):
            return " ".join(words[:-size]), parse_date(tail, today)
    return text, None


def opens_form(text: str) -> bool:
    """True when ``/minutes <text>`` opens the minutes form (which must happen while Slack waits for the ack)."""
    return split_command(text).sub in ADD_WORDS


def run(ask: Ask, text: str) -> Outcome:
    """Answer ``/minutes <text>`` (typed in ``ask.channel``)."""
    session, viewer = ask.session, ask.viewer
    command = split_command(text)
    if command.sub in HELP_WORDS:
        return Outcome.of(render.help_reply(ask.lang))
    if command.sub in LIST_WORDS:
        return Outcome.of(minutes_list(ask, command.rest))
    if command.sub in DECISION_WORDS:
        return Outcome.of(render.decisions_register(decisions.register(session, viewer, command.rest), ask.lang))
    typed = f"/minutes {command.sub}"
    if command.sub in SEARCH_WORDS:
        if not command.rest.strip():
            raise UsageError("usage.minutes_search", command=typed)
        hits = minutes_search.search(session, viewer, command.rest)
        found = [(hit, service.sitting_start(hit.minutes.meeting, hit.minutes.occurrence_start)) for hit in hits]
        return Outcome.of(render.search_results(command.rest, found, ask.lang))
    if command.sub not in ADD_WORDS | SHOW_WORDS | EXPORT_WORDS:
        raise UsageError("minutes.unknown_subcommand", sub=command.sub)
    name, day = split_date(command.rest, ask.today)
    try:
        sitting = minutes_lookup.resolve(session, viewer, name, day, ask.now, ask.channel)
    except UsageError as error:
        if name.strip() or error.key not in ("minutes.no_past_sitting", "minutes.no_sitting_on"):
            raise
        # No meeting named and none to take from the channel: say what to type, not that "—" never met.
        raise UsageError("usage.minutes_show", command=typed) from error
    if command.sub in ADD_WORDS:
        meeting, occurrence = sitting.occurrence.meeting, sitting.occurrence.recurrence_id
        minutes = service.open_draft(session, meeting, occurrence, ask.now, viewer.slack_user_id)
        return Outcome(modal=edit_form(ask, minutes))
    if sitting.minutes is None:
        raise UsageError("minutes.none_yet", meeting=sitting.occurrence.meeting.title)
    if command.sub in SHOW_WORDS:
        return Outcome.of(show(ask, sitting.minutes))
    return export(ask, sitting.minutes)


def edit_form(ask: Ask, minutes: Minutes) -> dict[str, Any]:
    """The form for the newest version of ``minutes`` (the viewer takes the minutes when nobody does); commits that."""
    session = ask.session
    minutes = service.versions(session, minutes.meeting_id, minutes.occurrence_start)[-1]
    service.start_writing(session, minutes, ask.viewer, ask.now)
    session.commit()
    owners = {i.owner_slack_id for i in minutes.action_items if i.owner_slack_id}
    start = service.sitting_start(minutes.meeting, minutes.occurrence_start)
    return minutes_views.edit_view(
        minutes,
        start,
        ask.lang,
        minutes_search.names_of(session, owners),
        _attending(session, minutes),
        ask.channel,
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


def show(ask: Ask, minutes: Minutes) -> Reply:
    """The current version of the minutes with the buttons the viewer may use."""
    session, viewer = ask.session, ask.viewer
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


def minutes_list(ask: Ask, group: str) -> Reply:
    """The newest minutes the viewer may see (of one group when named)."""
    found = minutes_lookup.recent(ask.session, ask.viewer, group)
    return render.minutes_list([(m, service.sitting_start(m.meeting, m.occurrence_start)) for m in found], ask.lang)


def export(ask: Ask, minutes: Minutes) -> Outcome:
    """The current version as a Markdown file for the viewer's DM."""
    session, viewer = ask.session, ask.viewer
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
        upload=Upload(minutes_export.filename(current, start), title, content, snippet_type="markdown"),
        reply=render.line(t(lang, "minutes.export.sent", meeting=current.meeting.title)),
    )
