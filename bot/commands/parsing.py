"""Splitting what a user typed into a subcommand and its arguments."""

from __future__ import annotations

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
