"""Meeting series expand in local time: 10:00 Amsterdam stays 10:00 across DST; exceptions apply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.db.enums import MeetingStatus
from bot.db.models import Meeting, MeetingException
from bot.services.occurrences import occurrence_at, occurrences

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
