"""The retention policy (config/retention.yml): which records go after how long, applied daily.

Each rule names one kind of record, with the query that finds those older than its period; the periods are
data. A dry run counts and lists what would go without changing anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.db.enums import DeliveryStatus, MinutesStatus
from bot.db.models import (
    AckedWork,
    AuditEntry,
    Minutes,
    MinutesContribution,
    ProcessedEvent,
    ReminderDelivery,
    SlackProfile,
)
from bot.services import acked_work, locking
from bot.services.minutes import minutes_search
from config import CONFIG_DIR, read_yaml

POLICY_FILE = CONFIG_DIR / "retention.yml"
UNITS = ("days", "months", "years")
LISTED = 20


class RetentionPolicyError(ValueError):
    """config/retention.yml names a rule the bot does not know, or a period it cannot read."""


@dataclass(frozen=True)
class Rule:
    """One kind of record and how long it is kept."""

    name: str
    period: relativedelta
    described: str

    def cutoff(self, now: datetime) -> datetime:
        return now - self.period


@dataclass(frozen=True)
class Outcome:
    """What one rule removed (or, in a dry run, would remove): how many, and the first ids."""

    rule: str
    cutoff: datetime
    count: int
    ids: tuple[object, ...]


def _contributions(cutoff: datetime) -> tuple[Any, ColumnElement[bool]]:
    approved_before = select(Minutes.id).where(Minutes.status == MinutesStatus.APPROVED, Minutes.approved_at < cutoff)
    return MinutesContribution.id, MinutesContribution.minutes_id.in_(approved_before)


def _deliveries(cutoff: datetime) -> tuple[Any, ColumnElement[bool]]:
    done = (DeliveryStatus.SENT, DeliveryStatus.SKIPPED, DeliveryStatus.FAILED)
    return ReminderDelivery.id, ReminderDelivery.status.in_(done) & (ReminderDelivery.planned_for < cutoff)


def _audit(cutoff: datetime) -> tuple[Any, ColumnElement[bool]]:
    return AuditEntry.id, AuditEntry.at < cutoff


def _profiles(cutoff: datetime) -> tuple[Any, ColumnElement[bool]]:
    return SlackProfile.slack_user_id, SlackProfile.fetched_at < cutoff


def _events(cutoff: datetime) -> tuple[Any, ColumnElement[bool]]:
    return ProcessedEvent.event_id, ProcessedEvent.received_at < cutoff


def _acked(cutoff: datetime) -> tuple[Any, ColumnElement[bool]]:
    finished = AckedWork.status.in_((acked_work.DONE, acked_work.FAILED))
    return AckedWork.id, finished & (AckedWork.received_at < cutoff)


FINDERS: dict[str, Callable[[datetime], tuple[InstrumentedAttribute[Any], ColumnElement[bool]]]] = {
    "minutes_contributions": _contributions,
    "deliveries": _deliveries,
    "audit": _audit,
    "slack_profiles": _profiles,
    "processed_events": _events,
    "acked_work": _acked,
}


def load_policy(path: Path = POLICY_FILE) -> list[Rule]:
    """The rules of the policy file, in the file's order; RetentionPolicyError for what cannot be applied."""
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise RetentionPolicyError(f"{path.name}: expected a mapping of rules")
    rules = []
    for name, body in data.items():
        if name not in FINDERS:
            raise RetentionPolicyError(f"{path.name}: unknown rule {name!r} (known: {', '.join(FINDERS)})")
        if not isinstance(body, dict):
            raise RetentionPolicyError(f"{path.name}: rule {name!r} needs a period (days, months or years)")
        periods = {unit: body[unit] for unit in UNITS if unit in body}
        if len(periods) != 1 or not all(isinstance(v, int) and v > 0 for v in periods.values()):
            raise RetentionPolicyError(f"{path.name}: rule {name!r} needs one positive period in days, months or years")
        rules.append(Rule(str(name), relativedelta(**periods), _describe(periods, str(body.get("from", "")))))
    return rules


def _describe(periods: dict[str, int], start: str) -> str:
    [(unit, amount)] = periods.items()
    return f"{amount} {unit}" + (f", counted from {start}" if start else "")


def apply(session: Session, rules: list[Rule], now: datetime, dry_run: bool = False) -> list[Outcome]:
    """Delete what each rule says has been kept long enough (nothing in a dry run) and commit; what went."""
    # Many schedulers may run the nightly job: they take turns, and the second finds nothing left.
    if not dry_run:
        locking.serialise(session, "privacy-retention")
    outcomes = []
    for rule in rules:
        cutoff = rule.cutoff(now)
        key, old = FINDERS[rule.name](cutoff)
        count = int(session.scalar(select(func.count()).select_from(key.class_).where(old)) or 0)
        ids = tuple(session.scalars(select(key).where(old).order_by(key).limit(LISTED)))
        if count and not dry_run:
            touched = set()
            if rule.name == "minutes_contributions":
                touched = set(session.scalars(select(MinutesContribution.minutes_id).where(old).distinct()))
            session.execute(delete(key.class_).where(old).execution_options(synchronize_session=False))
            for minutes_id in touched:
                minutes = session.get(Minutes, minutes_id)
                if minutes is not None:
                    session.refresh(minutes)
                    minutes_search.refresh(session, minutes)
        outcomes.append(Outcome(rule.name, cutoff, count, ids))
    if dry_run:
        session.rollback()
    else:
        session.commit()
    return outcomes


def report(rules: list[Rule], outcomes: list[Outcome], dry_run: bool) -> list[str]:
    """Lines for the operator: each rule, its period, and what went (or would go)."""
    verb = "would remove" if dry_run else "removed"
    lines = []
    for rule, outcome in zip(rules, outcomes, strict=True):
        listed = ", ".join(str(i) for i in outcome.ids)
        more = " …" if outcome.count > len(outcome.ids) else ""
        lines.append(
            f"{rule.name}: kept {rule.described}; {verb} {outcome.count} older than {outcome.cutoff:%Y-%m-%d %H:%M} UTC"
            + (f" ({listed}{more})" if outcome.count else "")
        )
    return lines


def run_daily(session_factory: Callable[[], Session], now: datetime) -> list[Outcome]:
    """The nightly job: the policy file applied once."""
    rules = load_policy()
    with session_factory() as session:
        return apply(session, rules, now)
