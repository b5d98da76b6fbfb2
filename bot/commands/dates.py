"""Dates as people type them, in Dutch or English: ``2027-03-15``, ``15-3-2027``, ``15 maart 2027``,
``March 15 2027``, ``morgen``/``tomorrow``, ``vrijdag``/``friday`` (the next one), ``over 2 weken``/``in 2 weeks``
(python-dateutil with Dutch month and day names)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from dateutil import parser as dateutil_parser

from bot.services.errors import UsageError

_MONTHS: list[Any] = [
    ("Jan", "January", "jan", "januari"),
    ("Feb", "February", "feb", "februari"),
    ("Mar", "March", "mrt", "maart", "maa"),
    ("Apr", "April", "apr", "april"),
    ("May", "May", "mei"),
    ("Jun", "June", "jun", "juni"),
    ("Jul", "July", "jul", "juli"),
    ("Aug", "August", "aug", "augustus"),
    ("Sep", "Sept", "September", "sep", "september"),
    ("Oct", "October", "okt", "oktober"),
    ("Nov", "November", "nov", "november"),
    ("Dec", "December", "dec", "december"),
]
_WEEKDAYS: list[Any] = [
    ("Mon", "Monday", "ma", "maandag"),
    ("Tue", "Tuesday", "di", "dinsdag"),
    ("Wed", "Wednesday", "wo", "woensdag"),
    ("Thu", "Thursday", "do", "donderdag"),
    ("Fri", "Friday", "vr", "vrijdag"),
    ("Sat", "Saturday", "za", "zaterdag"),
    ("Sun", "Sunday", "zo", "zondag"),
]


class BilingualParserInfo(dateutil_parser.parserinfo):
    """dateutil's English names plus the Dutch ones (day first, as both languages write it here)."""

    MONTHS = _MONTHS
    WEEKDAYS = _WEEKDAYS
    JUMP = [*dateutil_parser.parserinfo.JUMP, "om", "op", "de", "van", "uur"]  # noqa: RUF012

    def __init__(self) -> None:
        super().__init__(dayfirst=True, yearfirst=False)


PARSER_INFO = BilingualParserInfo()
_RELATIVE_WORDS = {"vandaag": 0, "today": 0, "morgen": 1, "tomorrow": 1, "overmorgen": 2}
_WEEKDAY_NUMBERS = {name.lower(): number for number, names in enumerate(_WEEKDAYS) for name in names if len(name) > 2}
_IN_PERIOD = re.compile(r"^(?:in|over|binnen)\s+(\d{1,3})\s+(days?|dagen|dag|weeks?|weken|week)$")


def _relative(cleaned: str, today: date) -> date | None:
    """``vrijdag``/``friday`` (the next one, never today) and ``over 3 dagen``/``in 2 weeks``."""
    if cleaned in _RELATIVE_WORDS:
        return today + timedelta(days=_RELATIVE_WORDS[cleaned])
    if cleaned in _WEEKDAY_NUMBERS:
        return today + timedelta(days=(_WEEKDAY_NUMBERS[cleaned] - today.weekday() - 1) % 7 + 1)
    match = _IN_PERIOD.match(cleaned)
    if match:
        count = int(match.group(1))
        return today + timedelta(days=count * 7 if match.group(2).startswith("w") else count)
    return None


def looks_like_date(text: str) -> bool:
    """True when ``text`` parses as a date (used to split 'company covenant date' arguments)."""
    try:
        parse_date(text, date(2000, 1, 1))
    except UsageError:
        return False
    return True


def parse_date(text: str, today: date, future: bool = False) -> date:
    """The date meant by ``text``; UsageError ``date.invalid`` (with the text) when it is not one.

    With ``future`` a date typed without a year that has passed this year means next year (a due date
    of "15 januari" typed in December).
    """
    cleaned = " ".join(text.strip().lower().rstrip(".").split())
    relative = _relative(cleaned, today)
    if relative is not None:
        return relative
    # A bare number ("12") is too easily part of a name: a date needs a month or a separator.
    if not cleaned or not any(ch.isdigit() for ch in cleaned) or cleaned.isdigit():
        raise UsageError("date.invalid", text=text)
    default = datetime(today.year, today.month, today.day)
    try:
        parsed = dateutil_parser.parse(cleaned, parserinfo=PARSER_INFO, default=default)
    except (ValueError, OverflowError) as exc:
        raise UsageError("date.invalid", text=text) from exc
    if not 1900 < parsed.year < 2200:
        raise UsageError("date.invalid", text=text)
    if future and parsed.date() < today and not re.search(r"\d{4}", cleaned):
        try:
            return parsed.date().replace(year=today.year + 1)
        except ValueError:  # 29 February
            return parsed.date()
    return parsed.date()
