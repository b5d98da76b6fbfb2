"""The demo's meetings are believable: no sitting on a Saturday, a Sunday or a Dutch public holiday, whatever
day the demo is loaded on."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.db.engine import make_engine, make_session_factory
from bot.db.models import Base, Meeting
from bot.services.administration import seed
from bot.services.meetings import occurrences
from bot.services.meetings.meetings import holiday_name

# A week of load days (every weekday), and days just before King's Day, Ascension and Christmas.
LOAD_DAYS = [date(2026, 11, 23) + timedelta(days=n) for n in range(7)]
LOAD_DAYS += [date(2027, 4, 21), date(2027, 4, 30), date(2026, 12, 19), date(2027, 12, 24)]


@pytest.mark.parametrize("today", LOAD_DAYS, ids=str)
def test_no_demo_sitting_falls_on_a_weekend_or_a_dutch_holiday(today: date) -> None:
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    now = datetime.combine(today, time(10), tzinfo=ZoneInfo("Europe/Amsterdam"))
    with make_session_factory(engine)() as session:
        seed.load_public(session)
        seed.load_demo(session, today, now)
        bad: list[str] = []
        meetings = list(session.scalars(select(Meeting).options(selectinload(Meeting.exceptions))))
        assert len(meetings) >= 5
        for meeting in meetings:
            zone = ZoneInfo(meeting.timezone)
            start = meeting.starts_at
            for sitting in occurrences.occurrences(meeting, start, start + occurrences.DEFAULT_HORIZON):
                day = sitting.starts_at.astimezone(zone).date()
                if day.weekday() >= 5 or holiday_name(day, "nl"):
                    bad.append(f"{meeting.title}: {day:%a %Y-%m-%d} {holiday_name(day, 'nl') or ''}")
    engine.dispose()
    assert bad == []
