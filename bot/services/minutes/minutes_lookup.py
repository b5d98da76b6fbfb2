"""Finding the sitting people mean ("metals", "leefbaar loon 12-11", the channel's last meeting) and the
minutes they may see, for commands, the shortcut and its meeting picker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import MinutesStatus
from bot.db.models import Meeting, Minutes, WorkingGroup
from bot.parsing.text import normalise
from bot.services.covenants.matching import ACCEPT_SCORE, SUGGEST_SCORE
from bot.services.errors import UsageError
from bot.services.meetings.occurrences import Occurrence, between, occurrences
from bot.services.minutes import minutes
from bot.services.people import access
from bot.services.people.access import Viewer

LOOK_BACK = timedelta(days=400)
SHORTCUT_LOOK_BACK = timedelta(days=30)


@dataclass(frozen=True)
class Sitting:
    """One past sitting of a meeting and the newest version of its minutes (None: nobody started them)."""

    occurrence: Occurrence
    minutes: Minutes | None


def visible_meetings(session: Session, viewer: Viewer) -> list[Meeting]:
    """Every meeting whose minutes ``viewer`` may see, with group, covenant and exceptions loaded."""
    return list(
        session.scalars(
            select(Meeting)
            .join(WorkingGroup, WorkingGroup.id == Meeting.working_group_id)
            .options(selectinload(Meeting.group).selectinload(WorkingGroup.covenant), selectinload(Meeting.exceptions))
            .where(access.visible_minutes_clause(session, viewer))
            .order_by(Meeting.id)
        )
    )


def _names(meeting: Meeting) -> list[str]:
    return [meeting.title, meeting.group.name, meeting.group.name_en or ""]


def _matching(meetings: list[Meeting], query: str) -> list[Meeting]:
    """Meetings whose title or group name is close to ``query`` (all of them when several are)."""
    wanted = normalise(query)
    scored: list[tuple[float, Meeting]] = []
    for meeting in meetings:
        names = [normalise(name) for name in _names(meeting) if name]
        if wanted in names:
            scored.append((101.0, meeting))
            continue
        scorer = fuzz.ratio if len(wanted) < 4 else fuzz.WRatio
        scored.append((max(float(scorer(wanted, name)) for name in names), meeting))
    exact = [meeting for score, meeting in scored if score > 100]
    if exact:
        return exact
    close = [meeting for score, meeting in scored if score >= ACCEPT_SCORE]
    if close:
        return close
    close_enough = [m for score, m in sorted(scored, key=lambda s: -s[0]) if score >= SUGGEST_SCORE][:3]
    # Nothing close: show what the viewer's meetings are called instead.
    shown = close_enough or [meeting for _, meeting in scored][:3]
    raise UsageError("minutes.unknown_meeting", name=query, suggestions=", ".join(f"`{m.title}`" for m in shown))


def _newest_minutes(session: Session, meeting_id: int, occurrence_start: datetime) -> Minutes | None:
    found = minutes.versions(session, meeting_id, occurrence_start)
    return found[-1] if found else None


def resolve(
    session: Session, viewer: Viewer, name: str, day: date | None, now: datetime, channel_id: str | None = None
) -> Sitting:
    """The past sitting of the meeting called ``name`` (a title or group name), on ``day`` or else the last one.

    Without a name: the last sitting of the channel's group, else the last sitting of any group of the viewer.
    """
    meetings = visible_meetings(session, viewer)
    if not meetings:
        raise UsageError("minutes.no_groups")
    name = name.strip()
    if name:
        meetings = _matching(meetings, name)
    elif channel_id:
        meetings = [m for m in meetings if m.group.channel_id == channel_id] or meetings
    sittings = [
        occurrence
        for meeting in meetings
        for occurrence in occurrences(meeting, now - LOOK_BACK, now + timedelta(seconds=1))
        if day is None or occurrence.starts_at.astimezone(ZoneInfo(meeting.timezone)).date() == day
    ]
    if not sittings:
        if day is not None:
            raise UsageError("minutes.no_sitting_on", name=name or "—", date=day.isoformat())
        raise UsageError("minutes.no_past_sitting", name=name or "—")
    chosen = max(sittings, key=lambda occurrence: occurrence.starts_at)
    return Sitting(chosen, _newest_minutes(session, chosen.meeting.id, chosen.recurrence_id))


def recent_sittings(session: Session, viewer: Viewer, now: datetime, limit: int = 25) -> list[Sitting]:
    """Sittings of the viewer's groups in the last 30 days whose minutes are still open to contributions."""
    visible = {meeting.id for meeting in visible_meetings(session, viewer)}
    found: list[Sitting] = []
    for occurrence in reversed(between(session, now - SHORTCUT_LOOK_BACK, now)):
        if occurrence.meeting.id not in visible:
            continue
        newest = _newest_minutes(session, occurrence.meeting.id, occurrence.recurrence_id)
        if newest is None or newest.status == MinutesStatus.DRAFT:
            found.append(Sitting(occurrence, newest))
        if len(found) == limit:
            break
    return found


def shortcut_target(session: Session, viewer: Viewer, channel_id: str, now: datetime) -> Minutes | None:
    """The draft minutes of the last sitting of the channel's group, or None when that is not clear-cut
    (not a group channel, no sitting in 30 days, minutes circulated already, or not the viewer's group)."""
    group = session.scalar(select(WorkingGroup).where(WorkingGroup.channel_id == channel_id).limit(1))
    if group is None:
        return None
    sittings = [
        s
        for s in between(session, now - SHORTCUT_LOOK_BACK, now, [group.id])
        if access.may_see_minutes(session, viewer, s.meeting)
    ]
    if not sittings:
        return None
    last = sittings[-1]
    draft = minutes.open_draft(session, last.meeting, last.recurrence_id, now, viewer.slack_user_id)
    return draft if draft.status == MinutesStatus.DRAFT else None


def open_sitting(
    session: Session, viewer: Viewer, meeting_id: int, occurrence_start: datetime, now: datetime
) -> Minutes:
    """The newest minutes of a sitting picked from a list (created when needed); UsageError if not visible."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not access.may_see_minutes(session, viewer, meeting):
        raise UsageError("minutes.not_visible")
    return minutes.open_draft(session, meeting, occurrence_start, now, viewer.slack_user_id)


def recent(session: Session, viewer: Viewer, group_name: str = "", limit: int = 20) -> list[Minutes]:
    """The newest minutes the viewer may see (one version per sitting), optionally of one group."""
    query = (
        select(Minutes)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .join(WorkingGroup, WorkingGroup.id == Meeting.working_group_id)
        .options(
            selectinload(Minutes.meeting).selectinload(Meeting.group),
            selectinload(Minutes.meeting).selectinload(Meeting.exceptions),
        )
        .where(Minutes.status != MinutesStatus.SUPERSEDED, access.visible_minutes_clause(session, viewer))
        .order_by(Minutes.occurrence_start.desc(), Minutes.version.desc())
    )
    if group_name.strip():
        groups = {m.working_group_id for m in _matching(visible_meetings(session, viewer), group_name)}
        query = query.where(Meeting.working_group_id.in_(groups))
    found: list[Minutes] = []
    seen: set[tuple[int, datetime]] = set()
    for row in session.scalars(query.limit(limit * 3)):
        if (row.meeting_id, row.occurrence_start) not in seen:
            seen.add((row.meeting_id, row.occurrence_start))
            found.append(row)
    return found[:limit]


def last_approved(session: Session, viewer: Viewer, group: WorkingGroup) -> Minutes | None:
    """The newest approved minutes of ``group``'s own meetings that ``viewer`` may read (decisions loaded),
    None when there are none; UsageError ``minutes.group_not_visible`` when they may read none of the group's
    minutes. A meeting about one company (an assessment meeting) is that company's business, not the group's."""
    if group.id not in access.minutes_group_ids(session, viewer):
        raise UsageError("minutes.group_not_visible", group=group.name)
    return session.scalar(
        select(Minutes)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .join(WorkingGroup, WorkingGroup.id == Meeting.working_group_id)
        .options(selectinload(Minutes.decisions), selectinload(Minutes.meeting).selectinload(Meeting.group))
        .where(
            Meeting.working_group_id == group.id,
            Meeting.organisation_id.is_(None),
            Minutes.status == MinutesStatus.APPROVED,
            access.visible_minutes_clause(session, viewer),
        )
        .order_by(Minutes.occurrence_start.desc(), Minutes.version.desc())
        .limit(1)
    )
