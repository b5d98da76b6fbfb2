"""Splitting what a user typed into a subcommand and its arguments."""

from __future__ import annotations

import html
import re
import shlex
from dataclasses import dataclass


@dataclass(frozen=True)
class CommandText:
    """``/covenant status textiel`` -> sub ``status``, args ``["textiel"]``, rest ``"textiel"``."""

    sub: str
    args: list[str]
    rest: str


_SPACES = re.compile(r"\s+")


def split_command(text: str) -> CommandText:
    """Split into a lower-cased subcommand and the remaining words (quotes group words; stray quotes are
    taken literally rather than refused)."""
    cleaned = _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()
    if not cleaned:
        return CommandText("", [], "")
    sub, _, rest = cleaned.partition(" ")
    try:
        args = shlex.split(rest)
    except ValueError:
        args = rest.split()
    return CommandText(sub.lower(), args, rest.strip())


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
