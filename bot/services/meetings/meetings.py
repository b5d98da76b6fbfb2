"""Working-group meetings: scheduling one (checked field by field), finding one, listing what is coming.

Changes to a scheduled meeting (agenda, move, cancel) are in meeting_changes.py; occurrences of a series
are expanded by occurrences.py. Times are stored in UTC; a meeting keeps its own IANA time zone.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import MeetingStatus
from bot.db.models import AuditEntry, Covenant, Meeting, ReminderDelivery, WorkingGroup
from bot.services import locking
from bot.services.administration import audit
from bot.services.errors import UsageError
from bot.services.meetings import occurrences, recurrence
from bot.services.meetings.occurrences import Occurrence
from bot.services.meetings.recurrence import Repeat
from bot.services.people.access import Viewer
from bot.services.people.people import person_by_slack_id
from bot.services.plans.reminders import insert_once

DEFAULT_DURATION = timedelta(hours=1)
MAX_DURATION = timedelta(hours=12)
MAX_AGENDA = 3000
# Names of the fields a schedule request has; the modal shows each error on its own field.
FIELDS = (
    "group",
    "title",
    "date",
    "start",
    "end",
    "timezone",
    "repeat",
    "rrule",
    "location",
    "video_url",
    "agenda",
    "minute_taker",
)


@dataclass
class MeetingRequest:
    """What someone asks to schedule, as typed on one line or entered in the modal (local date and times)."""

    group: WorkingGroup | None
    day: date | None
    start: time | None
    title: str | None = None
    end: time | None = None
    duration: timedelta | None = None
    timezone: str | None = None
    repeat: Repeat = Repeat.NONE
    custom_rule: str | None = None
    location: str | None = None
    video_url: str | None = None
    agenda: str | None = None
    minute_taker: str | None = None
    allow_holiday: bool = False


@dataclass
class Checked:
    """A request checked: errors per field, a public holiday to warn about, and the values to store."""

    errors: dict[str, UsageError] = field(default_factory=dict)
    holiday: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    timezone: str = "Europe/Amsterdam"
    rrule: str | None = None
    series_until: datetime | None = None
    minute_taker_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


class HolidayWarning(UsageError):
    """The meeting falls on a public holiday: said once, and scheduled when the user confirms."""


@cache
def _holiday_names(year: int, language: str) -> holidays.HolidayBase:
    return holidays.country_holidays("NL", years=year, language=language)


def holiday_name(day: date, lang: str) -> str | None:
    """The Dutch public holiday on ``day`` (King's Day, Christmas...) in the user's language, or None."""
    name = _holiday_names(day.year, "nl" if lang == "nl" else "en_US").get(day)
    return str(name) if name else None


@dataclass(frozen=True)
class HolidaySitting:
    """A sitting of a meeting that falls on a Dutch public holiday."""

    occurrence: Occurrence
    holiday: str


def holiday_sittings(meeting: Meeting, lang: str) -> list[HolidaySitting]:
    """The meeting's sittings (not cancelled) on a Dutch public holiday, soonest first, within the series'
    horizon: up to its last sitting, at most ``occurrences.DEFAULT_HORIZON`` after its first."""
    end = meeting.starts_at + occurrences.DEFAULT_HORIZON
    if meeting.series_until is not None:
        end = min(end, meeting.series_until + timedelta(seconds=1))
    zone = ZoneInfo(meeting.timezone)
    found: list[HolidaySitting] = []
    for occurrence in occurrences.occurrences(meeting, meeting.starts_at, end):
        name = holiday_name(occurrence.starts_at.astimezone(zone).date(), lang)
        if name is not None:
            found.append(HolidaySitting(occurrence, name))
    return found


def local_moment(day: date, clock: time, tz: str) -> datetime:
    """A local wall time in ``tz`` as an aware UTC datetime."""
    return datetime.combine(day, clock, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def _zone(name: str | None, fallback: str) -> str | None:
    candidate = (name or "").strip() or fallback
    try:
        ZoneInfo(candidate)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" (a folder), a name too long
        return None
    return candidate


def _check_texts(request: MeetingRequest, errors: dict[str, UsageError]) -> None:
    """Lengths, and the link's form."""
    if request.title is not None and len(request.title) > 200:
        errors["title"] = UsageError("meeting.too_long", limit=200)
    if request.location is not None and len(request.location) > 500:
        errors["location"] = UsageError("meeting.too_long", limit=500)
    if request.agenda is not None and len(request.agenda) > MAX_AGENDA:
        errors["agenda"] = UsageError("meeting.too_long", limit=MAX_AGENDA)
    if request.video_url:
        if not request.video_url.startswith(("https://", "http://")) or " " in request.video_url:
            errors["video_url"] = UsageError("meeting.bad_url", url=request.video_url)
        elif len(request.video_url) > 500:
            errors["video_url"] = UsageError("meeting.too_long", limit=500)


def check(session: Session, request: MeetingRequest, viewer: Viewer, now: datetime) -> Checked:
    """Every problem with ``request``, by field, without writing anything."""
    checked = Checked()
    errors = checked.errors
    group = request.group
    if group is None:
        errors["group"] = UsageError("group.missing")
    elif not viewer.may_manage_group(group):
        errors["group"] = UsageError("group.not_allowed", group=group.name)
    tz = _zone(request.timezone, group.covenant.timezone if group else "Europe/Amsterdam")
    if tz is None:
        errors["timezone"] = UsageError("meeting.bad_timezone", zone=request.timezone)
        tz = "Europe/Amsterdam"
    checked.timezone = tz
    if request.day is None:
        errors["date"] = UsageError("meeting.missing_date")
    if request.start is None:
        errors["start"] = UsageError("meeting.missing_time")
    _check_texts(request, errors)
    if request.minute_taker:
        taker = person_by_slack_id(session, request.minute_taker)
        if taker is None:
            errors["minute_taker"] = UsageError("meeting.unknown_person", user=request.minute_taker)
        else:
            checked.minute_taker_id = taker.id
    if request.day is None or request.start is None:
        return checked
    starts_at = local_moment(request.day, request.start, tz)
    if request.end is not None:
        ends_at = local_moment(request.day, request.end, tz)
    else:
        ends_at = starts_at + (request.duration or DEFAULT_DURATION)
    if starts_at <= now:
        errors["date" if request.day < now.astimezone(ZoneInfo(tz)).date() else "start"] = UsageError(
            "meeting.in_the_past"
        )
    if ends_at <= starts_at:
        errors["end"] = UsageError("meeting.end_before_start")
    elif ends_at - starts_at > MAX_DURATION:
        errors["end"] = UsageError("meeting.too_long_meeting", hours=int(MAX_DURATION.total_seconds() // 3600))
    checked.starts_at, checked.ends_at = starts_at, ends_at
    local_start = datetime.combine(request.day, request.start)
    if request.custom_rule and request.repeat != Repeat.CUSTOM:
        # A rule beside another choice of repeat would be dropped without a word: say so on its field.
        errors["rrule"] = UsageError("meeting.rrule_not_custom", rule=request.custom_rule)
    try:
        checked.rrule = recurrence.rule_for(request.repeat, local_start, request.custom_rule, tz)
        checked.series_until = recurrence.series_until(checked.rrule, local_start, tz)
    except UsageError as error:
        errors["rrule" if request.repeat == Repeat.CUSTOM else "repeat"] = error
    if not request.allow_holiday:
        checked.holiday = holiday_name(request.day, viewer.language)
    return checked


def first_error(checked: Checked) -> UsageError:
    """The error to show when there is one line to show it on (in the order of the fields)."""
    return next(checked.errors[name] for name in FIELDS if name in checked.errors)


@dataclass(frozen=True)
class Scheduled:
    meeting: Meeting
    notice_id: int | None
    duplicate: bool = False  # the same meeting, scheduled by the same person a moment ago: nothing new


# A meeting identical to one the same person scheduled this recently is a double submit, not a second meeting.
DUPLICATE_WINDOW = timedelta(minutes=10)


def _just_scheduled(session: Session, meeting: Meeting, actor: str, now: datetime) -> Meeting | None:
    """The same meeting (group, time, repeat, title, agenda) that ``actor`` scheduled within DUPLICATE_WINDOW."""
    same = session.scalars(
        select(Meeting)
        .join(AuditEntry, (AuditEntry.entity == "meeting") & (AuditEntry.entity_id == Meeting.id))
        .where(
            Meeting.working_group_id == meeting.working_group_id,
            Meeting.starts_at == meeting.starts_at,
            Meeting.ends_at == meeting.ends_at,
            Meeting.status == MeetingStatus.SCHEDULED,
            AuditEntry.action == "meeting.scheduled",
            AuditEntry.actor == actor,
            AuditEntry.at >= now - DUPLICATE_WINDOW,
        )
    )
    return next(
        (
            found
            for found in same
            if (found.title, found.rrule, found.agenda, found.location, found.video_url)
            == (meeting.title, meeting.rrule, meeting.agenda, meeting.location, meeting.video_url)
        ),
        None,
    )


def schedule(session: Session, request: MeetingRequest, viewer: Viewer, now: datetime) -> Scheduled:
    """Create the meeting (audited, announced in the group's channel); UsageError for the first problem and
    HolidayWarning when it falls on a public holiday the user has not confirmed."""
    checked = check(session, request, viewer, now)
    if not checked.ok:
        raise first_error(checked)
    if checked.holiday:
        raise HolidayWarning("meeting.holiday", holiday=checked.holiday)
    group = request.group
    assert group is not None and checked.starts_at is not None and checked.ends_at is not None
    meeting = Meeting(
        uid=f"{uuid.uuid4()}@covenant-bot",
        sequence=0,
        working_group_id=group.id,
        title=(request.title or "").strip()
        or (group.name_en if group.language == "en" and group.name_en else group.name),
        starts_at=checked.starts_at,
        ends_at=checked.ends_at,
        timezone=checked.timezone,
        rrule=checked.rrule,
        series_until=checked.series_until,
        location=(request.location or "").strip() or None,
        video_url=(request.video_url or "").strip() or None,
        agenda=(request.agenda or "").strip() or None,
        status=MeetingStatus.SCHEDULED,
        minute_taker_id=checked.minute_taker_id,
        exceptions=[],
    )
    locking.serialise(session, "meeting schedule", group.id)  # a double submit at the same moment, too
    earlier = _just_scheduled(session, meeting, viewer.slack_user_id, now)
    if earlier is not None:
        return Scheduled(earlier, None, duplicate=True)
    session.add(meeting)
    session.flush()
    meeting.group = group
    audit.record(
        session,
        at=now,
        actor=viewer.slack_user_id,
        action="meeting.scheduled",
        entity="meeting",
        entity_id=meeting.id,
        detail={"starts_at": meeting.starts_at.isoformat(), "rrule": meeting.rrule, "group": group.id},
    )
    return Scheduled(meeting, announce(session, meeting, "scheduled", now, viewer.slack_user_id))


def announce(
    session: Session,
    meeting: Meeting,
    change: str,
    now: datetime,
    actor: str,
    occurrence_start: datetime | None = None,
    details: Mapping[str, object] | None = None,
) -> int | None:
    """Owe the group's channel a notice of this change (rule ``meeting-<change>``); returns the delivery id.

    Confidential meetings (with one company) are never announced in a channel.
    """
    group = meeting.group
    if group.channel_id is None or meeting.organisation_id is not None:
        return None
    key = f"meeting:{meeting.id}:notice:{meeting.sequence}:{change}:{group.channel_id}"
    insert_once(
        session,
        dedupe_key=key,
        meeting_id=meeting.id,
        occurrence_start=occurrence_start,
        working_group_id=group.id,
        covenant_id=group.covenant_id,
        rule=f"meeting-{change}",
        recipient=group.channel_id,
        planned_for=now,
        payload={"actor": actor, **(details or {})},
        created_at=now,
    )
    return session.scalar(select(ReminderDelivery.id).where(ReminderDelivery.dedupe_key == key))


# -- finding and listing ------------------------------------------------------------------------------


def get(session: Session, meeting_id: int, viewer: Viewer) -> Meeting:
    """The meeting with this number, if the viewer may see it; UsageError ``meeting.unknown`` otherwise."""
    meeting = session.scalar(
        select(Meeting)
        .options(
            selectinload(Meeting.exceptions),
            selectinload(Meeting.group).selectinload(WorkingGroup.covenant),
            selectinload(Meeting.minute_taker),
        )
        .where(Meeting.id == meeting_id)
    )
    if meeting is None or not viewer.may_see_group_meeting(meeting, meeting.group):
        raise UsageError("meeting.unknown", ref=meeting_id)
    return meeting


@dataclass(frozen=True)
class Target:
    """What a change applies to: one occurrence of a meeting, or (``occurrence`` None) the whole series."""

    meeting: Meeting
    occurrence: Occurrence | None


def target(
    session: Session, meeting_id: int, on: date | Literal["next"] | None, viewer: Viewer, now: datetime
) -> Target:
    """The meeting ``meeting_id``, or its occurrence on local date ``on`` (or the next one)."""
    meeting = get(session, meeting_id, viewer)
    if not meeting.rrule:
        if isinstance(on, date) and meeting.starts_at.astimezone(ZoneInfo(meeting.timezone)).date() != on:
            raise UsageError("meeting.no_occurrence", ref=meeting_id, date=on.isoformat())
        return Target(meeting, None)
    if on is None:
        return Target(meeting, None)
    if on == "next":
        coming = occurrences.occurrences(meeting, now, now + occurrences.DEFAULT_HORIZON)
        if not coming:
            raise UsageError("meeting.nothing_next", ref=meeting_id)
        return Target(meeting, coming[0])
    zone = ZoneInfo(meeting.timezone)
    window_start = datetime.combine(on, time(0), tzinfo=zone) - timedelta(days=1)
    found = occurrences.occurrences(meeting, window_start, window_start + timedelta(days=3), include_cancelled=True)
    for occurrence in found:
        if on in (occurrence.recurrence_id.astimezone(zone).date(), occurrence.starts_at.astimezone(zone).date()):
            return Target(meeting, occurrence)
    original = occurrence_on(meeting, on)
    if original is not None:
        return Target(meeting, original)
    raise UsageError("meeting.no_occurrence", ref=meeting_id, date=on.isoformat())


def occurrence_on(meeting: Meeting, on: date) -> Occurrence | None:
    """The occurrence originally on local date ``on`` (also when it was moved far away)."""
    zone = ZoneInfo(meeting.timezone)
    start = datetime.combine(on, time(0), tzinfo=zone).astimezone(UTC)
    originals = occurrences.series_starts(meeting, start, start + timedelta(days=1))
    return occurrences.occurrence_at(meeting, originals[0]) if originals else None


def group_ids_for(session: Session, viewer: Viewer, group: WorkingGroup | None, covenant: Covenant | None) -> list[int]:
    """Whose meetings a listing shows: one group, a covenant's groups, else the viewer's own groups (or all)."""
    if group is not None:
        return [group.id]
    query = select(WorkingGroup.id)
    if covenant is not None:
        return list(session.scalars(query.where(WorkingGroup.covenant_id == covenant.id)))
    if viewer.groups:
        return sorted(viewer.groups)
    return list(session.scalars(query))


def coming(session: Session, viewer: Viewer, group_ids: list[int], now: datetime, limit: int) -> list[Occurrence]:
    """The next ``limit`` sittings of these groups' meetings that the viewer may see (ongoing ones included)."""
    found = occurrences.upcoming(session, now - MAX_DURATION, group_ids, limit=limit + 20)
    visible = [o for o in found if o.ends_at > now and viewer.may_see_group_meeting(o.meeting, o.meeting.group)]
    return visible[:limit]
