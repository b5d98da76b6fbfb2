"""Meeting series expand in local time: 10:00 Amsterdam stays 10:00 across DST; exceptions apply."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.db.engine import SessionFactory
from bot.db.enums import MeetingStatus
from bot.db.models import Meeting, MeetingException, WorkingGroup
from bot.services.meetings.occurrences import DEFAULT_HORIZON, occurrence_at, occurrences, upcoming
from bot.services.meetings.occurrences import between as occurrences_between
from bot.services.people.access import public_meeting
from tests.support.demo import NOW

AMS = ZoneInfo("Europe/Amsterdam")


def _weekly(start_local: datetime, rrule: str = "FREQ=WEEKLY") -> Meeting:
    starts = start_local.replace(tzinfo=AMS).astimezone(UTC)
    return Meeting(
        uid="m",
        working_group_id=1,
        title="t",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        timezone="Europe/Amsterdam",
        rrule=rrule,
        status=MeetingStatus.SCHEDULED,
        exceptions=[],
    )


def test_weekly_series_keeps_local_time_across_both_dst_changes() -> None:
    meeting = _weekly(datetime(2027, 3, 15, 10, 0))  # Monday before the last Sunday of March
    found = occurrences(meeting, datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 11, 30, tzinfo=UTC))
    assert {o.starts_at.astimezone(AMS).hour for o in found} == {10}
    utc_hours = {o.starts_at.hour for o in found}
    assert utc_hours == {9, 8}  # 09:00 UTC in winter time, 08:00 UTC in summer time
    assert found[0].starts_at == datetime(2027, 3, 15, 9, 0, tzinfo=UTC)
    assert datetime(2027, 3, 29, 8, 0, tzinfo=UTC) in [o.starts_at for o in found]  # after 28 March
    assert datetime(2027, 11, 1, 9, 0, tzinfo=UTC) in [o.starts_at for o in found]  # after 31 October


def test_cancelled_and_moved_occurrences() -> None:
    meeting = _weekly(datetime(2027, 1, 4, 10, 0))
    second = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
    third = datetime(2027, 1, 18, 9, 0, tzinfo=UTC)
    meeting.exceptions = [
        MeetingException(recurrence_id=second, status=MeetingStatus.CANCELLED),
        MeetingException(
            recurrence_id=third, status=MeetingStatus.SCHEDULED, starts_at=third + timedelta(days=1), agenda="moved"
        ),
    ]
    found = occurrences(meeting, datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 1, 25, tzinfo=UTC))
    assert [o.starts_at for o in found] == [datetime(2027, 1, 4, 9, 0, tzinfo=UTC), third + timedelta(days=1)]
    assert found[1].agenda == "moved" and found[1].ends_at - found[1].starts_at == timedelta(hours=1)
    cancelled = occurrence_at(meeting, second)
    assert cancelled is not None and cancelled.cancelled


def test_one_off_meeting() -> None:
    meeting = _weekly(datetime(2027, 2, 1, 14, 0), rrule="")
    meeting.rrule = None
    assert len(occurrences(meeting, datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 3, 1, tzinfo=UTC))) == 1
    assert occurrences(meeting, datetime(2027, 2, 2, tzinfo=UTC), datetime(2027, 3, 1, tzinfo=UTC)) == []


def test_upcoming_reads_only_the_first_plain_meetings_and_agrees_with_expanding_everything(
    session_factory: SessionFactory,
) -> None:
    """``upcoming`` streams plain one-off meetings in order of start; the answer is the same as expanding every
    meeting (``between``), with series, moved sittings, cancelled and hidden (one company's) meetings mixed in."""
    rng = random.Random(11)
    with session_factory() as session:
        group_ids = list(session.scalars(select(WorkingGroup.id).order_by(WorkingGroup.id)))
        company = session.scalars(select(Meeting.organisation_id).where(Meeting.organisation_id.is_not(None))).first()
        used: set[datetime] = set()

        def moment() -> datetime:
            while True:
                at = NOW + timedelta(days=rng.randint(-20, 120), hours=rng.randint(0, 23), minutes=rng.choice((0, 30)))
                if at not in used:
                    used.add(at)
                    return at

        for n in range(60):
            starts = moment()
            meeting = Meeting(
                uid=f"upcoming-{n}",
                working_group_id=rng.choice(group_ids),
                title=f"Upcoming {n}",
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                timezone="Europe/Amsterdam",
                rrule="FREQ=WEEKLY;COUNT=6" if n % 10 == 0 else None,
                status=MeetingStatus.CANCELLED if n % 13 == 0 else MeetingStatus.SCHEDULED,
                organisation_id=company if n % 7 == 0 else None,
                exceptions=[],
            )
            if n % 11 == 0:  # a one-off with an exception: moved to a moment of its own
                meeting.exceptions.append(
                    MeetingException(recurrence_id=starts, status=MeetingStatus.SCHEDULED, starts_at=moment())
                )
            session.add(meeting)
        session.commit()

    for groups in (None, group_ids[:2]):
        for keep in (None, public_meeting):
            with session_factory() as session:
                every = occurrences_between(session, NOW, NOW + DEFAULT_HORIZON, groups, keep)
                assert len(every) > 12  # so that every limit but the last cuts the list
                for limit in (1, 5, 12, 100):
                    found = upcoming(session, NOW, groups, limit=limit, keep=keep)
                    expected = every[:limit]
                    assert [(o.meeting.id, o.starts_at) for o in found] == [
                        (o.meeting.id, o.starts_at) for o in expected
                    ]
