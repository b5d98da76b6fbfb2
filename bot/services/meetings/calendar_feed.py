"""A working group's meetings as an iCalendar feed (RFC 5545), written with the ``icalendar`` package.

One VEVENT per meeting with a stable UID and a SEQUENCE that every change bumps; a series carries its RRULE
and an EXDATE for each cancelled sitting, and a moved sitting (or one with its own agenda) is a VEVENT with
the same UID and a RECURRENCE-ID. A cancelled meeting stays in the feed with STATUS:CANCELLED, so subscribed
calendars (Outlook, Google) remove it instead of keeping a stale copy. Times carry their TZID with a
VTIMEZONE, so a 10:00 Amsterdam series stays at 10:00 across DST changes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import MeetingStatus
from bot.db.models import Meeting, MeetingException, WorkingGroup
from bot.services.meetings import recurrence

if TYPE_CHECKING:
    from icalendar import Event

    from bot.services.meetings.occurrences import Occurrence

# icalendar (and the email package it brings) is imported where a feed is written: the console and the
# web workers start without it.

PRODID = "-//covenant-bot//Working-group meetings//EN"
# Past meetings stay in the feed this long (a subscription is a calendar, not only an agenda).
HISTORY = timedelta(days=366)
REFRESH = timedelta(hours=1)


def feed_meetings(session: Session, group: WorkingGroup, now: datetime) -> list[Meeting]:
    """The group's meetings for its feed: not confidential, and not over for more than a year."""
    since = now - HISTORY
    return list(
        session.scalars(
            select(Meeting)
            .options(selectinload(Meeting.exceptions))
            .where(
                Meeting.working_group_id == group.id,
                Meeting.organisation_id.is_(None),
                or_(
                    Meeting.starts_at >= since,
                    Meeting.rrule.is_not(None) & (Meeting.series_until.is_(None) | (Meeting.series_until >= since)),
                ),
            )
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


def _description(agenda: str | None, meeting: Meeting) -> str | None:
    parts = [part.strip() for part in (agenda, meeting.video_url) if part and part.strip()]
    return "\n\n".join(parts) or None


def _common(event: Event, meeting: Meeting, zone: ZoneInfo, start: datetime, end: datetime, agenda: str | None) -> None:
    event.add("uid", meeting.uid)
    event.add("dtstamp", meeting.updated_at)
    event.add("last-modified", meeting.updated_at)
    event.add("created", meeting.created_at)
    event.add("dtstart", start.astimezone(zone))
    event.add("dtend", end.astimezone(zone))
    event.add("summary", meeting.title)
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.video_url:
        event.add("url", meeting.video_url)
    description = _description(agenda, meeting)
    if description:
        event.add("description", description)


def _override(meeting: Meeting, exception: MeetingException, zone: ZoneInfo) -> Event:
    duration = meeting.ends_at - meeting.starts_at
    start = exception.starts_at or exception.recurrence_id
    end = exception.ends_at or start + duration
    from icalendar import Event

    event = Event()
    _common(event, meeting, zone, start, end, exception.agenda if exception.agenda is not None else meeting.agenda)
    event.add("recurrence-id", exception.recurrence_id.astimezone(zone))
    event.add("sequence", exception.sequence)
    event.add("status", "CONFIRMED")
    return event


def meeting_events(meeting: Meeting) -> list[Event]:
    """The VEVENTs of one meeting: the meeting (or series master), then its moved or re-agendaed sittings."""
    zone = ZoneInfo(meeting.timezone)
    from icalendar import Event, vRecur

    master = Event()
    _common(master, meeting, zone, meeting.starts_at, meeting.ends_at, meeting.agenda)
    master.add("sequence", meeting.sequence)
    cancelled = meeting.status == MeetingStatus.CANCELLED
    master.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    events = [master]
    if not meeting.rrule:
        return events
    master.add("rrule", vRecur.from_ical(recurrence.utc_until(meeting.rrule, meeting.timezone)))
    exceptions = sorted(meeting.exceptions, key=lambda e: e.recurrence_id)
    dropped = [e.recurrence_id.astimezone(zone) for e in exceptions if e.status == MeetingStatus.CANCELLED]
    if dropped:
        master.add("exdate", dropped)
    if cancelled:
        return events
    for exception in exceptions:
        if exception.status == MeetingStatus.SCHEDULED:
            events.append(_override(meeting, exception, zone))
    return events


def calendar(session: Session, group: WorkingGroup, now: datetime) -> bytes:
    """The group's feed as iCalendar bytes (UTF-8, CRLF line ends, lines folded)."""
    from icalendar import Calendar, vDuration

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("name", group.name)
    cal.add("x-wr-calname", group.name)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    meetings = feed_meetings(session, group, now)
    for meeting in meetings:
        for event in meeting_events(meeting):
            cal.add_component(event)
    if meetings:
        first = min(meeting.starts_at for meeting in meetings).date() - timedelta(days=366)
        cal.add_missing_timezones(first_date=first, last_date=now.date() + timedelta(days=366 * 15))
    return bytes(cal.to_ical())


def invitation(occurrence: Occurrence, organizer: str, attendee: str, now: datetime) -> bytes:
    """One sitting as an invitation (METHOD:REQUEST, one VEVENT: the sitting's own start, end and agenda), for
    the email that reminds ``attendee`` of it; the organiser is the bot's sender address."""
    from icalendar import Calendar, Event, vCalAddress

    meeting = occurrence.meeting
    zone = ZoneInfo(meeting.timezone)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "REQUEST")
    event = Event()
    _common(event, meeting, zone, occurrence.starts_at, occurrence.ends_at, occurrence.agenda)
    del event["dtstamp"]  # when this invitation was written, not when the meeting last changed
    event.add("dtstamp", now.astimezone(UTC))
    if meeting.rrule:
        event.add("recurrence-id", occurrence.recurrence_id.astimezone(zone))
    event.add("sequence", meeting.sequence)
    event.add("status", "CONFIRMED")
    event.add("organizer", vCalAddress(f"mailto:{organizer}"))
    guest = vCalAddress(f"mailto:{attendee}")
    guest.params["ROLE"] = "REQ-PARTICIPANT"
    guest.params["PARTSTAT"] = "NEEDS-ACTION"
    guest.params["RSVP"] = "FALSE"
    event.add("attendee", guest)
    cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
