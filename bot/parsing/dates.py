"""Dates, times and lengths as people type them, in Dutch or English: ``2027-03-15``, ``15-3-2027``,
``15 maart 2027``, ``March 15 2027``, ``morgen``/``tomorrow``, ``vrijdag``/``friday`` (the next one),
``over 2 weken``/``in 2 weeks``, ``14:00``/``14u``/``2pm``, ``90m``/``1h30``/``1,5 uur``
(python-dateutil with Dutch month and day names)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from babel.dates import get_month_names
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
_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
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
    if iso := _ISO_DATE.match(cleaned):
        # Year first is always year-month-day (day-first parsing would read 2027-02-01 as 2 January).
        try:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError as exc:
            raise UsageError("date.invalid", text=text) from exc
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


# -- times, durations and "when" on one line ------------------------------------------------------------

_TIME_PATTERNS = (
    re.compile(r"^(?P<h>\d{1,2})[:.h](?P<m>\d{2})(u|uur|h)?$"),  # 14:00 14.00 14h30 14:00u
    re.compile(r"^(?P<h>\d{1,2})u(?P<m>\d{2})$"),  # 14u30
    re.compile(r"^(?P<h>\d{1,2})(?::(?P<m>\d{2}))?(?P<ampm>am|pm|a\.m\.|p\.m\.)$"),  # 2pm 2:30pm
    re.compile(r"^(?P<h>\d{1,2})(u|uur|h|hr|o'clock)$"),  # 14u 14uur 14h
)
_MINUTES = re.compile(r"^(?P<n>\d+)(m|min|mins|minuut|minuten|minute|minutes)$")
_HOURS = re.compile(r"^(?P<n>\d+(?:[.,]\d+)?)(h|u|uur|uren|hr|hrs|hour|hours)$")
_HOURS_MINUTES = re.compile(r"^(?P<h>\d+)(h|u|uur)(?P<m>\d{1,2})(m|min)?$")  # 1h30 1u30
# Words that join a number to its unit: "2 pm", "14 uur", "90 min".
_UNITS = {"am", "pm", "a.m.", "p.m.", "u", "uur", "uren", "h", "hr", "hrs", "hour", "hours", "m", "min", "mins"}
_UNITS |= {"minuut", "minuten", "minute", "minutes", "o'clock"}
_FILLERS = {"op", "on", "de", "the", "om", "at", "van", "from", "vanaf", "@", "het"}
_UNTIL_WORDS = {"-", "tot", "to", "until", "till", "t/m", "tm"}
_BARE_NUMBER = re.compile(r"^\d{1,2}(st|nd|rd|th|e|ste|de)?,?$")
_YEAR = re.compile(r"^\d{4},?$")
_NUMERIC_DATE = re.compile(r"^\d+[-/.]\d+")
_MONTH_WORDS = {name.lower() for names in _MONTHS for name in names} | {"mrt.", "sept"}
_WEEKDAY_WORDS = {name.lower(): index for index, names in enumerate(_WEEKDAYS) for name in names}
_NEXT_WORDS = {"volgende", "next", "komende", "aanstaande"}
MAX_MEETING_LENGTH = timedelta(hours=24)


def parse_time(text: str) -> time | None:
    """A clock time as typed: ``14:00``, ``14.00``, ``14u``, ``14 uur``, ``14h30``, ``2pm``, ``2:30 pm``."""
    cleaned = text.strip().lower().replace(" ", "")
    for pattern in _TIME_PATTERNS:
        match = pattern.match(cleaned)
        if not match:
            continue
        hour, minute = int(match.group("h")), int(match.groupdict().get("m") or 0)
        ampm = (match.groupdict().get("ampm") or "").replace(".", "")
        if ampm:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if ampm == "pm" else 0)
        if hour < 24 and minute < 60:
            return time(hour, minute)
        return None
    return None


def parse_duration(text: str) -> timedelta | None:
    """A length as typed: ``90m``, ``90 min``, ``1h30``, ``1u30``, ``1,5 uur``, ``2 hours``."""
    cleaned = text.strip().lower().replace(" ", "")
    found: timedelta | None = None
    if match := _MINUTES.match(cleaned):
        found = timedelta(minutes=int(match.group("n")))
    elif match := _HOURS_MINUTES.match(cleaned):
        found = timedelta(hours=int(match.group("h")), minutes=int(match.group("m")))
    elif match := _HOURS.match(cleaned):
        found = timedelta(hours=float(match.group("n").replace(",", ".")))
    if found is None or not timedelta(0) < found <= MAX_MEETING_LENGTH:
        return None
    return found


@dataclass(frozen=True)
class When:
    """A date (None when only a time was given), a start time, and an end time or a length."""

    day: date | None
    start: time
    end: time | None
    duration: timedelta | None
    used: int  # how many of the words it took


def _tokens(words: list[str]) -> list[str]:
    """Words with "–" as "-", "14:00-15:30" split, and a number joined to its unit ("2 pm" -> "2pm")."""
    tokens: list[str] = []
    for word in words:
        word = word.replace("–", "-").replace("—", "-")
        left, dash, right = word.partition("-")
        if dash and parse_time(left) and parse_time(right):
            tokens += [left, "-", right]
        else:
            tokens.append(word)
    joined: list[str] = []
    for token in tokens:
        if joined and token.lower() in _UNITS and re.match(r"^\d+([.,:]\d+)?$", joined[-1]):
            joined[-1] += token
        else:
            joined.append(token)
    return joined


def _weekday(tokens: list[str], today: date) -> tuple[date, int] | None:
    """``maandag`` / ``next monday`` / ``volgende dinsdag``: the coming such day (``next``: not today)."""
    strict = bool(tokens) and tokens[0].lower() in _NEXT_WORDS
    index = 1 if strict else 0
    if index >= len(tokens) or tokens[index].lower().rstrip(",") not in _WEEKDAY_WORDS:
        return None
    if index + 1 < len(tokens) and (_BARE_NUMBER.match(tokens[index + 1]) or "-" in tokens[index + 1]):
        return None  # "maandag 15 maart": a weekday in front of a date
    wanted = _WEEKDAY_WORDS[tokens[index].lower().rstrip(",")]
    ahead = (wanted - today.weekday()) % 7 or (7 if strict else 0)
    return today + timedelta(days=ahead), index + 1


def _date_word(lowered: str) -> bool:
    """A word that can be part of a date: a month or day name, ``15-3-2027``, ``vandaag``..."""
    if lowered in _MONTH_WORDS or lowered in _WEEKDAY_WORDS or lowered in _RELATIVE_WORDS or lowered in ("of", "van"):
        return True
    return bool(re.match(r"^\d[\d/.-]*$", lowered))


def _date_run(tokens: list[str]) -> int:
    """How many leading tokens could be part of a date (a day number at most once, a year at most once)."""
    numbers = 0
    for index, token in enumerate(tokens[:5]):
        lowered = token.lower().rstrip(",")
        if parse_time(token) is not None and not _BARE_NUMBER.match(token):
            return index
        if _YEAR.match(token):
            return index + 1  # a year ends a date
        if _BARE_NUMBER.match(token):
            numbers += 1
            if numbers > 1:
                return index
        elif not _date_word(lowered):
            return index
    return min(len(tokens), 5)


def _date_at(tokens: list[str], today: date) -> tuple[date, int] | None:
    weekday = _weekday(tokens, today)
    if weekday is not None:
        return weekday
    # "dinsdag 12-1-2027": the weekday must be the date's own (dateutil would drop the word silently).
    named = _WEEKDAY_WORDS.get(tokens[0].lower().rstrip(",")) if tokens else None
    for size in range(_date_run(tokens), 0, -1):
        if named is not None:
            found = _date_at(tokens[1:size], today) if size > 1 else None
            if found is not None and found[1] == size - 1 and found[0].weekday() == named:
                return found[0], size
            continue
        text = " ".join(tokens[:size])
        if not any(_BARE_NUMBER.match(t) or _NUMERIC_DATE.match(t) for t in tokens[:size]) and (
            text.lower() not in _RELATIVE_WORDS
        ):
            continue  # "februari 2027" names no day (dateutil would take today's)
        try:
            day = parse_date(text, today)
        except UsageError:
            continue
        year = next((t.rstrip(",") for t in tokens[:size] if _YEAR.match(t)), None)
        if year is not None and day.year != int(year):
            continue
        if year is None and day < today and text.lower() not in _RELATIVE_WORDS and re.search(r"[a-z]", text.lower()):
            day = day.replace(year=day.year + 1)  # "15 maart" said in November: next March
        return day, size
    return None


def _skip(tokens: list[str], index: int, words: set[str]) -> int:
    while index < len(tokens) and tokens[index].lower() in words:
        index += 1
    return index


def parse_when(words: list[str], today: date, need_date: bool = True) -> When | None:
    """A date and time at the start of ``words`` (Dutch or English), with an optional end or length:
    ``15 maart 2027 14:00 90m``, ``March 15 2027 2pm 1h30``, ``morgen 10u tot 11.30``. None when there is none.
    """
    tokens = _tokens(words)
    index = _skip(tokens, 0, _FILLERS)
    found = _date_at(tokens[index:], today)
    day: date | None = None
    if found is not None:
        day, size = found
        index = _skip(tokens, index + size, _FILLERS)
    elif need_date:
        return None
    if index >= len(tokens) or (start := parse_time(tokens[index])) is None:
        return None
    index += 1
    end: time | None = None
    duration: timedelta | None = None
    if index < len(tokens) and tokens[index].lower() in _UNTIL_WORDS and index + 1 < len(tokens):
        end = parse_time(tokens[index + 1])
        if end is None:
            return None
        index += 2
    elif index < len(tokens) and (duration := parse_duration(tokens[index])) is not None:
        index += 1
    return When(day, start, end, duration, _used(words, tokens, index))


def _used(words: list[str], tokens: list[str], index: int) -> int:
    """How many of the original words the first ``index`` tokens cover."""
    consumed = "".join(tokens[:index]).replace("–", "-").replace("—", "-")
    taken, length = 0, 0
    for word in words:
        if length >= len(consumed):
            break
        length += len(word.replace("–", "-").replace("—", "-"))
        taken += 1
    return taken


# -- saying which part of a date or time is impossible ----------------------------------------------------

_DAY_FIRST_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_CLOCK = re.compile(r"^(\d{1,2})[:.h](\d{2})(u|uur|h)?$")
_HOUR_ONLY = re.compile(r"^(\d{1,2})(u|uur|h)$")
_MONTH_NUMBERS = {name.lower(): number for number, names in enumerate(_MONTHS, start=1) for name in names}


class MonthName:
    """A month named in the reader's language: a catalog writes ``{month:nl}`` or ``{month:en}``."""

    def __init__(self, number: int) -> None:
        self.number = number

    def __format__(self, spec: str) -> str:
        return str(get_month_names("wide", locale="nl" if spec == "nl" else "en")[self.number])


def _impossible_date(day: int, month: int, year: int) -> UsageError | None:
    if not 1 <= month <= 12:
        return UsageError("meeting.no_such_month", month=month)
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return UsageError("meeting.no_such_day", day=day, month=MonthName(month), year=year, days=days)
    return None


def _date_parts(tokens: list[str], index: int) -> tuple[int, int, int] | None:
    """Day, month and year of a date written at ``tokens[index]`` (``31-2-2027``, ``2027-02-31``,
    ``31 februari 2027``, ``February 31 2027``), taken as numbers without checking them."""
    token = tokens[index].lower().rstrip(",")
    if iso := _ISO_DATE.match(token):
        return int(iso.group(3)), int(iso.group(2)), int(iso.group(1))
    if numeric := _DAY_FIRST_DATE.match(token):
        return int(numeric.group(1)), int(numeric.group(2)), int(numeric.group(3))
    following = [t.lower().rstrip(",.") for t in tokens[index + 1 : index + 3]]
    if len(following) < 2 or not _YEAR.match(following[1]):
        return None
    number = re.match(r"^(\d{1,2})", token if _BARE_NUMBER.match(token) else following[0])
    if number is None:
        return None
    if _BARE_NUMBER.match(token) and following[0] in _MONTH_NUMBERS:
        return int(number.group(1)), _MONTH_NUMBERS[following[0]], int(following[1])
    if token.rstrip(".") in _MONTH_NUMBERS and _BARE_NUMBER.match(following[0]):
        return int(number.group(1)), _MONTH_NUMBERS[token.rstrip(".")], int(following[1])
    return None


def impossible_when(words: list[str]) -> UsageError | None:
    """The first date or time in ``words`` that has the form of one but names none (31 February, month 13,
    25:00, 10:75), as an error that says which part is wrong; None when there is none."""
    tokens = _tokens(words)
    for index, token in enumerate(tokens):
        parts = _date_parts(tokens, index)
        if parts is not None and (error := _impossible_date(*parts)) is not None:
            return error
        clock = _CLOCK.match(token.lower()) or _HOUR_ONLY.match(token.lower())
        if clock is None:
            continue
        hour, minute = int(clock.group(1)), int(clock.group(2)) if clock.group(2).isdigit() else 0
        if hour > 23:
            return UsageError("meeting.no_such_hour", text=token)
        if minute > 59:
            return UsageError("meeting.no_such_minute", text=token)
    return None
