"""Deadline reminders, planned: which reminder each deadline and recipient is owed next.

Each message the bot owes someone is a ``ReminderDelivery`` row with a unique ``dedupe_key``, so
it exists once (:func:`insert_once`). Only the *next* reminder of each deadline and recipient is
planned; after it is sent the next one is planned. The sweep's claims on the rows and the record of
each send are in :mod:`bot.delivery.store`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from bot.db.engine import is_postgresql
from bot.db.enums import DeadlineStatus, DeliveryStatus
from bot.db.models import Deadline, ReminderDelivery
from bot.services.plans import deadlines
from bot.services.reminder_policy import (
    ReminderPolicy,
    business_day_on_or_before,
    day_start,
    next_allowed_moment,
    policy_for,
)


def insert_once(session: Session, **values: Any) -> bool:
    """Insert a delivery unless its dedupe_key exists; True when this call inserted it."""
    dialect = postgresql if is_postgresql(session) else sqlite
    statement = (
        dialect.insert(ReminderDelivery)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(ReminderDelivery.id)
    )
    return session.execute(statement).first() is not None


@dataclass(frozen=True)
class Rule:
    """One reminder of a deadline: its name (``before-7``, ``due``, ``overdue-2``) and nominal day."""

    name: str
    day: date


def deadline_rules(due_on: date, policy: ReminderPolicy, today: date) -> list[Rule]:
    """The deadline's reminders in order, overdue ones up to the first one after ``today``."""
    rules = [Rule(f"before-{days}", due_on - timedelta(days=days)) for days in policy.before_days if days > 0]
    if policy.on_due_date:
        rules.append(Rule("due", due_on))
    if policy.overdue_every_days > 0:
        step = policy.overdue_every_days
        count = max(0, (today - due_on).days // step) + 1
        rules += [Rule(f"overdue-{k}", due_on + timedelta(days=k * step)) for k in range(1, count + 1)]
    return sorted(rules, key=lambda rule: rule.day)


def _key(deadline: Deadline, rule: str, recipient: str) -> str:
    return f"deadline:{deadline.id}:{deadline.due_on.isoformat()}:{rule}:{recipient}"


def _rule_moment(rule: Rule, tz: str, policy: ReminderPolicy) -> datetime:
    """When a reminder is owed: a reminder before the due date on its day or the business day before (the useful
    side, and never on the due date); the others on their day or the next allowed moment."""
    if rule.name.startswith("before-"):
        return day_start(business_day_on_or_before(rule.day, policy), tz, policy)
    return next_allowed_moment(day_start(rule.day, tz, policy), tz, policy)


SNOOZED = "snoozed-"


def _snooze_rule(deadline: Deadline) -> str | None:
    """The name of the reminder a snooze promised (one per snooze: it names the moment snoozed to)."""
    if deadline.snoozed_until is None:
        return None
    return f"{SNOOZED}{deadline.snoozed_until.astimezone(UTC):%Y%m%dT%H%M}"


def superseded(deadline: Deadline, rule: str, planned_for: datetime, tz: str, now: datetime) -> bool:
    """True when a later reminder is due already (after downtime): only that one is sent.

    The reminder a snooze promised gives way only to a policy reminder that came due after it was planned for.
    """
    policy = policy_for(deadline.kind, deadline.covenant.reminder_policy)
    moments = [(r, _rule_moment(r, tz, policy)) for r in deadline_rules(deadline.due_on, policy, now.date())]
    past = [(r, moment) for r, moment in moments if moment <= now]
    if rule.startswith(SNOOZED):
        return any(moment > planned_for for _, moment in past)
    return bool(past) and past[-1][0].name != rule


def plan_deadline(session: Session, deadline: Deadline, now: datetime) -> int:
    """Plan the next reminder for each recipient of ``deadline`` (and its escalation); returns rows added.

    After downtime several reminders may be due at once: only the most recent is planned.
    """
    deadline.planned_at = now
    if deadline.status != DeadlineStatus.OPEN:
        deadlines.drop_pending(session, deadline.id)
        return 0
    covenant = deadline.covenant
    policy = policy_for(deadline.kind, covenant.reminder_policy)
    added = 0
    people = deadlines.recipients(session, deadline)
    secretariat = deadlines.secretariat_recipients(session, covenant.id)
    if not people and deadline.organisation_id is not None:
        moment = next_allowed_moment(now, covenant.timezone, policy)
        for target in secretariat:
            added += insert_once(
                session,
                dedupe_key=f"nocontact:{deadline.id}:{target}",
                deadline_id=deadline.id,
                covenant_id=covenant.id,
                rule="nocontact",
                recipient=target,
                planned_for=moment,
                created_at=now,
            )
    opted_out = deadlines.opted_out(session, deadline.id)
    for person in people:
        if person.slack_id not in opted_out:
            added += _plan_next_for(session, deadline, person, policy, now)
    if policy.escalate_after_days is not None:
        rule = Rule("escalate", deadline.due_on + timedelta(days=policy.escalate_after_days))
        moment = max(_rule_moment(rule, covenant.timezone, policy), next_allowed_moment(now, covenant.timezone, policy))
        for target in secretariat:
            added += insert_once(
                session,
                dedupe_key=_key(deadline, "escalate", target),
                deadline_id=deadline.id,
                covenant_id=covenant.id,
                rule="escalate",
                recipient=target,
                planned_for=moment,
                created_at=now,
            )
    return added


def _plan_next_for(
    session: Session, deadline: Deadline, person: deadlines.Recipient, policy: ReminderPolicy, now: datetime
) -> int:
    prefix = f"deadline:{deadline.id}:{deadline.due_on.isoformat()}:"
    rows = session.execute(
        select(ReminderDelivery.rule, ReminderDelivery.status).where(
            ReminderDelivery.deadline_id == deadline.id,
            ReminderDelivery.recipient == person.slack_id,
            ReminderDelivery.dedupe_key.startswith(prefix),
        )
    ).all()
    if any(status in (DeliveryStatus.PLANNED, DeliveryStatus.CLAIMED) for _, status in rows):
        return 0
    rules = deadline_rules(deadline.due_on, policy, now.date())
    names = [rule.name for rule in rules]
    handled = [names.index(rule) for rule, _ in rows if rule in names]
    candidates = rules[max(handled) + 1 :] if handled else rules
    if not candidates:
        return 0
    moments = [(rule, _rule_moment(rule, person.tz, policy)) for rule in candidates]
    past = [index for index, (_, moment) in enumerate(moments) if moment <= now]
    index = past[-1] if past else 0
    rule, moment = moments[index]
    planned_for = max(moment, next_allowed_moment(now, person.tz, policy))
    if deadline.snoozed_until is not None and planned_for < deadline.snoozed_until:
        planned_for = next_allowed_moment(deadline.snoozed_until, person.tz, policy)
    # Never two reminders on one day: a later one owed by the end of that day takes this one's place.
    zone = ZoneInfo(person.tz)
    while (
        index + 1 < len(moments)
        and moments[index + 1][1].astimezone(zone).date() <= planned_for.astimezone(zone).date()
    ):
        index += 1
        rule = moments[index][0]
        planned_for = max(planned_for, moments[index][1])
    name = rule.name
    snoozed = _snooze_rule(deadline)
    if snoozed is not None and deadline.snoozed_until is not None and snoozed not in {r for r, _ in rows}:
        # A snooze is a promise: the reminder comes again when it ends, unless the policy's next one does that day.
        again = next_allowed_moment(deadline.snoozed_until, person.tz, policy)
        if again.astimezone(zone).date() < planned_for.astimezone(zone).date():
            name, planned_for = snoozed, again
    return int(
        insert_once(
            session,
            dedupe_key=_key(deadline, name, person.slack_id),
            deadline_id=deadline.id,
            covenant_id=deadline.covenant_id,
            rule=name,
            recipient=person.slack_id,
            planned_for=planned_for,
            created_at=now,
        )
    )


def deadlines_to_plan(session: Session, limit: int = 500, after: int = 0) -> list[Deadline]:
    """Deadlines changed since their reminders were planned (``planned_at`` cleared), by id from ``after``."""
    return list(
        session.scalars(
            select(Deadline)
            .options(selectinload(Deadline.covenant), selectinload(Deadline.owner_person))
            .where(Deadline.planned_at.is_(None), Deadline.id > after)
            .order_by(Deadline.id)
            .limit(limit)
        )
    )


def pending_for(session: Session, deadline_ids: Sequence[int]) -> list[ReminderDelivery]:
    """Planned or claimed deliveries of these deadlines (for status views and tests)."""
    return list(
        session.scalars(
            select(ReminderDelivery).where(
                ReminderDelivery.deadline_id.in_(list(deadline_ids)),
                ReminderDelivery.status.in_([DeliveryStatus.PLANNED, DeliveryStatus.CLAIMED]),
            )
        )
    )


def ids_of(session: Session, dedupe_keys: Sequence[str]) -> list[int]:
    """The ids of the deliveries with these dedupe keys (for sending them at once)."""
    if not dedupe_keys:
        return []
    return list(session.scalars(select(ReminderDelivery.id).where(ReminderDelivery.dedupe_key.in_(dedupe_keys))))
