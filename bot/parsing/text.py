"""Splitting what a user typed into a subcommand and its arguments, and reading the values in them."""

from __future__ import annotations

import html
import re
import shlex
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import TypeVar

from rapidfuzz import utils

from bot.db.enums import CovenantPhase, OrganisationKind, RoleKind
from bot.i18n import t
from bot.services.errors import UsageError


@dataclass(frozen=True)
class CommandText:
    """``/covenant status textiel`` -> sub ``status``, args ``["textiel"]``, rest ``"textiel"``."""

    sub: str
    args: list[str]
    rest: str


_SPACES = re.compile(r"\s+")
# Slack escapes user mentions as <@U123|name> (or <@U123>); someone may also paste a bare user id.
USER_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,})(?:\|([^>]*))?>")
_BARE_USER_ID = re.compile(r"^[UW][A-Z0-9]{8,}$")


def words_of(text: str) -> list[str]:
    """Words, with quotes grouping words; a stray quote is taken literally rather than refused."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def split_command(text: str) -> CommandText:
    """Split into a lower-cased subcommand and the remaining words (Slack's &amp; &lt; &gt; unescaped)."""
    cleaned = _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()
    if not cleaned:
        return CommandText("", [], "")
    sub, _, rest = cleaned.partition(" ")
    args = [html.unescape(word) for word in words_of(rest)]
    return CommandText(sub.lower(), args, html.unescape(rest.strip()))


def take_user(rest: str) -> tuple[str, str | None, str]:
    """The first user named in ``rest`` (``<@U123|name>``, ``<@U123>`` or a bare id) and the text without it.

    Returns (user id, the name Slack sent or None, remaining text); UsageError ``admin.link.no_user`` if none.
    """
    match = USER_MENTION.search(rest)
    if match:
        remaining = " ".join((rest[: match.start()] + " " + rest[match.end() :]).split())
        return match.group(1), (match.group(2) or None), remaining
    first, _, remaining = rest.strip().partition(" ")
    if _BARE_USER_ID.match(first):
        return first, None, remaining.strip()
    raise UsageError("admin.link.no_user")


_DATE_FORMATS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})$"),
)
_DAY_WORDS = {"today": 0, "vandaag": 0, "yesterday": -1, "gisteren": -1}


def parse_date(word: str, today: date) -> date | None:
    """A date typed as 2026-11-23, 23-11-2026, 23/11/2026, today/vandaag or yesterday/gisteren; else None.

    A word shaped like a date that is no real date (2026-02-30) raises UsageError ``admin.bad_date``.
    """
    lowered = word.strip().lower()
    if lowered in _DAY_WORDS:
        return today + timedelta(days=_DAY_WORDS[lowered])
    for pattern in _DATE_FORMATS:
        match = pattern.match(lowered)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                raise UsageError("admin.bad_date", date=word) from None
    return None


ROLE_WORDS: dict[str, RoleKind] = {
    **{kind.value: kind for kind in RoleKind},
    "secretariaat": RoleKind.SECRETARIAT,
    "steering": RoleKind.STEERING_GROUP,
    "stuurgroep": RoleKind.STEERING_GROUP,
    "chair": RoleKind.WORKING_GROUP_CHAIR,
    "voorzitter": RoleKind.WORKING_GROUP_CHAIR,
    "contact": RoleKind.COMPANY_CONTACT,
    "contactpersoon": RoleKind.COMPANY_CONTACT,
    "lid": RoleKind.MEMBER,
}

KIND_WORDS: dict[str, OrganisationKind] = {
    **{kind.value: kind for kind in OrganisationKind},
    "bedrijf": OrganisationKind.COMPANY,
    "association": OrganisationKind.TRADE_ASSOCIATION,
    "brancheorganisatie": OrganisationKind.TRADE_ASSOCIATION,
    "branchevereniging": OrganisationKind.TRADE_ASSOCIATION,
    "vakbond": OrganisationKind.UNION,
    "overheid": OrganisationKind.GOVERNMENT,
    "ministerie": OrganisationKind.GOVERNMENT,
    "secretariaat": OrganisationKind.SECRETARIAT,
    "overig": OrganisationKind.OTHER,
    "anders": OrganisationKind.OTHER,
}

A = TypeVar("A")
B = TypeVar("B")


def split_two(
    words: list[str], first: Callable[[str], A], second: Callable[[str], B], most_second_words: int = 6
) -> tuple[A, B]:
    """Read ``words`` as a first name followed by a second ("Windkracht Energie BV hernieuwbare energie"):
    the second name takes the fewest trailing words for which both names are known.

    Raises the UsageError of the most likely culprit when no split works.
    """
    second_error: UsageError | None = None
    first_error: UsageError | None = None
    for size in range(1, min(len(words) - 1, most_second_words) + 1):
        try:
            second_value = second(" ".join(words[-size:]))
        except UsageError as error:
            second_error = second_error or error
            continue
        try:
            return first(" ".join(words[:-size])), second_value
        except UsageError as error:
            first_error = first_error or error
    culprit = first_error or second_error
    assert culprit is not None, "split_two needs at least two words"
    raise culprit


_PHASE_WORDS = {
    "verkennend": CovenantPhase.EXPLORING,
    "verkenning": CovenantPhase.EXPLORING,
    "onderhandeling": CovenantPhase.NEGOTIATING,
    "ondertekend": CovenantPhase.SIGNED,
    "uitvoering": CovenantPhase.IMPLEMENTING,
    "lopend": CovenantPhase.IMPLEMENTING,
    "lopende": CovenantPhase.IMPLEMENTING,
    "running": CovenantPhase.IMPLEMENTING,
    "evaluatie": CovenantPhase.EVALUATING,
    "beeindigd": CovenantPhase.ENDED,
    "beëindigd": CovenantPhase.ENDED,
    "afgelopen": CovenantPhase.ENDED,
}


def parse_phase(word: str, lang: str) -> CovenantPhase:
    """A phase from its English value or a Dutch word; UsageError ``covenant.unknown_phase`` otherwise."""
    lowered = word.lower().strip()
    for phase in CovenantPhase:
        if lowered == phase.value:
            return phase
    if lowered in _PHASE_WORDS:
        return _PHASE_WORDS[lowered]
    raise UsageError("covenant.unknown_phase", phase=word, phases=phase_names(lang))


_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>")
_SLACK_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_SLACK_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")


def slack_plain(text: str) -> str:
    """Text as a person meant it, from Slack's escaped form: ``<https://x|x>`` -> ``https://x``,
    ``<@U1|sanne>`` -> ``@sanne``, ``&amp;`` -> ``&`` (for storing agendas, reasons and places)."""
    text = _SLACK_LINK.sub(lambda m: m.group(1), text)
    text = _SLACK_USER.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    text = _SLACK_CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    return html.unescape(text)


def mentioned_users(words: list[str]) -> tuple[list[tuple[str, str | None]], list[str]]:
    """The users mentioned (``<@U1|name>`` as Slack escapes them, or ``@U1``) and the other words."""
    users: list[tuple[str, str | None]] = []
    others: list[str] = []
    for word in words:
        match = _SLACK_USER.fullmatch(word) or re.fullmatch(r"@([UW][A-Z0-9]{6,})", word)
        if match:
            users.append((match.group(1), match.group(2) if match.re is _SLACK_USER else None))
        else:
            others.append(word)
    return users, others


def phase_names(lang: str) -> str:
    """All phases in the user's language, for help and error messages."""
    return ", ".join(f"`{phase.value}` ({t(lang, f'phase.{phase.value}')})" for phase in CovenantPhase)


# Pure, and asked again for the same covenant names in every request: remembered.
@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Lower case, accents removed, punctuation to spaces: 'Hernieuwbare-Energie' -> 'hernieuwbare energie'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return str(utils.default_process(plain))
