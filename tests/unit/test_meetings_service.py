"""Scheduling and changing meetings without Slack: checks per field, sequence bumps, notices, series splits."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.db.engine import SessionFactory
from bot.db.enums import MeetingStatus
from bot.db.models import AuditEntry, Meeting
from bot.services.errors import UsageError
from bot.services.meetings import meeting_changes, meetings, occurrences
from bot.services.meetings.meetings import HolidayWarning, MeetingRequest
from bot.services.meetings.recurrence import Repeat
from tests.support.demo import NOW
from tests.support.meetings import group, notices, schedule, viewer

AMS = ZoneInfo("Europe/Amsterdam")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=AMS).astimezone(UTC)


def _check(session_factory: SessionFactory, key: str = "sanne", **fields: object) -> dict[str, str]:
    with session_factory() as session:
        values: dict[str, object] = {"group": group(session), "day": date(2027, 3, 15), "start": time(14)}
        values.update(fields)
        checked = meetings.check(session, MeetingRequest(**values), viewer(session, key), NOW)  # type: ignore[arg-type]
        return {name: error.key for name, error in checked.errors.items()}


def test_each_problem_is_reported_on_its_field(session_factory: SessionFactory) -> None:
    assert _check(session_factory) == {}
    assert _check(session_factory, day=date(2026, 11, 20)) == {"date": "meeting.in_the_past"}
    assert _check(session_factory, day=date(2026, 11, 23), start=time(9)) == {"start": "meeting.in_the_past"}
    assert _check(session_factory, end=time(13)) == {"end": "meeting.end_before_start"}
    assert _check(session_factory, video_url="meet.example.org") == {"video_url": "meeting.bad_url"}
    assert _check(session_factory, timezone="Mars/Olympus") == {"timezone": "meeting.bad_timezone"}
    assert _check(session_factory, timezone="Europe") == {"timezone": "meeting.bad_timezone"}  # a tzdata folder
    assert _check(session_factory, timezone="0" * 300) == {"timezone": "meeting.bad_timezone"}  # too long a file name
    assert _check(session_factory, minute_taker="UNOBODY01") == {"minute_taker": "meeting.unknown_person"}
    assert _check(session_factory, key="fatima") == {"group": "group.not_allowed"}  # a member, not the chair
    assert _check(session_factory, key="tom") == {"group": "group.not_allowed"}  # secretariat of another covenant
    assert _check(session_factory, repeat=Repeat.CUSTOM, custom_rule="FREQ=HOURLY") == {
        "rrule": "meeting.rrule_frequency"
    }
    assert _check(session_factory, repeat=Repeat.CUSTOM, custom_rule="FREQ=WEEKLY;BYDAY=TU") == {
        "rrule": "meeting.rrule_start"  # 15 March 2027 is a Monday
    }
    assert _check(session_factory, repeat=Repeat.CUSTOM, custom_rule="nonsense") == {"rrule": "meeting.bad_rrule"}


def test_a_public_holiday_is_a_warning_the_user_can_override(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        request = MeetingRequest(group=group(session), day=date(2027, 4, 27), start=time(14))
        with pytest.raises(HolidayWarning) as warning:
            meetings.schedule(session, request, viewer(session, "sanne"), NOW)
        assert warning.value.values["holiday"] == "Koningsdag"
        session.rollback()
        assert session.scalar(select(Meeting).where(Meeting.starts_at == _at(date(2027, 4, 27), 14))) is None
        request.allow_holiday = True
        scheduled = meetings.schedule(session, request, viewer(session, "sanne"), NOW)
        assert scheduled.meeting.starts_at == _at(date(2027, 4, 27), 14)


def test_scheduling_stores_utc_a_stable_uid_and_owes_the_channel_a_notice(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        meeting = schedule(session, date(2027, 7, 5), time(10), Repeat.MONTHLY, duration=timedelta(minutes=90))
        assert meeting.starts_at == datetime(2027, 7, 5, 8, 0, tzinfo=UTC)  # 10:00 summer time
        assert meeting.ends_at - meeting.starts_at == timedelta(minutes=90)
        assert meeting.rrule == "FREQ=MONTHLY;BYDAY=1MO" and meeting.sequence == 0
        assert meeting.uid.endswith("@covenant-bot") and meeting.title == "Werkgroep Leefbaar Loon"
        [notice] = notices(session, meeting.id)
        assert notice.rule == "meeting-scheduled" and notice.recipient == "CDEMOWG001"
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == meeting.id)).all()
        assert "meeting.scheduled" in actions


def test_moving_one_sitting_keeps_the_series_and_bumps_the_sequence(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        meeting = schedule(session, date(2027, 1, 4), time(10), Repeat.WEEKLY)
        sanne = viewer(session, "sanne")
        target = meetings.target(session, meeting.id, date(2027, 1, 11), sanne, NOW)
        meeting_changes.move(session, target, _at(date(2027, 1, 12), 14), None, sanne, NOW)
        session.commit()
        found = occurrences.occurrences(meeting, _at(date(2027, 1, 1), 0), _at(date(2027, 1, 20), 0))
        assert [o.starts_at for o in found] == [
            _at(date(2027, 1, 4), 10),
            _at(date(2027, 1, 12), 14),
            _at(date(2027, 1, 18), 10),
        ]
        assert meeting.sequence == 1 and meeting.exceptions[0].sequence == 1
        moved = notices(session, meeting.id)[-1]
        assert moved.rule == "meeting-moved" and moved.occurrence_start == _at(date(2027, 1, 11), 10)
        assert moved.payload == {
            "actor": sanne.slack_user_id,
            "from": _at(date(2027, 1, 11), 10).isoformat(),
            "to": _at(date(2027, 1, 12), 14).isoformat(),
        }


def test_moving_a_series_that_has_not_started_moves_it_and_its_exceptions(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        meeting = schedule(session, date(2027, 1, 4), time(10), Repeat.WEEKLY)
        sanne = viewer(session, "sanne")
        cancel = meetings.target(session, meeting.id, date(2027, 1, 18), sanne, NOW)
        meeting_changes.cancel(session, cancel, "te weinig mensen", sanne, NOW)
        whole = meetings.target(session, meeting.id, None, sanne, NOW)
        changed = meeting_changes.move(session, whole, _at(date(2027, 1, 5), 11), None, sanne, NOW)  # Tuesdays 11:00
        session.commit()
        assert changed.meeting.id == meeting.id and meeting.sequence == 2
        found = occurrences.occurrences(meeting, _at(date(2027, 1, 1), 0), _at(date(2027, 1, 27), 0))
        assert [o.starts_at for o in found] == [
            _at(date(2027, 1, 5), 11),
            _at(date(2027, 1, 12), 11),
            _at(date(2027, 1, 26), 11),
        ]


def test_moving_a_started_series_splits_it_and_keeps_the_past(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        meeting = schedule(session, date(2026, 11, 24), time(10), Repeat.WEEKLY, now=NOW)  # Tuesdays
        sanne = viewer(session, "sanne")
        later = NOW + timedelta(days=15)  # after the sittings of 24 November and 1 and 8 December
        whole = meetings.target(session, meeting.id, None, sanne, later)
        changed = meeting_changes.move(session, whole, _at(date(2026, 12, 17), 15), None, sanne, later)  # Thursdays
        session.commit()
        old = occurrences.occurrences(meeting, _at(date(2026, 11, 1), 0), _at(date(2027, 2, 1), 0))
        assert [o.starts_at.astimezone(AMS).date() for o in old] == [
            date(2026, 11, 24),
            date(2026, 12, 1),
            date(2026, 12, 8),
        ]
        assert meeting.series_until == _at(date(2026, 12, 8), 10) and meeting.sequence == 1
        new = changed.meeting
        assert new.id != meeting.id and new.uid != meeting.uid
        following = occurrences.occurrences(new, _at(date(2026, 12, 1), 0), _at(date(2027, 1, 1), 0))
        assert [o.starts_at for o in following] == [
            _at(date(2026, 12, 17), 15),
            _at(date(2026, 12, 24), 15),
            _at(date(2026, 12, 31), 15),
        ]


def test_cancelling(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        sanne = viewer(session, "sanne")
        one_off = schedule(session, date(2027, 2, 1))
        meeting_changes.cancel(session, meetings.target(session, one_off.id, None, sanne, NOW), "ziek", sanne, NOW)
        assert one_off.status == MeetingStatus.CANCELLED and one_off.cancel_reason == "ziek" and one_off.sequence == 1
        with pytest.raises(UsageError) as again:
            meeting_changes.cancel(session, meetings.target(session, one_off.id, None, sanne, NOW), None, sanne, NOW)
        assert again.value.key == "meeting.already_cancelled"
        series = schedule(session, date(2026, 11, 24), time(10), Repeat.WEEKLY)
        later = NOW + timedelta(days=8)
        changed = meeting_changes.cancel(
            session, meetings.target(session, series.id, None, sanne, later), None, sanne, later
        )
        assert series.status == MeetingStatus.SCHEDULED  # the past sittings stay
        assert series.series_until == _at(date(2026, 12, 1), 10)
        assert notices(session, changed.meeting.id)[-1].rule == "meeting-ended"


def test_only_the_chair_or_the_secretariat_may_change_a_meeting(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        meeting = schedule(session, date(2027, 2, 1))
        fatima = viewer(session, "fatima")
        with pytest.raises(UsageError) as refused:
            meeting_changes.set_agenda(
                session, meetings.target(session, meeting.id, None, fatima, NOW), "x", fatima, NOW
            )
        assert refused.value.key == "meeting.not_allowed"
        assert meeting.sequence == 0


def test_an_agenda_for_one_sitting_or_the_whole_series(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        sanne = viewer(session, "sanne")
        meeting = schedule(session, date(2027, 1, 4), time(10), Repeat.WEEKLY, agenda="Vaste agenda")
        one = meetings.target(session, meeting.id, "next", sanne, NOW)
        meeting_changes.set_agenda(session, one, "Alleen deze keer", sanne, NOW)
        found = occurrences.occurrences(meeting, _at(date(2027, 1, 1), 0), _at(date(2027, 1, 12), 0))
        assert [o.agenda for o in found] == ["Alleen deze keer", "Vaste agenda"]
        meeting_changes.set_agenda(session, meetings.target(session, meeting.id, None, sanne, NOW), "Nieuw", sanne, NOW)
        assert meeting.agenda == "Nieuw" and meeting.sequence == 2


def test_a_sitting_is_found_by_its_date_even_after_it_moved(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        sanne = viewer(session, "sanne")
        meeting = schedule(session, date(2027, 1, 4), time(10), Repeat.WEEKLY)
        meeting_changes.move(
            session,
            meetings.target(session, meeting.id, date(2027, 1, 11), sanne, NOW),
            _at(date(2027, 2, 20), 10),
            None,
            sanne,
            NOW,
        )
        by_original = meetings.target(session, meeting.id, date(2027, 1, 11), sanne, NOW)
        by_new = meetings.target(session, meeting.id, date(2027, 2, 20), sanne, NOW)
        assert by_original.occurrence == by_new.occurrence
        with pytest.raises(UsageError) as none:
            meetings.target(session, meeting.id, date(2027, 1, 12), sanne, NOW)
        assert none.value.key == "meeting.no_occurrence"
