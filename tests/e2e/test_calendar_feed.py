"""The group's iCalendar feed: valid RFC 5545 that icalendar and recurring-ical-events read back as exactly the
stored sittings, served at GET /calendar/<token>.ics."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar

from bot.db.engine import SessionFactory
from bot.services.meetings import calendar_feed, groups, meeting_changes, meetings, occurrences
from bot.services.meetings.recurrence import Repeat
from tests.support.demo import NOW
from tests.support.harness import SlackHarness
from tests.support.meetings import DUE_DILIGENCE, group, schedule, viewer

AMS = ZoneInfo("Europe/Amsterdam")
WINDOW = (datetime(2026, 11, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=AMS).astimezone(UTC)


def _busy_group(session_factory: SessionFactory) -> int:
    """Leefbaar Loon with a weekly series (one sitting cancelled, one moved, one with its own agenda), a custom
    series with UNTIL, a monthly series across DST, and a cancelled one-off meeting."""
    with session_factory() as session:
        sanne = viewer(session, "sanne")
        weekly = schedule(session, date(2027, 3, 1), time(10), Repeat.WEEKLY, agenda="Vaste agenda")
        for day, change in ((date(2027, 3, 8), "cancel"), (date(2027, 3, 15), "move"), (date(2027, 3, 22), "agenda")):
            target = meetings.target(session, weekly.id, day, sanne, NOW)
            if change == "cancel":
                meeting_changes.cancel(session, target, "geen zaal", sanne, NOW)
            elif change == "move":
                meeting_changes.move(session, target, _at(date(2027, 3, 16), 15), None, sanne, NOW)
            else:
                meeting_changes.set_agenda(session, target, "Alleen 22 maart", sanne, NOW)
        schedule(
            session, date(2027, 2, 2), time(9), Repeat.CUSTOM, custom_rule="RRULE:FREQ=WEEKLY;INTERVAL=3;UNTIL=20270601"
        )
        schedule(session, date(2027, 1, 18), time(14), Repeat.MONTHLY)  # third Monday, across both DST changes
        one_off = schedule(session, date(2027, 5, 10), time(11))
        meeting_changes.cancel(session, meetings.target(session, one_off.id, None, sanne, NOW), None, sanne, NOW)
        session.commit()
        return group(session).id


def _stored(session_factory: SessionFactory, group_id: int) -> list[tuple[str, datetime]]:
    with session_factory() as session:
        found = occurrences.between(session, *WINDOW, [group_id])
        return sorted((o.meeting.uid, o.starts_at) for o in found)


def _feed(session_factory: SessionFactory, group_id: int) -> bytes:
    with session_factory() as session:
        found = groups.by_token(session, group(session).calendar_token)
        assert found is not None and found.id == group_id
        return calendar_feed.calendar(session, found, NOW)


def test_recurring_ical_events_reads_back_exactly_the_stored_sittings(session_factory: SessionFactory) -> None:
    group_id = _busy_group(session_factory)
    calendar = Calendar.from_ical(_feed(session_factory, group_id))
    expanded = recurring_ical_events.of(calendar).between(*WINDOW)
    confirmed = sorted(
        (str(event["UID"]), event["DTSTART"].dt.astimezone(UTC))
        for event in expanded
        if event.get("STATUS") != "CANCELLED"
    )
    stored = _stored(session_factory, group_id)
    assert confirmed == stored
    assert len(stored) > 40
    local_hours = {
        start.astimezone(AMS).hour
        for uid, start in stored
        if start.astimezone(AMS).weekday() == 0 and not uid.startswith("demo-")  # the demo's own are not Monday series
    }
    assert local_hours <= {10, 14}  # the Monday series keep their local hour across DST


def test_the_feed_is_valid_rfc5545_with_timezone_uid_sequence_exdate_and_cancellation(
    session_factory: SessionFactory,
) -> None:
    group_id = _busy_group(session_factory)
    text = _feed(session_factory, group_id).decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))  # folded lines
    calendar = Calendar.from_ical(text)
    assert calendar["VERSION"] == "2.0" and calendar.get("PRODID")
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    events = calendar.walk("VEVENT")
    weekly = [e for e in events if e.get("RRULE") and e["RRULE"]["FREQ"] == ["WEEKLY"] and "INTERVAL" not in e["RRULE"]]
    master = next(e for e in weekly if "RECURRENCE-ID" not in e)
    assert master["SEQUENCE"] == 3 and master["STATUS"] == "CONFIRMED"
    assert master["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert [d.dt for d in master["EXDATE"].dts] == [datetime(2027, 3, 8, 10, 0, tzinfo=AMS)]
    overrides = [e for e in events if e.get("UID") == master["UID"] and "RECURRENCE-ID" in e]
    assert sorted(e["RECURRENCE-ID"].dt for e in overrides) == [
        datetime(2027, 3, 15, 10, tzinfo=AMS),
        datetime(2027, 3, 22, 10, tzinfo=AMS),
    ]
    until = next(e for e in events if e.get("RRULE") and "UNTIL" in e["RRULE"])
    assert until["RRULE"]["UNTIL"][0].tzinfo is not None  # UNTIL in UTC next to a TZID'd DTSTART
    cancelled = [e for e in events if e.get("STATUS") == "CANCELLED"]
    assert len(cancelled) == 1 and "RRULE" not in cancelled[0]


def test_the_feed_is_served_over_http_and_a_rotated_token_stops_the_old_link(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    with session_factory() as session:
        schedule(session, date(2027, 3, 1), time(10), Repeat.WEEKLY, group_name=DUE_DILIGENCE, key="emma")
        token = group(session, DUE_DILIGENCE).calendar_token
    url = f"{slack.server.url}/calendar/{token}.ics"
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/calendar")
        etag = response.headers["ETag"]
        body = response.read()
    assert b"RRULE:FREQ=WEEKLY" in body and b"BEGIN:VTIMEZONE" in body
    request = urllib.request.Request(url, headers={"If-None-Match": etag})
    try:
        urllib.request.urlopen(request, timeout=5)
        raise AssertionError("expected 304 Not Modified")
    except urllib.error.HTTPError as error:
        assert error.code == 304
    with session_factory() as session:
        groups.rotate_feed(session, group(session, DUE_DILIGENCE), viewer(session, "emma"), NOW)
        session.commit()
    for wrong in (url, f"{slack.server.url}/calendar/guess.ics"):
        try:
            urllib.request.urlopen(wrong, timeout=5)
            raise AssertionError("expected 404")
        except urllib.error.HTTPError as error:
            assert error.code == 404


def test_every_change_bumps_the_sequence_in_the_feed(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        sanne = viewer(session, "sanne")
        meeting = schedule(session, date(2027, 2, 1), time(10))
        sequences = []
        for _ in range(2):
            target = meetings.target(session, meeting.id, None, sanne, NOW)
            meeting_changes.move(session, target, meeting.starts_at + timedelta(days=1), None, sanne, NOW)
            session.commit()
            event = next(e for e in calendar_feed.meeting_events(meeting))
            sequences.append(int(event["SEQUENCE"]))
        assert sequences == [1, 2]
