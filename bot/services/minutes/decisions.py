"""The decisions register: every decision in approved minutes the asker may read, newest sitting first.

``/minutes decisions [group|covenant] [words]``. A leading group or covenant name narrows the register (only an
exact name, slug or alias counts, so a fuzzy match never swallows a search word); the words that remain must
all occur in a decision, as whole words with accents and case folded (as the minutes search folds them).
Only the newest approved version of each sitting counts: a correction replaces its decisions. The rows come
through :func:`bot.services.people.access.visible_minutes_clause`, the minutes visibility rule, so an
assessment meeting's decisions reach that company's contacts and the covenant's secretariat only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import MinutesStatus
from bot.db.models import Meeting, Minutes, WorkingGroup
from bot.parsing.text import normalise
from bot.services.covenants import covenants
from bot.services.minutes import minutes as service
from bot.services.minutes.minutes_lookup import visible_meetings
from bot.services.minutes.minutes_search import fold
from bot.services.people import access
from bot.services.people.access import Viewer

# Approved minutes looked at, newest first: a register of years of a busy covenant's groups.
MAX_MINUTES = 500
# Decisions shown in one answer (the answer says how many more there are).
SHOWN = 30
# Words of a leading scope name tried, longest first ("Stuurgroep Metaal" is two).
LONGEST_SCOPE = 5


@dataclass(frozen=True)
class Entry:
    """One decision with the sitting it was taken at."""

    text: str
    minutes: Minutes  # meeting and group loaded
    sitting: datetime


@dataclass(frozen=True)
class Register:
    """The decisions found (at most :data:`SHOWN`), how many in all, and what narrowed them."""

    entries: list[Entry]
    total: int
    scope: str  # the group or covenant named, "" for all the asker's groups
    words: str


def register(session: Session, viewer: Viewer, text: str) -> Register:
    """The register for ``/minutes decisions <text>`` as ``viewer`` may read it."""
    scope, group_ids, words = _scope(session, viewer, text)
    query = (
        select(Minutes)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .join(WorkingGroup, WorkingGroup.id == Meeting.working_group_id)
        .options(
            selectinload(Minutes.decisions),
            selectinload(Minutes.meeting).selectinload(Meeting.group),
            selectinload(Minutes.meeting).selectinload(Meeting.exceptions),
        )
        .where(Minutes.status == MinutesStatus.APPROVED, access.visible_minutes_clause(session, viewer))
        .order_by(Minutes.occurrence_start.desc(), Minutes.version.desc())
        .limit(MAX_MINUTES)
    )
    if group_ids is not None:
        query = query.where(Meeting.working_group_id.in_(group_ids))
    wanted = fold(words).split()
    found: list[Entry] = []
    seen: set[tuple[int, datetime]] = set()
    for minutes in session.scalars(query):
        sitting = (minutes.meeting_id, minutes.occurrence_start)
        if sitting in seen:  # an older approved version of a sitting already listed
            continue
        seen.add(sitting)
        start = service.sitting_start(minutes.meeting, minutes.occurrence_start)
        for decision in minutes.decisions:
            folded = f" {fold(decision.text)} "
            if all(f" {word} " in folded for word in wanted):
                found.append(Entry(decision.text, minutes, start))
    found.sort(key=lambda entry: entry.sitting, reverse=True)
    return Register(found[:SHOWN], len(found), scope, words.strip())


def _scope(session: Session, viewer: Viewer, text: str) -> tuple[str, set[int] | None, str]:
    """(the scope's name, its group ids or None for all, the remaining words) of ``text``."""
    words = text.split()
    meetings = visible_meetings(session, viewer)
    for size in range(min(LONGEST_SCOPE, len(words)), 0, -1):
        head, rest = " ".join(words[:size]), " ".join(words[size:])
        wanted = normalise(head)
        groups = {
            m.working_group_id
            for m in meetings
            if wanted in {normalise(m.group.name), normalise(m.group.name_en or ""), normalise(m.title)}
        }
        if groups:
            return head, groups, rest
        covenant = covenants.match_exact(session, head)
        if covenant is not None:
            return (
                covenant.name(viewer.language),
                {m.working_group_id for m in meetings if m.group.covenant_id == covenant.id},
                rest,
            )
    return "", None, text
