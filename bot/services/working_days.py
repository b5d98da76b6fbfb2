"""Working days (Dutch business days: no weekends, no public holidays): when reminders may go out and
when the minutes' deadlines fall."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays


@cache
def _holidays(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=year)


def is_business_day(day: date, country: str = "NL") -> bool:
    """Monday to Friday and not a public holiday of ``country`` (King's Day, Christmas, ...)."""
    return day.weekday() < 5 and day not in _holidays(country, day.year)


def add_business_days(moment: datetime, days: int, tz: str) -> datetime:
    """The same local time ``days`` Dutch business days after ``moment`` (weekends and holidays skipped)."""
    zone = ZoneInfo(tz)
    local = moment.astimezone(zone)
    day = local.date()
    while days > 0:
        day += timedelta(days=1)
        days -= is_business_day(day)
    return datetime.combine(day, local.time(), tzinfo=zone).astimezone(UTC)


def end_of_business_days(moment: datetime, days: int, tz: str) -> datetime:
    """17:00 local on the ``days``-th business day after ``moment``: when a comment window closes."""
    day = add_business_days(moment, days, tz).astimezone(ZoneInfo(tz)).date()
    return datetime.combine(day, time(17, 0), tzinfo=ZoneInfo(tz)).astimezone(UTC)
