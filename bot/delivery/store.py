"""The sweep's claims on deliveries and the record of each attempt: the delivery guarantee's database side.

A claim is a leased row (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, a compare-and-set update
everywhere), named by worker and claim number; every write after it is conditional on that claim,
so a process that lost it changes nothing. Each chat.postMessage is recorded before it is made
(``posts``, ``unsure_since``): until an answer proves Slack stored nothing the row is unsure, and
the next attempt looks in the conversation's history before sending again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from bot.db.engine import is_postgresql
from bot.db.enums import DeliveryStatus
from bot.db.models import ReminderDelivery
from bot.services.administration import audit
from bot.services.people import addresses
from bot.services.plans import deadlines
from bot.services.plans.reminders import insert_once

# A claim's lease, renewed before each chat.postMessage: 30 times the 10 s client timeout, so it cannot
# expire while a request is in flight (however long the batch it came in).
LEASE = timedelta(minutes=5)
# chat.postMessage requests per delivery (not counting those answered 429) before it is marked failed;
# claims (takeovers, build errors, 429s).
MAX_ATTEMPTS = 8
MAX_CLAIMS = 50
# How long a delivery whose send may have reached Slack waits for a readable history before it is
# marked failed (and the secretariat told) instead of being sent blind.
HISTORY_PATIENCE = timedelta(hours=24)
# The history cannot be read because the recipient is gone (deactivated person, archived channel) or access is:
# waiting a day changes nothing, and the message cannot be sent anyway.
HISTORY_PERMANENT_ERRORS = frozenset(
    {
        "missing_scope",
        "not_in_channel",
        "channel_not_found",
        "is_archived",
        "user_not_found",
        "user_disabled",
        "invalid_auth",
        "not_authed",
        "account_inactive",
    }
)
# Errors after which Slack certainly did not post the message (last_error texts).
NOT_SENT_MARKER = "not sent: "
UNVERIFIED_MARKER = "not verified: "


def claim(
    session: Session, now: datetime, worker: str, limit: int = 100, lease: timedelta = LEASE, only: int | None = None
) -> list[tuple[int, int]]:
    """Claim up to ``limit`` deliveries that are due (or whose claim's lease expired); commits the claim.

    Returns (id, attempt) pairs: with ``worker`` the attempt names this claim, and every later write
    is conditional on it. ``only`` restricts the claim to one delivery (a user is waiting for it).
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
    claimed = session.execute(
        update(ReminderDelivery)
        .where(ReminderDelivery.id.in_(ids[:limit]), due)
        .values(
            status=DeliveryStatus.CLAIMED,
            claimed_by=worker,
            claimed_at=now,
            lease_until=now + lease,
            attempts=ReminderDelivery.attempts + 1,
        )
        .returning(ReminderDelivery.id, ReminderDelivery.attempts)
        .execution_options(synchronize_session=False)
    ).all()
    session.commit()
    return sorted((int(row[0]), int(row[1])) for row in claimed)


def claim_due(
    session: Session, now: datetime, worker: str, limit: int = 100, lease: timedelta = LEASE, only: int | None = None
) -> list[int]:
    """The ids :func:`claim` claimed."""
    return [delivery_id for delivery_id, _ in claim(session, now, worker, limit, lease, only)]


def needs_history_check(delivery: ReminderDelivery) -> bool:
    """True when an earlier chat.postMessage may have reached Slack unrecorded (a crash, timeout or 5xx)."""
    return delivery.unsure_since is not None


def _owned(delivery: ReminderDelivery, worker: str) -> Any:
    """The row, still under the claim ``delivery`` was loaded with (same worker, same attempt)."""
    return and_(
        ReminderDelivery.id == delivery.id,
        ReminderDelivery.claimed_by == worker,
        ReminderDelivery.attempts == delivery.attempts,
        ReminderDelivery.status == DeliveryStatus.CLAIMED,
    )


def _update_owned(session: Session, delivery: ReminderDelivery, worker: str, **values: Any) -> bool:
    """Apply ``values`` when the claim is still ours; False (and nothing changed) when it was lost."""
    result = session.execute(update(ReminderDelivery).where(_owned(delivery, worker)).values(**values))
    if not getattr(result, "rowcount", 0):
        session.rollback()
        return False
    return True


def start_post(session: Session, delivery: ReminderDelivery, worker: str, now: datetime, lease: timedelta) -> bool:
    """Record, committed, that a chat.postMessage is about to be made, and renew the lease for it.

    From here until an answer proves otherwise the row is unsure: whoever sends it next looks in
    the history first. False when the claim was lost: then nothing may be sent.
    """
    if not _update_owned(
        session,
        delivery,
        worker,
        posts=delivery.posts + 1,
        unsure_since=delivery.unsure_since or now,
        lease_until=now + lease,
    ):
        return False
    session.commit()
    return True


def mark_sent(
    session: Session, delivery: ReminderDelivery, worker: str, channel: str | None, ts: str | None, now: datetime
) -> bool:
    """Record a sent message (an email has no channel and ts); False when the claim was lost meanwhile (the row
    is someone else's now)."""
    if not _update_owned(
        session,
        delivery,
        worker,
        status=DeliveryStatus.SENT,
        sent_at=now,
        slack_channel=channel,
        slack_ts=ts,
        lease_until=None,
        unsure_since=None,
    ):
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


def mark_skipped(session: Session, delivery: ReminderDelivery, worker: str, reason: str) -> bool:
    """Drop a claimed delivery that should not be sent (its deadline closed, or a newer one is due)."""
    if not _update_owned(session, delivery, worker, status=DeliveryStatus.SKIPPED, last_error=reason, lease_until=None):
        return False
    session.commit()
    return True


# What became of a delivery put back: retried later, failed for good, or not ours any more (nothing written).
Outcome = Literal["retried", "failed", "lost"]
KEEP: Any = object()  # mark_retry: leave unsure_since as it is


def mark_retry(
    session: Session,
    delivery: ReminderDelivery,
    worker: str,
    now: datetime,
    delay: timedelta,
    error: str,
    unsure_since: datetime | None = KEEP,
    rate_limited: bool = False,
) -> Outcome:
    """Put a delivery back for another attempt after ``delay``; after MAX_ATTEMPTS sends (or MAX_CLAIMS
    claims) it fails instead. ``unsure_since`` restores that state when the answer proved nothing was
    stored; a send ``rate_limited`` (429) is not counted. A claim that was lost writes nothing, no
    audit row either."""
    unsure_after = delivery.unsure_since if unsure_since is KEEP else unsure_since
    posts = delivery.posts - 1 if rate_limited else delivery.posts
    # An unsure row is not given up yet: its next attempt looks in the history first (see give_up_sending).
    if (delivery.attempts >= MAX_CLAIMS or posts >= MAX_ATTEMPTS) and unsure_after is None:
        return _give_up(session, delivery, worker, now, f"gave up after {posts} sends: {error}")
    values: dict[str, Any] = {
        "status": DeliveryStatus.PLANNED,
        "planned_for": now + delay,
        "last_error": error,
        "posts": posts,
    }
    if unsure_since is not KEEP:
        values["unsure_since"] = unsure_since
    if not _update_owned(session, delivery, worker, lease_until=None, **values):
        return "lost"
    return _retried(session, delivery, now, delay, error)


def mark_unverified(
    session: Session, delivery: ReminderDelivery, worker: str, now: datetime, delay: timedelta, error: str
) -> Outcome:
    """The history could not be read, so whether Slack holds the message is unknown: never send blind.

    Retried after ``delay`` until HISTORY_PATIENCE has passed since the row became unsure; then (or at
    once when ``error`` is permanent) it is marked failed and the secretariat told.
    """
    unsure = delivery.unsure_since or now
    if error in HISTORY_PERMANENT_ERRORS or now - unsure >= HISTORY_PATIENCE:
        return _give_up(session, delivery, worker, now, f"{UNVERIFIED_MARKER}{error}")
    if not _update_owned(
        session,
        delivery,
        worker,
        status=DeliveryStatus.PLANNED,
        planned_for=now + delay,
        last_error=f"{UNVERIFIED_MARKER}{error}",
        lease_until=None,
    ):
        return "lost"
    return _retried(session, delivery, now, delay, f"{UNVERIFIED_MARKER}{error}")


def _retried(session: Session, delivery: ReminderDelivery, now: datetime, delay: timedelta, error: str) -> Outcome:
    """Audit and commit a retry the caller has just written (only after its owned update succeeded)."""
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
    return "retried"


def give_up_sending(session: Session, delivery: ReminderDelivery, worker: str, now: datetime) -> Outcome | None:
    """After MAX_ATTEMPTS sends (or MAX_CLAIMS claims) that Slack does not hold, the row fails instead of
    a next send."""
    if delivery.posts < MAX_ATTEMPTS and delivery.attempts < MAX_CLAIMS:
        return None
    return _give_up(session, delivery, worker, now, f"gave up after {delivery.posts} sends: {delivery.last_error}")


def _give_up(session: Session, delivery: ReminderDelivery, worker: str, now: datetime, error: str) -> Outcome:
    return "failed" if mark_failed(session, delivery, worker, now, error) else "lost"


def mark_failed(session: Session, delivery: ReminderDelivery, worker: str, now: datetime, error: str) -> bool:
    """A permanent failure: recorded, audited, and the covenant's secretariat is told (once).

    False when the claim was lost: then nothing is written."""
    if not _record_failed(session, delivery, worker, now, error):
        return False
    for channel in _secretariat_of(session, delivery):
        if delivery.rule in NOTICES_ABOUT_SENDING or channel == delivery.recipient:
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
    return True


# The notices that tell the secretariat a message did not go out: never themselves the subject of another.
NOTICES_ABOUT_SENDING = ("failure", "unreachable")
UNREACHABLE = "email route unavailable: SMTP_URL is not set"


def _record_failed(session: Session, delivery: ReminderDelivery, worker: str, now: datetime, error: str) -> bool:
    if not _update_owned(session, delivery, worker, status=DeliveryStatus.FAILED, last_error=error, lease_until=None):
        return False
    audit.record(
        session,
        at=now,
        actor="scheduler",
        action="reminder.failed",
        entity="reminder_delivery",
        entity_id=delivery.id,
        detail={"error": error, "recipient": delivery.recipient},
    )
    return True


def _secretariat_of(session: Session, delivery: ReminderDelivery) -> list[str]:
    return deadlines.secretariat_recipients(session, delivery.covenant_id) if delivery.covenant_id else []


def mark_unreachable(
    session: Session, delivery: ReminderDelivery, worker: str, now: datetime, person_id: int, *, notify: bool = True
) -> bool:
    """An email owed while the bot cannot send email (no SMTP_URL): the row fails unsent (audited), and the
    covenant's secretariat is told once per person (not per message) that this person cannot be reached; with
    ``notify`` False (no covenant to tell, or the notice itself) only the row. False when the claim was lost."""
    if not _record_failed(session, delivery, worker, now, UNREACHABLE):
        return False
    for target in _secretariat_of(session, delivery) if notify else []:
        if delivery.rule in NOTICES_ABOUT_SENDING or addresses.is_person_address(target):
            continue  # a secretariat member reached by email is unreachable too
        insert_once(
            session,
            dedupe_key=f"unreachable:{person_id}:{target}",
            covenant_id=delivery.covenant_id,
            rule="unreachable",
            recipient=target,
            planned_for=now,
            payload={"person_id": person_id},
            created_at=now,
        )
    session.commit()
    return True


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
