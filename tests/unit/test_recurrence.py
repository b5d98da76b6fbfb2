"""Recurrence choices become RRULEs in the meeting's local terms; UNTIL goes to UTC only in the feed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services.errors import UsageError
from bot.services.meetings import recurrence
from bot.services.meetings.recurrence import Repeat

AMS = "Europe/Amsterdam"


def test_choices_become_rules() -> None:
    third_monday = datetime(2027, 3, 15, 10, 0)
    assert recurrence.rule_for(Repeat.NONE, third_monday, None, AMS) is None
    assert recurrence.rule_for(Repeat.WEEKLY, third_monday, None, AMS) == "FREQ=WEEKLY"
    assert recurrence.rule_for(Repeat.BIWEEKLY, third_monday, None, AMS) == "FREQ=WEEKLY;INTERVAL=2"
    assert recurrence.rule_for(Repeat.MONTHLY, third_monday, None, AMS) == "FREQ=MONTHLY;BYDAY=3MO"
    assert recurrence.rule_for(Repeat.MONTHLY, datetime(2027, 3, 29, 10), None, AMS) == "FREQ=MONTHLY;BYDAY=-1MO"


def test_custom_rules_are_normalised_with_a_local_until() -> None:
    start = datetime(2027, 3, 15, 10, 0)
    typed = "rrule: freq=weekly; until=20270412T080000Z"
    assert recurrence.rule_for(Repeat.CUSTOM, start, typed, AMS) == "FREQ=WEEKLY;UNTIL=20270412T100000"
    assert recurrence.normalise("FREQ=WEEKLY;UNTIL=20270412", AMS) == "FREQ=WEEKLY;UNTIL=20270412T235959"
    assert recurrence.utc_until("FREQ=WEEKLY;UNTIL=20270412T100000", AMS) == "FREQ=WEEKLY;UNTIL=20270412T080000Z"
    assert recurrence.series_until("FREQ=WEEKLY;UNTIL=20270412T100000", start, AMS) == datetime(
        2027, 4, 12, 8, 0, tzinfo=UTC
    )
    assert recurrence.series_until("FREQ=WEEKLY;COUNT=3", start, AMS) == datetime(2027, 3, 29, 8, 0, tzinfo=UTC)
    assert recurrence.series_until("FREQ=WEEKLY", start, AMS) is None


@pytest.mark.parametrize(
    ("rule", "key"),
    [
        ("FREQ=MINUTELY", "meeting.rrule_frequency"),
        ("FREQ=DAILY;BYHOUR=9,10", "meeting.rrule_frequency"),
        ("FREQ=WEEKLY;BYDAY=FR", "meeting.rrule_start"),
        ("FREQ=WEEKLY;UNTIL=20270315T120000", "meeting.rrule_empty"),
        ("FREQ=FORTNIGHTLY", "meeting.rrule_frequency"),
        ("BYDAY=MO", "meeting.bad_rrule"),
        ("FREQ=DAILY;COUNT=5000", "meeting.rrule_too_long"),
        ("", "meeting.rrule_missing"),
        # Rules dateutil reads but would search forever (INTERVAL=0), search every year up to 9999 for
        # (BYMONTH=13), or fail to expand with an error of its own.
        ("FREQ=WEEKLY;INTERVAL=0", "meeting.bad_rrule"),
        ("FREQ=MONTHLY;INTERVAL=-1", "meeting.bad_rrule"),
        ("FREQ=WEEKLY;INTERVAL=100", "meeting.bad_rrule"),
        ("FREQ=WEEKLY;BYMONTH=13", "meeting.bad_rrule"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "meeting.bad_rrule"),
        ("FREQ=YEARLY;BYWEEKNO=54", "meeting.bad_rrule"),
        ("FREQ=YEARLY;BYYEARDAY=400", "meeting.bad_rrule"),
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20271231", "meeting.bad_rrule"),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "meeting.bad_rrule"),  # no 30 February: searched to 9999
        ("FREQ=YEARLY;BYMONTH=4,6;BYMONTHDAY=-31", "meeting.bad_rrule"),
        # RFC 5545 3.3.10's rules of which parts go with which FREQ; FREQ=DAILY;BYYEARDAY=6;BYMONTH=3 (no such
        # day) took dateutil 3 s idle, 50 s on a busy machine, searching every day up to 9999.
        ("FREQ=DAILY;BYYEARDAY=6;BYMONTH=3", "meeting.bad_rrule"),
        ("FREQ=MONTHLY;BYYEARDAY=74", "meeting.bad_rrule"),
        ("FREQ=WEEKLY;BYWEEKNO=11", "meeting.bad_rrule"),
        ("FREQ=WEEKLY;BYMONTHDAY=15", "meeting.bad_rrule"),
        ("FREQ=DAILY;BYDAY=-5FR", "meeting.bad_rrule"),
        ("FREQ=MONTHLY;BYDAY=+99999999999MO", "meeting.bad_rrule"),
        # A weekday comes at most five times in a month: dateutil raised IndexError on 29MO, searched to 9999 on 6MO.
        ("FREQ=MONTHLY;BYDAY=3MO,29MO", "meeting.bad_rrule"),
        ("FREQ=MONTHLY;BYDAY=-6MO", "meeting.bad_rrule"),
        ("FREQ=YEARLY;BYMONTH=3;BYDAY=6MO", "meeting.bad_rrule"),
        ("FREQ=YEARLY;BYEASTER=99999999", "meeting.bad_rrule"),
        ("FREQ=WEEKLY;UNTIL=20271399T100000Z", "meeting.bad_rrule"),
        ("FREQ=WEEKLY;UNTIL=00000101T000000Z", "meeting.bad_rrule"),
        ("FREQ=WEEKLY;UNTIL=99991231T235959Z", "meeting.bad_rrule"),
    ],
)
def test_bad_custom_rules_say_what_is_wrong(rule: str, key: str) -> None:
    with pytest.raises(UsageError) as caught:
        start = datetime(2027, 3, 15, 10, 0)
        rule_text = recurrence.rule_for(Repeat.CUSTOM, start, rule, AMS)
        recurrence.series_until(rule_text, start, AMS)
    assert caught.value.key == key


def test_splitting_a_series_keeps_its_count() -> None:
    start, cut = datetime(2027, 3, 1, 10), datetime(2027, 3, 15, 10)
    assert recurrence.until_before("FREQ=WEEKLY;COUNT=10", cut) == "FREQ=WEEKLY;UNTIL=20270315T095959"
    assert recurrence.remaining("FREQ=WEEKLY;COUNT=10", start, cut) == "FREQ=WEEKLY;COUNT=8"
    assert recurrence.remaining("FREQ=WEEKLY", start, cut) == "FREQ=WEEKLY"


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MONTHLY;BYDAY=3MO",
        "FREQ=MONTHLY;BYDAY=+3MO;COUNT=6",
        "FREQ=MONTHLY;BYMONTHDAY=15",
        "FREQ=MONTHLY;BYMONTHDAY=-17",  # 15 March counted from the end of the month
        "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=15",
        "FREQ=YEARLY;BYMONTH=2,3;BYMONTHDAY=15,30",
        "FREQ=YEARLY;BYWEEKNO=11;BYDAY=MO",
        "FREQ=YEARLY;BYYEARDAY=74",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
        "FREQ=WEEKLY;INTERVAL=99",
    ],
)
def test_good_custom_rules_pass_the_range_checks(rule: str) -> None:
    start = datetime(2027, 3, 15, 10, 0)  # the third Monday of March, week 11, day 74 of the year
    assert recurrence.rule_for(Repeat.CUSTOM, start, rule, AMS) == rule
