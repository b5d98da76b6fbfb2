"""The one helper for showing times: a Slack date token, with a fallback in the covenant's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

_BABEL_LOCALE = {"nl": "nl_NL", "en": "en_GB"}


def _fallback_date(day: date, lang: str) -> str:
    return str(format_date(day, format="long", locale=_BABEL_LOCALE.get(lang, "en_GB")))


def date_token(day: date, tz: str, lang: str) -> str:
    """A calendar date as ``<!date^...^{date_long}|fallback>`` (pinned to noon in ``tz`` so no reader sees
    the day before or after)."""
    moment = datetime.combine(day, time(12, 0), tzinfo=ZoneInfo(tz))
    return f"<!date^{int(moment.timestamp())}^{{date_long}}|{_fallback_date(day, lang)}>"


def datetime_token(moment: datetime, tz: str, lang: str) -> str:
    """A moment as ``<!date^EPOCH^{date_short_pretty} {time}|fallback>``; fallback in ``tz``."""
    if moment.tzinfo is None:
        raise ValueError("datetime_token needs an aware datetime")
    local = moment.astimezone(ZoneInfo(tz))
    fallback = format_datetime(local, format="d MMM y HH:mm", locale=_BABEL_LOCALE.get(lang, "en_GB"))
    zone = local.tzname() or tz
    return f"<!date^{int(moment.astimezone(UTC).timestamp())}^{{date_short_pretty}} {{time}}|{fallback} {zone}>"


def plain_date(day: date, lang: str) -> str:
    """A date as plain text (for CSV, the console and fallbacks)."""
    return _fallback_date(day, lang)


def time_token(moment: datetime, tz: str, lang: str) -> str:
    """A clock time as ``<!date^EPOCH^{time}|HH:mm>`` (the end of a meeting next to its start)."""
    if moment.tzinfo is None:
        raise ValueError("time_token needs an aware datetime")
    local = moment.astimezone(ZoneInfo(tz))
    return f"<!date^{int(moment.astimezone(UTC).timestamp())}^{{time}}|{local:%H:%M}>"


def plain_datetime(moment: datetime, tz: str, lang: str) -> str:
    """A moment as plain text in zone ``tz`` (files, select options and other places without date tokens)."""
    local = moment.astimezone(ZoneInfo(tz))
    text = format_datetime(local, format="d MMM y HH:mm", locale=_BABEL_LOCALE.get(lang, "en_GB"))
    return f"{text} {local.tzname() or tz}"


# Slack's date token formats, written out as an email shows them (Slack shows each reader their own zone; an
# email shows the recipient's): CLDR formats of the recipient's language.
_TOKEN_FORMATS = {
    "{date_num}": "yyyy-MM-dd",
    "{date}": "long",
    "{date_pretty}": "long",
    "{date_short}": "medium",
    "{date_short_pretty}": "medium",
    "{date_long}": "full",
    "{date_long_pretty}": "full",
    "{time}": "HH:mm",
    "{time_secs}": "HH:mm:ss",
}


def token_text(epoch: int, token_format: str, tz: str, lang: str) -> str:
    """What a Slack date token (``<!date^EPOCH^FORMAT|…>``) shows, written out in zone ``tz`` and ``lang``;
    a time is followed by the zone's abbreviation (CET, CEST…)."""
    local = datetime.fromtimestamp(epoch, UTC).astimezone(ZoneInfo(tz))
    locale = _BABEL_LOCALE.get(lang, "en_GB")
    text = token_format
    for name, pattern in _TOKEN_FORMATS.items():
        if name not in text:
            continue
        if name.startswith("{time"):
            value = format_datetime(local, format=pattern, locale=locale)
        else:
            value = str(format_date(local.date(), format=pattern, locale=locale))
        text = text.replace(name, value)
    if "{time" in token_format:
        text = f"{text} {local.tzname() or tz}"
    return text
