"""Recurrence rules of meeting series: the choices people make (weekly, every 2 weeks, monthly on the n-th
weekday, or their own RRULE), checked and stored in the form occurrences.py expands.

A stored rule is in the meeting's *local* terms: ``UNTIL`` is a local wall time without ``Z`` (dateutil
expands from a local, naive DTSTART). The calendar feed turns ``UNTIL`` into UTC, as RFC 5545 requires for a
DTSTART with a TZID.
"""

from __future__ import annotations

import enum
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from bot.services.errors import UsageError

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# A series is expanded for reminders and feeds; more than this many sittings is a typo, not a plan.
MAX_OCCURRENCES = 1000
# INTERVAL 1 to 99: INTERVAL=0 makes dateutil search forever, and "every 100th week" is a typo.
_INTERVAL = re.compile(r"^[1-9][0-9]?$")
# What dateutil raises on a rule it parses but cannot expand (INTERVAL=-1, BYDAY=+999MO, BYEASTER=9999, UNTIL
# past 9999).
_EXPANSION_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError)
_UNTIL = re.compile(r"UNTIL=(\d{8})(T(\d{6})(Z?))?", re.IGNORECASE)


class Repeat(enum.StrEnum):
    NONE = "none"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"
    CUSTOM = "custom"


def nth_weekday(local_start: datetime) -> str:
    """``3MO`` for the third Monday of its month; ``-1FR`` for a fifth (so: last) Friday."""
    n = (local_start.day - 1) // 7 + 1
    return f"{-1 if n == 5 else n}{WEEKDAY_CODES[local_start.weekday()]}"


def _local_until(match: re.Match[str], zone: ZoneInfo) -> str:
    day, clock, utc = match.group(1), match.group(3), match.group(4)
    if clock is None:
        return f"UNTIL={day}T235959"
    moment = datetime.strptime(day + clock, "%Y%m%d%H%M%S")
    if utc:
        moment = moment.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)
    return f"UNTIL={moment:%Y%m%dT%H%M%S}"


def normalise(text: str, tz: str) -> str:
    """An RRULE as typed (``RRULE:`` prefix, lower case, spaces, UTC or date UNTIL) in the stored form."""
    rule = re.sub(r"\s+", "", text).upper().removeprefix("RRULE:").strip(";")
    try:
        return _UNTIL.sub(lambda match: _local_until(match, ZoneInfo(tz)), rule)
    except (ValueError, OverflowError) as exc:  # UNTIL=20271399T100000Z, UNTIL=00000101T000000Z
        raise UsageError("meeting.bad_rrule", rule=rule) from exc


def _parse(rule: str, local_start: datetime) -> rrule:
    try:
        parsed = rrulestr(rule, dtstart=local_start)
    except _EXPANSION_ERRORS as exc:
        raise UsageError("meeting.bad_rrule", rule=rule) from exc
    if not isinstance(parsed, rrule):
        raise UsageError("meeting.bad_rrule", rule=rule)
    return parsed


def check(rule: str, local_start: datetime) -> None:
    """UsageError unless ``rule`` is a valid, not-too-frequent RRULE whose first sitting is ``local_start``."""
    fields = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    if "FREQ" not in fields:
        raise UsageError("meeting.bad_rrule", rule=rule)
    if fields["FREQ"] not in ALLOWED_FREQUENCIES:
        raise UsageError("meeting.rrule_frequency", rule=rule)
    if "BYSECOND" in fields or "BYMINUTE" in fields or "BYHOUR" in fields or "BYSETPOS" in fields:
        raise UsageError("meeting.rrule_frequency", rule=rule)
    if "BYEASTER" in fields or not _INTERVAL.match(fields.get("INTERVAL", "1")):  # BYEASTER: dateutil's own
        raise UsageError("meeting.bad_rrule", rule=rule)
    if "COUNT" in fields and "UNTIL" in fields:  # RFC 5545: one or the other
        raise UsageError("meeting.bad_rrule", rule=rule)
    if not _parts_fit_frequency(fields):
        raise UsageError("meeting.bad_rrule", rule=rule)
    if not all(_in_range(name, value) for name, value in fields.items()) or not _some_month_has_the_day(fields):
        raise UsageError("meeting.bad_rrule", rule=rule)
    parsed = _parse(rule, local_start)
    try:
        if parsed.after(local_start - timedelta(seconds=1), inc=True) != local_start:
            # RFC 5545 counts DTSTART as the first sitting; dateutil does not unless the rule produces it.
            raise UsageError("meeting.rrule_start", rule=rule)
        if parsed.after(local_start + timedelta(days=1), inc=True) is None and "COUNT" not in fields:
            raise UsageError("meeting.rrule_empty", rule=rule)
    except _EXPANSION_ERRORS as exc:
        raise UsageError("meeting.bad_rrule", rule=rule) from exc


# The values RFC 5545 allows in the numeric BY parts (negative ones count from the end), and BYDAY's ordinal.
_RANGES = {"BYMONTH": (False, 12), "BYMONTHDAY": (True, 31), "BYWEEKNO": (True, 53), "BYYEARDAY": (True, 366)}
_NUMBER = re.compile(r"^([+-]?)([0-9]{1,3})$")
_WEEKDAY_ORDINAL = re.compile(r"^[+-]?[0-9]")
_WEEKDAY = re.compile(r"^(?:([+-]?)([0-9]{1,2}))?(MO|TU|WE|TH|FR|SA|SU)$")


# The longest each month gets (February in a leap year).
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _parts_fit_frequency(fields: dict[str, str]) -> bool:
    """RFC 5545 3.3.10: BYYEARDAY not with DAILY, WEEKLY or MONTHLY; BYWEEKNO only with YEARLY; BYMONTHDAY
    not with WEEKLY; a numbered BYDAY (``-5FR``) only with MONTHLY or YEARLY.

    Besides being the standard, this keeps dateutil fast: FREQ=DAILY;BYYEARDAY=6;BYMONTH=3 matches no date,
    and dateutil looked at every day up to the year 9999 before saying so (3 s idle, 50 s on a busy machine).
    """
    frequency = fields["FREQ"]
    if "BYYEARDAY" in fields and frequency in {"DAILY", "WEEKLY", "MONTHLY"}:
        return False
    if "BYWEEKNO" in fields and frequency != "YEARLY":
        return False
    if frequency not in {"MONTHLY", "YEARLY"} and any(
        _WEEKDAY_ORDINAL.match(d) for d in fields.get("BYDAY", "").split(",")
    ):
        return False  # "the 5th Friday" means something in a month or a year only
    if (frequency == "MONTHLY" or "BYMONTH" in fields) and not _ordinals_fit_a_month(fields.get("BYDAY", "")):
        return False
    return not ("BYMONTHDAY" in fields and frequency == "WEEKLY")


def _ordinals_fit_a_month(by_day: str) -> bool:
    """Within a month a weekday comes at most five times, so ``6MO`` matches nothing there. dateutil raised
    IndexError for FREQ=MONTHLY;BYDAY=3MO,29MO and searched up to the year 9999 for BYDAY=6MO (the fuzzer found
    both)."""
    days = [_WEEKDAY.match(day) for day in by_day.split(",")] if by_day else []
    return all(d is None or d.group(2) is None or int(d.group(2)) <= 5 for d in days)


def _some_month_has_the_day(fields: dict[str, str]) -> bool:
    """False for BYMONTH=2;BYMONTHDAY=30 and the like (no such date: dateutil would search up to 9999)."""
    if "BYMONTH" not in fields or "BYMONTHDAY" not in fields:
        return True
    months = [int(month) for month in fields["BYMONTH"].split(",")]
    days = [int(day) for day in fields["BYMONTHDAY"].split(",")]
    return any(abs(day) <= _MONTH_DAYS[month - 1] for month in months for day in days)


def _in_range(name: str, value: str) -> bool:
    """False for a BY part no date can match (BYMONTH=13, BYMONTHDAY=0, BYDAY=+99MO): dateutil would search
    every year up to 9999 for a sitting before giving up."""
    if name == "BYDAY":
        days = [_WEEKDAY.match(day) for day in value.split(",")]
        return all(d is not None and (d.group(2) is None or 1 <= int(d.group(2)) <= 53) for d in days)
    if name not in _RANGES:
        return True
    negative_allowed, highest = _RANGES[name]
    numbers = [_NUMBER.match(number) for number in value.split(",")]
    return all(
        n is not None and 1 <= int(n.group(2)) <= highest and (negative_allowed or n.group(1) != "-") for n in numbers
    )


def rule_for(repeat: Repeat, local_start: datetime, custom: str | None, tz: str) -> str | None:
    """The stored RRULE for a choice (None for a one-off meeting); UsageError when a custom rule is wrong."""
    if repeat == Repeat.NONE:
        return None
    if repeat == Repeat.WEEKLY:
        return "FREQ=WEEKLY"
    if repeat == Repeat.BIWEEKLY:
        return "FREQ=WEEKLY;INTERVAL=2"
    if repeat == Repeat.MONTHLY:
        return f"FREQ=MONTHLY;BYDAY={nth_weekday(local_start)}"
    if not custom or not custom.strip():
        raise UsageError("meeting.rrule_missing")
    rule = normalise(custom, tz)
    check(rule, local_start)
    return rule


def series_until(rule: str | None, local_start: datetime, tz: str) -> datetime | None:
    """The start (UTC) of a finite series' last sitting; None for one-off meetings and open-ended series."""
    if not rule or ("UNTIL=" not in rule and "COUNT=" not in rule):
        return None
    parsed = _parse(rule, local_start)
    last: datetime | None = None
    try:
        for index, sitting in enumerate(parsed):
            if index >= MAX_OCCURRENCES:
                raise UsageError("meeting.rrule_too_long", rule=rule, limit=MAX_OCCURRENCES)
            last = sitting
    except _EXPANSION_ERRORS as exc:
        raise UsageError("meeting.bad_rrule", rule=rule) from exc
    return last.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC) if last else None


def until_before(rule: str, local_cut: datetime) -> str:
    """``rule`` ending just before ``local_cut`` (a local wall time): COUNT and UNTIL replaced by that UNTIL."""
    parts = [part for part in rule.split(";") if not part.startswith(("UNTIL=", "COUNT="))]
    return ";".join([*parts, f"UNTIL={local_cut - timedelta(seconds=1):%Y%m%dT%H%M%S}"])


def remaining(rule: str, old_local_start: datetime, local_cut: datetime) -> str:
    """``rule`` for the part of a series from ``local_cut`` on: a COUNT shrinks by the sittings before the cut."""
    fields = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    if "COUNT" not in fields:
        return rule
    before = len(_parse(rule, old_local_start).between(old_local_start, local_cut, inc=False)) + 1
    left = max(1, int(fields["COUNT"]) - before)
    return ";".join(f"COUNT={left}" if part.startswith("COUNT=") else part for part in rule.split(";"))


def utc_until(rule: str, tz: str) -> str:
    """The rule as RFC 5545 wants it next to a DTSTART with a TZID: ``UNTIL`` in UTC."""

    def to_utc(match: re.Match[str]) -> str:
        day, clock = match.group(1), match.group(3) or "235959"
        if match.group(4):
            return match.group(0)
        local = datetime.strptime(day + clock, "%Y%m%d%H%M%S").replace(tzinfo=ZoneInfo(tz))
        return f"UNTIL={local.astimezone(UTC):%Y%m%dT%H%M%SZ}"

    return _UNTIL.sub(to_utc, rule)
