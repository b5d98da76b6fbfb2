"""Meeting occurrences: a one-off meeting, or a series expanded from its RRULE in local time.

A series is expanded in the meeting's own time zone, so "every Monday 10:00 Amsterdam" stays at
10:00 local across both DST changes; exceptions (moved or cancelled occurrences) are applied by
their RECURRENCE-ID, the original start in UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import MeetingStatus
from bot.db.models import Meeting, MeetingException, WorkingGroup

DEFAULT_HORIZON = timedelta(days=400)


@dataclass(frozen=True)
class Occurrence:
    """One sitting of a meeting; ``recurrence_id`` identifies it within its series (original start, UTC)."""

    meeting: Meeting
    recurrence_id: datetime
    starts_at: datetime
    ends_at: datetime
    status: MeetingStatus
    agenda: str | None

    @property
    def cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED


def _local_naive(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def series_starts(meeting: Meeting, start: datetime, end: datetime) -> list[datetime]:
    """Original starts (UTC) of the meeting's occurrences in [start, end), before exceptions."""
    if not meeting.rrule:
        return [meeting.starts_at] if start <= meeting.starts_at < end else []
    zone = ZoneInfo(meeting.timezone)
    rule = rrulestr(meeting.rrule, dtstart=_local_naive(meeting.starts_at, zone))
    # Expand in local wall time, then attach the zone: DST changes keep the local hour.
    window_start = _local_naive(start, zone) - timedelta(days=1)
    window_end = _local_naive(end, zone) + timedelta(days=1)
    starts = []
    for local in rule.between(window_start, window_end, inc=True):
        moment = local.replace(tzinfo=zone).astimezone(UTC)
        if start <= moment < end:
            starts.append(moment)
    return starts


def occurrences(meeting: Meeting, start: datetime, end: datetime, include_cancelled: bool = False) -> list[Occurrence]:
    """The meeting's occurrences starting in [start, end), moved ones at their new time."""
    if meeting.status == MeetingStatus.CANCELLED and not include_cancelled:
        return []
    exceptions = {exception.recurrence_id: exception for exception in meeting.exceptions}
    duration = meeting.ends_at - meeting.starts_at
    found: list[Occurrence] = []
    # A moved occurrence may move into the window from outside it: look a year either side for those.
    moved_in = [
        e.recurrence_id
        for e in exceptions.values()
        if e.starts_at is not None and start <= e.starts_at < end and not (start <= e.recurrence_id < end)
    ]
    for original in sorted(set(series_starts(meeting, start, end)) | set(moved_in)):
        exception = exceptions.get(original)
        status = meeting.status
        begins, finishes, agenda = original, original + duration, meeting.agenda
        if exception is not None:
            status = exception.status if meeting.status == MeetingStatus.SCHEDULED else meeting.status
            if exception.starts_at is not None:
                begins = exception.starts_at
                finishes = exception.ends_at or exception.starts_at + duration
            agenda = exception.agenda if exception.agenda is not None else agenda
        if not (start <= begins < end):
            continue
        if status == MeetingStatus.CANCELLED and not include_cancelled:
            continue
        found.append(Occurrence(meeting, original, begins, finishes, status, agenda))
    return sorted(found, key=_soonest)


def occurrence_at(meeting: Meeting, recurrence_id: datetime) -> Occurrence | None:
    """The occurrence with this RECURRENCE-ID (cancelled ones included), or None if the series has none."""
    window = occurrences(meeting, recurrence_id - timedelta(days=370), recurrence_id + timedelta(days=370), True)
    return next((o for o in window if o.recurrence_id == recurrence_id), None)


def _soonest(occurrence: Occurrence) -> tuple[datetime, int]:
    """Order of listing: by start, then by meeting (so equal starts always list alike)."""
    return occurrence.starts_at, occurrence.meeting.id


def _meetings_query(group_ids: Iterable[int] | None) -> Select[tuple[Meeting]]:
    query = select(Meeting).options(
        selectinload(Meeting.exceptions), selectinload(Meeting.group).selectinload(WorkingGroup.covenant)
    )
    if group_ids is not None:
        query = query.where(Meeting.working_group_id.in_(list(group_ids)))
    return query.where(Meeting.status == MeetingStatus.SCHEDULED)


def _active_meetings(
    session: Session, group_ids: Iterable[int] | None, start: datetime, plain: bool = True
) -> list[Meeting]:
    """Scheduled meetings that may have an occurrence from ``start`` on; ``plain=False`` leaves out the one-off
    meetings without exceptions (:func:`upcoming` reads those in order of start)."""
    may_occur = or_(
        Meeting.starts_at >= start - timedelta(days=1),
        Meeting.rrule.is_not(None) & (Meeting.series_until.is_(None) | (Meeting.series_until >= start)),
        Meeting.exceptions.any(MeetingException.starts_at >= start),
    )
    query = _meetings_query(group_ids).where(may_occur)
    if not plain:
        query = query.where(or_(Meeting.rrule.is_not(None), Meeting.exceptions.any()))
    return list(session.scalars(query))


def _first_plain(
    session: Session,
    group_ids: Iterable[int] | None,
    start: datetime,
    end: datetime,
    limit: int,
    keep: Callable[[Meeting], bool] | None,
) -> list[Occurrence]:
    """The occurrences of the first ``limit`` one-off meetings without exceptions starting in [start, end) that
    ``keep`` allows, read a batch at a time in order of start."""
    query = (
        _meetings_query(group_ids)
        .where(Meeting.rrule.is_(None), ~Meeting.exceptions.any(), Meeting.starts_at >= start, Meeting.starts_at < end)
        .order_by(Meeting.starts_at, Meeting.id)
        .execution_options(yield_per=max(limit, 20))
    )
    found: list[Occurrence] = []
    result = session.scalars(query)
    try:
        for meeting in result:
            if keep is None or keep(meeting):
                found += occurrences(meeting, start, end)
                if len(found) >= limit:
                    break
    finally:
        result.close()
    return found


def upcoming(
    session: Session,
    now: datetime,
    group_ids: Iterable[int] | None = None,
    limit: int = 10,
    horizon: timedelta = DEFAULT_HORIZON,
    keep: Callable[[Meeting], bool] | None = None,
) -> list[Occurrence]:
    """The next ``limit`` occurrences from ``now`` (of the given groups, or all), soonest first.

    ``keep`` drops meetings before the limit is applied (e.g. ``access.meeting_filter``: confidential
    assessment meetings only for those who may see them). Series and meetings with exceptions are
    expanded; of the plain one-off meetings only the first ``limit`` are read.
    """
    if group_ids is not None:
        group_ids = list(group_ids)
    found = _first_plain(session, group_ids, now, now + horizon, limit, keep)
    # With ``limit`` plain meetings in hand, nothing starting after the last of them can make the list.
    end = found[-1].starts_at + timedelta(microseconds=1) if len(found) >= limit else now + horizon
    for meeting in _active_meetings(session, group_ids, now, plain=False):
        if keep is None or keep(meeting):
            found += occurrences(meeting, now, end)
    return sorted(found, key=_soonest)[:limit]


def between(
    session: Session,
    start: datetime,
    end: datetime,
    group_ids: Iterable[int] | None = None,
    keep: Callable[[Meeting], bool] | None = None,
) -> list[Occurrence]:
    """Every occurrence starting in [start, end) (of the given groups, or all), soonest first; ``keep`` as
    for :func:`upcoming`."""
    found: list[Occurrence] = []
    for meeting in _active_meetings(session, group_ids, start):
        if keep is None or keep(meeting):
            found += occurrences(meeting, start, end)
    return sorted(found, key=_soonest)
