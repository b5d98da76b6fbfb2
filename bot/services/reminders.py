"""The reminder engine's database side: plan deliveries, claim them, record what happened.

Each message the bot owes someone is a ``ReminderDelivery`` row with a unique ``dedupe_key``, so
it exists once. Only the *next* reminder of each deadline and recipient is planned; after it is
sent the next one is planned. Rows are claimed in the database (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, a compare-and-set update everywhere) with a lease, so any number of schedulers can
sweep, and a claim left by a process that died is taken over when its lease expires.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from bot.db.engine import is_postgresql
from bot.db.enums import DeadlineStatus, DeliveryStatus
from bot.db.models import Deadline, ReminderDelivery
from bot.services import audit, deadlines
from bot.services.reminder_policy import ReminderPolicy, day_start, next_allowed_moment, policy_for

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
# Errors after which Slack certainly did not post the message (no need to look in the history).
NOT_SENT_MARKER = "not sent: "


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


def _key(deadline: Deadline, rule: str, recipient: str) -> str:
    return f"deadline:{deadline.id}:{deadline.due_on.isoformat()}:{rule}:{recipient}"


def _rule_moment(rule: Rule, tz: str, policy: ReminderPolicy) -> datetime:
    return next_allowed_moment(day_start(rule.day, tz, policy), tz, policy)


def latest_due_rule(deadline: Deadline, tz: str, now: datetime) -> Rule | None:
    """The most recent reminder whose moment has come (catch-up sends only this one)."""
    policy = policy_for(deadline.kind, deadline.covenant.reminder_policy)
    today = now.date()
    past = [r for r in deadline_rules(deadline.due_on, policy, today) if _rule_moment(r, tz, policy) <= now]
    return past[-1] if past else None


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
    past = [(rule, moment) for rule, moment in moments if moment <= now]
    rule, moment = past[-1] if past else moments[0]
    planned_for = max(moment, next_allowed_moment(now, person.tz, policy))
    if deadline.snoozed_until is not None and planned_for < deadline.snoozed_until:
        planned_for = next_allowed_moment(deadline.snoozed_until, person.tz, policy)
    return int(
        insert_once(
            session,
            dedupe_key=_key(deadline, rule.name, person.slack_id),
            deadline_id=deadline.id,
            covenant_id=deadline.covenant_id,
            rule=rule.name,
            recipient=person.slack_id,
            planned_for=planned_for,
            created_at=now,
        )
    )


def deadlines_to_plan(session: Session, limit: int = 500) -> list[Deadline]:
    """Deadlines changed since their reminders were planned (``planned_at`` cleared)."""
    return list(
        session.scalars(
            select(Deadline)
            .options(selectinload(Deadline.covenant), selectinload(Deadline.owner_person))
            .where(Deadline.planned_at.is_(None))
            .order_by(Deadline.id)
            .limit(limit)
        )
    )


def claim_due(
    session: Session, now: datetime, worker: str, limit: int = 100, lease: timedelta = LEASE, only: int | None = None
) -> list[int]:
    """Claim up to ``limit`` deliveries that are due (or whose claim's lease expired); commits the claim.

    ``only`` restricts the claim to one delivery (sent at once because a user is waiting for it).
    """
    due = or_(
        and_(ReminderDelivery.status == DeliveryStatus.PLANNED, ReminderDelivery.planned_for <= now),
        and_(ReminderDelivery.status == DeliveryStatus.CLAIMED, ReminderDelivery.lease_until < now),
    )
    planned = (
        select(ReminderDelivery.id)
        .where(ReminderDelivery.status == DeliveryStatus.PLANNED, ReminderDelivery.planned_for <= now)
        .order_by(ReminderDelivery.planned_for)
        .limit(limit)
    )
    expired = (
        select(ReminderDelivery.id)
        .where(ReminderDelivery.status == DeliveryStatus.CLAIMED, ReminderDelivery.lease_until < now)
        .limit(limit)
    )
    if only is not None:
        planned = planned.where(ReminderDelivery.id == only)
        expired = expired.where(ReminderDelivery.id == only)
    if is_postgresql(session):
        planned = planned.with_for_update(skip_locked=True)
        expired = expired.with_for_update(skip_locked=True)
    ids = list(session.scalars(expired)) + list(session.scalars(planned))
    if not ids:
        session.rollback()
        return []
    claimed = session.scalars(
        update(ReminderDelivery)
        .where(ReminderDelivery.id.in_(ids[:limit]), due)
        .values(
            status=DeliveryStatus.CLAIMED,
            claimed_by=worker,
            claimed_at=now,
            lease_until=now + lease,
            attempts=ReminderDelivery.attempts + 1,
        )
        .returning(ReminderDelivery.id)
    ).all()
    session.commit()
    return sorted(claimed)


def needs_history_check(delivery: ReminderDelivery) -> bool:
    """True when an earlier attempt may have reached Slack (a crash or timeout mid-send)."""
    return delivery.attempts > 1 and not (delivery.last_error or "").startswith(NOT_SENT_MARKER)


def _owned(delivery_id: int, worker: str) -> Any:
    return and_(
        ReminderDelivery.id == delivery_id,
        ReminderDelivery.claimed_by == worker,
        ReminderDelivery.status == DeliveryStatus.CLAIMED,
    )


def mark_sent(session: Session, delivery: ReminderDelivery, worker: str, channel: str, ts: str, now: datetime) -> bool:
    """Record a sent message; False when the claim was lost meanwhile (the row is someone else's now)."""
    result = session.execute(
        update(ReminderDelivery)
        .where(_owned(delivery.id, worker))
        .values(status=DeliveryStatus.SENT, sent_at=now, slack_channel=channel, slack_ts=ts, lease_until=None)
    )
    if not getattr(result, "rowcount", 0):
        session.rollback()
        return False
    audit.record(
        session,
        at=now,
        actor="scheduler",
        action="reminder.sent",
        entity="reminder_delivery",
        entity_id=delivery.id,
        detail={"rule": delivery.rule, "recipient": delivery.recipient},
    )
    session.commit()
    return True


def mark_skipped(session: Session, delivery: ReminderDelivery, worker: str, reason: str) -> None:
    """Drop a claimed delivery that should not be sent (its deadline closed, or a newer one is due)."""
    session.execute(
        update(ReminderDelivery)
        .where(_owned(delivery.id, worker))
        .values(status=DeliveryStatus.SKIPPED, last_error=reason, lease_until=None)
    )
    session.commit()


def mark_retry(
    session: Session, delivery: ReminderDelivery, worker: str, now: datetime, delay: timedelta, error: str
) -> bool:
    """Put a delivery back for another attempt after ``delay``; after MAX_ATTEMPTS it fails instead."""
    if delivery.attempts >= MAX_ATTEMPTS:
        mark_failed(session, delivery, worker, now, f"gave up after {delivery.attempts} attempts: {error}")
        return False
    session.execute(
        update(ReminderDelivery)
        .where(_owned(delivery.id, worker))
        .values(status=DeliveryStatus.PLANNED, planned_for=now + delay, last_error=error, lease_until=None)
    )
    audit.record(
        session,
        at=now,
        actor="scheduler",
        action="reminder.retry",
        entity="reminder_delivery",
        entity_id=delivery.id,
        detail={"error": error, "delay_s": int(delay.total_seconds())},
    )
    session.commit()
    return True


def mark_failed(session: Session, delivery: ReminderDelivery, worker: str, now: datetime, error: str) -> None:
    """A permanent failure: recorded, audited, and the covenant's secretariat is told (once)."""
    session.execute(
        update(ReminderDelivery)
        .where(_owned(delivery.id, worker))
        .values(status=DeliveryStatus.FAILED, last_error=error, lease_until=None)
    )
    audit.record(
        session,
        at=now,
        actor="scheduler",
        action="reminder.failed",
        entity="reminder_delivery",
        entity_id=delivery.id,
        detail={"error": error, "recipient": delivery.recipient},
    )
    targets = deadlines.secretariat_recipients(session, delivery.covenant_id) if delivery.covenant_id else []
    for channel in targets:
        if delivery.rule == "failure" or channel == delivery.recipient:
            continue
        insert_once(
            session,
            dedupe_key=f"failure:{delivery.id}:{channel}",
            covenant_id=delivery.covenant_id,
            deadline_id=delivery.deadline_id,
            rule="failure",
            recipient=channel,
            planned_for=now,
            payload={
                "delivery_id": delivery.id,
                "recipient": delivery.recipient,
                "error": error,
                "rule": delivery.rule,
            },
            created_at=now,
        )
    session.commit()


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


def outstanding(session: Session, now: datetime) -> int:
    """Deliveries due now that are not finished: planned and due, or claimed (perhaps by a process that died)."""
    from sqlalchemy import func

    return int(
        session.scalar(
            select(func.count())
            .select_from(ReminderDelivery)
            .where(
                or_(
                    and_(ReminderDelivery.status == DeliveryStatus.PLANNED, ReminderDelivery.planned_for <= now),
                    ReminderDelivery.status == DeliveryStatus.CLAIMED,
                )
            )
        )
        or 0
    )
