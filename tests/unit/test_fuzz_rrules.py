"""Fuzzing the custom recurrence rule with RRULE-shaped texts (random texts almost never look like one):
every rule is accepted or refused with a UsageError, quickly, and an accepted rule expands."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.db.models import Meeting
from bot.services.errors import UsageError
from bot.services.meetings import recurrence
from bot.services.meetings.occurrences import series_starts
from bot.services.meetings.recurrence import Repeat
from tests.support.fuzzing import EXAMPLES

pytestmark = [pytest.mark.fuzz, pytest.mark.timeout(1200)]

AMS = "Europe/Amsterdam"
START = datetime(2027, 3, 15, 10, 0)  # a Monday: the third of March, week 11
# dateutil gives up on an impossible rule only after searching up to the year 9999; the checks refuse the
# usual ones (BYMONTH=13, 30 February) before, but a rare combination (DAILY;BYWEEKNO=1;BYMONTH=7) still
# costs dateutil's search (about 3 s on this machine). Nothing may take longer; INTERVAL=0 took forever.
SLOWEST_S = 5.0

numbers = st.one_of(
    st.integers(-400, 400), st.integers(-(10**20), 10**20), st.sampled_from([0, 1, -1, 29, 30, 31, 53, 366])
).map(str)
weekdays = st.sampled_from((*recurrence.WEEKDAY_CODES, "XX", ""))
byday = st.lists(st.tuples(st.one_of(st.just(""), numbers), weekdays).map("".join), min_size=1, max_size=3).map(
    ",".join
)
until = st.tuples(
    st.integers(0, 99_999_999).map("{:08d}".format),
    st.sampled_from(["", "T"]),
    st.integers(0, 999_999).map("{:06d}".format),
    st.sampled_from(["", "Z"]),
).map(lambda parts: parts[0] + (parts[1] + parts[2] + parts[3] if parts[1] else ""))
number_list = st.lists(numbers, min_size=1, max_size=3).map(",".join)
part = st.one_of(
    st.tuples(st.just("INTERVAL"), numbers),
    st.tuples(st.just("COUNT"), numbers),
    st.tuples(st.just("UNTIL"), until),
    st.tuples(st.just("BYDAY"), byday),
    st.tuples(st.sampled_from(["BYMONTH", "BYMONTHDAY", "BYWEEKNO", "BYYEARDAY", "BYSETPOS", "BYEASTER"]), number_list),
    st.tuples(st.sampled_from(["WKST", "BYHOUR", "FOO"]), st.one_of(weekdays, numbers)),
).map("=".join)
rules = st.tuples(
    st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY", "HOURLY", ""]), st.lists(part, max_size=4)
).map(lambda rule: ";".join([f"FREQ={rule[0]}", *rule[1]]))


def _checked(rule: str) -> tuple[str | None, float]:
    """The rule as stored (None when refused) and how long accepting or refusing it took."""
    started = time.perf_counter()
    try:
        stored = recurrence.rule_for(Repeat.CUSTOM, START, rule, AMS)
        recurrence.series_until(stored, START, AMS)
    except UsageError:
        stored = None
    return stored, time.perf_counter() - started


@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(rule=rules)
def test_rrule_shaped_texts_are_accepted_or_refused_quickly(rule: str) -> None:
    stored, took = _checked(rule)
    if took >= SLOWEST_S:
        # A stall of a busy CI machine is not the rule's doing: a rule slow for what it asks is slow again.
        took = min(took, _checked(rule)[1])
    assert took < SLOWEST_S, rule
    if stored is not None:  # an accepted rule expands, its first sitting at the start chosen
        meeting = Meeting(starts_at=START.replace(tzinfo=ZoneInfo(AMS)).astimezone(UTC), timezone=AMS, rrule=stored)
        sittings = series_starts(meeting, datetime(2027, 3, 1, tzinfo=UTC), datetime(2028, 3, 1, tzinfo=UTC))
        assert sittings and sittings[0] == meeting.starts_at, rule
