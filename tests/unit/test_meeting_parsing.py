"""The one-line form of /meeting schedule, in Dutch and English: group, date, time, length or end, repeat."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from bot.commands.meeting_schedule import parse_line
from bot.db.engine import SessionFactory
from bot.db.keys import row_id
from bot.parsing.dates import parse_duration, parse_time, parse_when
from bot.services.errors import UsageError
from bot.services.meetings.recurrence import Repeat

TODAY = date(2026, 11, 23)  # a Monday
LL, DD, SG = "Werkgroep Leefbaar Loon", "Werkgroep Due Diligence Metaal", "Stuurgroep Metaal"
H = timedelta(hours=1)
M = timedelta(minutes=1)

# (typed after "/meeting schedule", group, day, start, length (or end), repeat, agenda)
TABLE: list[tuple[str, str, date, time, timedelta | time | None, Repeat, str | None]] = [
    # Dutch
    (
        "leefbaar loon 15 maart 2027 14:00 90m Agenda tekst",
        LL,
        date(2027, 3, 15),
        time(14),
        90 * M,
        Repeat.NONE,
        "Agenda tekst",
    ),
    ("Werkgroep Leefbaar Loon 15-3-2027 14.00", LL, date(2027, 3, 15), time(14), None, Repeat.NONE, None),
    ("leefbaar loon op 15 maart 2027 om 14 uur 2 uur", LL, date(2027, 3, 15), time(14), 2 * H, Repeat.NONE, None),
    (
        "leefbaar loon maandag 15 maart 2027 14u tot 15u30",
        LL,
        date(2027, 3, 15),
        time(14),
        time(15, 30),
        Repeat.NONE,
        None,
    ),
    (
        "leefbaar loon ma 15 mrt 2027 9:30 1u30 wekelijks",
        LL,
        date(2027, 3, 15),
        time(9, 30),
        90 * M,
        Repeat.WEEKLY,
        None,
    ),
    (
        "leefbaar loon 15 maart 10u 1,5 uur om de week Rondvraag",
        LL,
        date(2027, 3, 15),
        time(10),
        90 * M,
        Repeat.BIWEEKLY,
        "Rondvraag",
    ),
    ("leefbaar loon morgen 10:00 45 min", LL, date(2026, 11, 24), time(10), 45 * M, Repeat.NONE, None),
    ("leefbaar loon overmorgen om 13.30 tot 15.00", LL, date(2026, 11, 25), time(13, 30), time(15), Repeat.NONE, None),
    (
        "leefbaar loon donderdag 4 februari 2027 om 10.00 2 uur maandelijks",
        LL,
        date(2027, 2, 4),
        time(10),
        2 * H,
        Repeat.MONTHLY,
        None,
    ),
    (
        "leefbaar loon volgende dinsdag 9:30 1u30 Voorbereiding",
        LL,
        date(2026, 11, 24),
        time(9, 30),
        90 * M,
        Repeat.NONE,
        "Voorbereiding",
    ),
    ("leefbaar loon woensdag 14:00 elke week", LL, date(2026, 11, 25), time(14), None, Repeat.WEEKLY, None),
    ("leefbaar loon 1 april 2027 14:00 – 16:00", LL, date(2027, 4, 1), time(14), time(16), Repeat.NONE, None),
    (
        "due diligence 2027-03-15 14:00-15:30 tweewekelijks",
        DD,
        date(2027, 3, 15),
        time(14),
        time(15, 30),
        Repeat.BIWEEKLY,
        None,
    ),
    ("stuurgroep metaal 3 juni 2027 13:30 2 uren", SG, date(2027, 6, 3), time(13, 30), 2 * H, Repeat.NONE, None),
    (
        "stuurgroep metaal 12 januari 2027 om 10u elke maand https://meet.example.org/sg Jaarplan",
        SG,
        date(2027, 1, 12),
        time(10),
        None,
        Repeat.MONTHLY,
        "Jaarplan",
    ),
    (
        '"Leefbaar Loon" 5 december 2026 11u30 60 minuten',
        LL,
        date(2026, 12, 5),
        time(11, 30),
        60 * M,
        Repeat.NONE,
        None,
    ),
    ("leefbaar loon 7-1-2027 9u", LL, date(2027, 1, 7), time(9), None, Repeat.NONE, None),
    # English
    (
        "due diligence March 15 2027 2pm 1h30 Smelter list",
        DD,
        date(2027, 3, 15),
        time(14),
        90 * M,
        Repeat.NONE,
        "Smelter list",
    ),
    (
        "Metals due diligence working group Mar 15, 2027 at 2:30 pm 1 hour",
        DD,
        date(2027, 3, 15),
        time(14, 30),
        H,
        Repeat.NONE,
        None,
    ),
    ("due diligence 15th of March 2027 10am weekly", DD, date(2027, 3, 15), time(10), None, Repeat.WEEKLY, None),
    ("due diligence tomorrow 9am 45 min", DD, date(2026, 11, 24), time(9), 45 * M, Repeat.NONE, None),
    ("due diligence next monday 09:30 every 2 weeks", DD, date(2026, 11, 30), time(9, 30), None, Repeat.BIWEEKLY, None),
    (
        "due diligence on Friday at 11am until 12:30pm",
        DD,
        date(2026, 11, 27),
        time(11),
        time(12, 30),
        Repeat.NONE,
        None,
    ),
    (
        "due diligence 2027-03-15 14:00 2 hours every month",
        DD,
        date(2027, 3, 15),
        time(14),
        2 * H,
        Repeat.MONTHLY,
        None,
    ),
    (
        "metals steering group April 6 2027 1:30pm to 3pm",
        SG,
        date(2027, 4, 6),
        time(13, 30),
        time(15),
        Repeat.NONE,
        None,
    ),
    (
        "due diligence 15/3/2027 14:00 90 min fortnightly",
        DD,
        date(2027, 3, 15),
        time(14),
        90 * M,
        Repeat.BIWEEKLY,
        None,
    ),
    ("due diligence March 1 3pm", DD, date(2027, 3, 1), time(15), None, Repeat.NONE, None),
    ("due diligence Thursday 10 o'clock 1.5h", DD, date(2026, 11, 26), time(10), 90 * M, Repeat.NONE, None),
    (
        "due diligence Dec 7 2026 12pm 30m Lunch talk",
        DD,
        date(2026, 12, 7),
        time(12),
        30 * M,
        Repeat.NONE,
        "Lunch talk",
    ),
    ("due diligence Jan 11 2027 12am 1h", DD, date(2027, 1, 11), time(0), H, Repeat.NONE, None),
    (
        "due diligence 2027-02-01 16:00 2hours biweekly Review & plan",
        DD,
        date(2027, 2, 1),
        time(16),
        2 * H,
        Repeat.BIWEEKLY,
        "Review & plan",
    ),
    ("due diligence March 15 2027 14:00 &amp; more", DD, date(2027, 3, 15), time(14), None, Repeat.NONE, "& more"),
]


def test_one_line_phrasings_in_dutch_and_english(session_factory: SessionFactory) -> None:
    assert len(TABLE) >= 30
    failures = []
    with session_factory() as session:
        for text, group, day, start, length, repeat, agenda in TABLE:
            request = parse_line(session, text, TODAY)
            assert request.group is not None
            got = (request.group.name, request.day, request.start, request.duration or request.end, request.repeat)
            if got != (group, day, start, length, repeat) or request.agenda != agenda:
                failures.append((text, got, request.agenda))
    assert failures == []


def test_a_video_link_is_taken_from_the_line(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        request = parse_line(session, "due diligence March 15 2027 2pm <https://meet.example.org/dd> Updates", TODAY)
    assert request.video_url == "https://meet.example.org/dd"
    assert request.agenda == "Updates"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("leefbaar loon", "meeting.schedule_usage"),  # no date
        ("leefbaar loon 15 maart 2027", "meeting.schedule_usage"),  # no time
        ("15 maart 2027 14:00", "meeting.schedule_usage"),  # no group
        ("leefbaar loon 31 februari 2027 14:00", "meeting.no_such_day"),  # no such day: said so
        ("leefbaar loon 15 maart 2027 24:00", "meeting.no_such_hour"),
    ],
)
def test_lines_without_group_date_and_time_are_refused(session_factory: SessionFactory, text: str, key: str) -> None:
    with session_factory() as session, pytest.raises(UsageError) as caught:
        parse_line(session, text, TODAY)
    assert caught.value.key == key


def test_an_unknown_group_gets_suggestions(session_factory: SessionFactory) -> None:
    with session_factory() as session, pytest.raises(UsageError) as caught:
        parse_line(session, "werkgroep kinderarbeid 15 maart 2027 14:00", TODAY)
    assert caught.value.key == "group.unknown"


def test_times_and_lengths() -> None:
    assert parse_time("14:00") == time(14) == parse_time("14.00") == parse_time("14u") == parse_time("2pm")
    assert parse_time("14h30") == time(14, 30) == parse_time("2:30 pm") == parse_time("14u30")
    assert parse_time("12am") == time(0) and parse_time("12pm") == time(12)
    assert parse_time("25:00") is None and parse_time("13pm") is None and parse_time("maart") is None
    assert parse_duration("90m") == parse_duration("1h30") == parse_duration("1,5 uur") == parse_duration("1u30")
    assert parse_duration("2 hours") == 2 * H and parse_duration("45 minuten") == 45 * M
    assert parse_duration("0m") is None and parse_duration("30 uur") is None


def test_a_move_may_give_only_a_time() -> None:
    when = parse_when(["16:00", "2u"], TODAY, need_date=False)
    assert when is not None and when.day is None and when.start == time(16) and when.duration == 2 * H
    assert parse_when(["16:00"], TODAY) is None  # scheduling needs a date


def test_row_ids_from_forms_and_buttons_are_plain_digits_a_database_key_can_hold() -> None:
    assert row_id("42") == 42
    assert row_id("999999999999999999") == 999_999_999_999_999_999
    for forged in ("9999999999999999999", "²", "٣", "-1", "1e3", " 4", "", None):
        assert row_id(forged) is None, forged
