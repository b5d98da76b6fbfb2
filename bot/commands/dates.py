"""Dates as people type them, in Dutch or English: ``2027-03-15``, ``15-3-2027``, ``15 maart 2027``,
``March 15 2027``, ``morgen``/``tomorrow`` (python-dateutil with Dutch month and day names)."""

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
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_RELATIVE_WORDS = {"vandaag": 0, "today": 0, "morgen": 1, "tomorrow": 1, "overmorgen": 2}


def looks_like_date(text: str) -> bool:
    """True when ``text`` parses as a date (used to split 'company covenant date' arguments)."""
    try:
        parse_date(text, date(2000, 1, 1))
    except UsageError:
        return False
    return True


def parse_date(text: str, today: date) -> date:
    """The date meant by ``text``; UsageError ``date.invalid`` (with the text) when it is not one."""
    cleaned = text.strip().lower().rstrip(".")
    if cleaned in _RELATIVE_WORDS:
        return today + timedelta(days=_RELATIVE_WORDS[cleaned])
    # A bare number ("12") is too easily part of a name: a date needs a month or a separator.
    if not cleaned or not any(ch.isdigit() for ch in cleaned) or cleaned.isdigit():
        raise UsageError("date.invalid", text=text)
    iso = _ISO.match(cleaned)
    if iso:
        # Year first is never day first: dateutil's dayfirst would read 2027-03-05 as 3 May.
        try:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError as exc:
            raise UsageError("date.invalid", text=text) from exc
    default = datetime(today.year, today.month, today.day)
    try:
        parsed = dateutil_parser.parse(cleaned, parserinfo=PARSER_INFO, default=default)
    except (ValueError, OverflowError) as exc:
        raise UsageError("date.invalid", text=text) from exc
    if not 1900 < parsed.year < 2200:
        raise UsageError("date.invalid", text=text)
    return parsed.date()
