"""A slash command that writes is carried out once, however often the same request arrives.

Slack never sends a slash command twice, but a retrying proxy or a double submit does, with the same body and so
the same ``trigger_id`` (unique to each invocation). Every write subcommand records its request key in the
transaction that writes (``events.claim``); a replay finds the key and is told the command was already carried
out, and writes nothing: no second meeting, no second notice. Read-only subcommands are simply answered again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from bot.services import events
from bot.services.errors import UsageError

from . import account, admin, meeting, minutes
from .parsing import split_command

T = TypeVar("T")

_PLAN_WRITES = {"due", "deadline", "submitted", "ingediend", "assessed", "beoordeeld", "channel", "kanaal"}


def _covenant_writes(sub: str, rest: str) -> bool:
    if sub in admin.SUBCOMMANDS:
        return True
    return account.SUBCOMMANDS.get(sub) is account.SUBCOMMANDS["lang"] and bool(rest)


_WRITES: dict[str, Callable[[str, str], bool]] = {
    "/covenant": _covenant_writes,
    "/plan": lambda sub, _rest: sub in _PLAN_WRITES,
    "/meeting": meeting.writes,
    "/minutes": lambda sub, _rest: sub in minutes.ADD_WORDS,  # takes the minutes and may open a draft
}


def writes(command: str, text: str) -> bool:
    """True when ``command text`` may change something (so a replay of it must not)."""
    decide = _WRITES.get(command)
    if decide is None:
        return False
    parsed = split_command(text)
    return decide(parsed.sub, parsed.rest)


def request_key(command: Mapping[str, Any]) -> str:
    """The key of one invocation: its trigger_id (Slack's, unique per invocation) with the command and user;
    without a trigger_id, the whole body."""
    trigger = command.get("trigger_id")
    if trigger:
        identity = json.dumps([command.get("command"), command.get("user_id"), trigger])
    else:
        identity = json.dumps(dict(command), sort_keys=True, default=str)
    return "cmd:" + hashlib.sha256(identity.encode()).hexdigest()[:56]


def once(session: Session, command: Mapping[str, Any], now: datetime, produce: Callable[[], T]) -> T:
    """Run ``produce`` for a slash command; a write command's replay raises UsageError ``replay.already``."""
    writing = writes(str(command.get("command", "")), str(command.get("text", "")))
    if writing and not events.claim(session, request_key(command), now):
        raise UsageError("replay.already")
    return produce()
