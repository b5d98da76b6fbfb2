"""A family of messages the sweep sends: which rules it owns, how they are planned, built, and followed up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.models import ReminderDelivery
from bot.render.blocks import Reply
from bot.render.mail import Attachment
from bot.services.fingerprints import PlannerMemory

DEADLINE_RULE_PREFIXES = ("before-", "due", "overdue-", "snoozed-")

# The message of a delivery as things stand now, in ``lang``; None when it is no longer owed.
MessageBuilder = Callable[[Session, ReminderDelivery, datetime, str], Reply | None]
# Insert the deliveries that became owed; returns how many rows were added.
Planner = Callable[[Session, datetime, PlannerMemory], int]
# What follows a delivery that went out (or was found sent, or dropped as no longer owed).
AfterSend = Callable[[Session, ReminderDelivery, datetime], None]
# Files an email of this delivery carries (a meeting's invitation), given the organiser's and recipient's addresses.
Attachments = Callable[[Session, ReminderDelivery, datetime, str, str], list[Attachment]]


def kind(rule: str) -> str:
    """The kind of a delivery's rule: ``before-7`` / ``due`` / ``overdue-2`` / ``snoozed-…`` are all ``deadline``,
    ``meeting-soon`` is ``meeting``."""
    if rule.startswith(DEADLINE_RULE_PREFIXES):
        return "deadline"
    return rule.split("-", 1)[0].split(":", 1)[0]


@dataclass(frozen=True)
class Family:
    """One family of messages: the rule kinds it owns (see :func:`kind`) and what the sweep does with them."""

    name: str
    kinds: tuple[str, ...]
    build: MessageBuilder
    plan: Planner | None = None
    after_send: AfterSend | None = None
    attachments: Attachments | None = None
