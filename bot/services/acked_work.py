"""Acknowledged work: recorded before the ack, leased to the process running it, finished once.

Each run of work that happens after Slack was answered "ok" is a row: written (committed) before the ack goes
out, leased to the process that acked it, and marked done when the work returned. A row whose lease expired
belongs to a process that died (or hangs); another process claims it (:mod:`bot.services.leases`, as the
reminder engine claims deliveries) and runs the work again. Every write after a claim is conditional on that
claim, so a process that lost it changes nothing. Nothing here knows Slack: the request is a stored dict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.orm import Session

from bot.db.models import AckedWork
from bot.services import events
from bot.services.leases import rowcount, skipping_locked

PENDING, DONE, FAILED = "pending", "done", "failed"
NOBODY = ""  # the holder of work given back for a retry
# A live process renews the leases of the work it holds (queued or running) every quarter lease
# (:func:`renew`), so a lease expires only when its process died or stopped renewing: a user whose process
# was killed is answered about this long after their ack.
LEASE = timedelta(seconds=30)
# Work held longer than this is not renewed any more: it hangs, and another process runs it again.
LONGEST_RUN = timedelta(minutes=10)
# Runs of work that raised before it is given up (each after the lease of the run before).
MAX_ATTEMPTS = 3
# Done records are kept as long as processed events (Slack's retries come within hours).
KEEP_FOR = timedelta(days=2)


def _storable(value: Any) -> Any:
    """``value`` with every U+0000 taken out of its strings (keys too): PostgreSQL's jsonb cannot hold one.

    Slack sends none: typed text with one is refused before any listener (:mod:`bot.user_text`), so only a
    forged field (a team_domain, say) carries one, and the takeover runs that request without it."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_storable(item) for item in value]
    return value


@dataclass(frozen=True)
class Claim:
    """One claim on a record: who holds it, which attempt; the request to run again on a takeover."""

    id: int
    attempt: int
    worker: str
    function: str = ""
    request: dict[str, Any] | None = None
    answered: bool = False


def record(
    session: Session,
    *,
    function: str,
    request: dict[str, Any],
    worker: str,
    now: datetime,
    lease: timedelta = LEASE,
    event_id: str | None = None,
) -> Claim | None:
    """Record (committed) work about to start, leased to ``worker``, with the ``event_id`` of an event (its
    de-duplication, :func:`bot.services.events.note_delivery`, in the same transaction); None when that event
    was delivered before (Slack's retry: its work was recorded, and runs, once)."""
    if event_id is not None and not events.note_delivery(session, event_id, now):
        session.rollback()
        return None
    statement = (
        insert(AckedWork)
        .values(
            function=function,
            request=_storable(request),
            status=PENDING,
            received_at=now,
            attempts=1,
            claimed_by=worker,
            lease_until=now + lease,
        )
        .returning(AckedWork.id)
    )
    record_id = int(session.execute(statement).scalar_one())
    session.commit()
    return Claim(id=record_id, attempt=1, worker=worker, function=function)


def renew(session: Session, worker: str, now: datetime, lease: timedelta = LEASE) -> int:
    """Renew the leases of the pending work ``worker`` holds (received within LONGEST_RUN); commits."""
    renewed = session.execute(
        update(AckedWork)
        .where(
            AckedWork.status == PENDING,
            AckedWork.claimed_by == worker,
            AckedWork.received_at > now - LONGEST_RUN,
            AckedWork.lease_until >= now,
        )
        .values(lease_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return rowcount(renewed)


def claim_expired(
    session: Session, now: datetime, worker: str, lease: timedelta = LEASE, limit: int = 20
) -> list[Claim]:
    """Claim up to ``limit`` records whose lease expired (their process died, or their retry is due); commits."""
    expired = and_(AckedWork.status == PENDING, AckedWork.lease_until < now)
    candidates = skipping_locked(
        session, select(AckedWork.id).where(expired).order_by(AckedWork.lease_until).limit(limit)
    )
    ids = list(session.scalars(candidates))
    if not ids:
        session.rollback()
        return []
    rows = session.execute(
        update(AckedWork)
        .where(AckedWork.id.in_(ids), expired)
        .values(claimed_by=worker, attempts=AckedWork.attempts + 1, lease_until=now + lease)
        .returning(AckedWork.id, AckedWork.attempts, AckedWork.function, AckedWork.request, AckedWork.answered_at)
        .execution_options(synchronize_session=False)
    ).all()
    session.commit()
    claims = [
        Claim(
            id=int(row.id),
            attempt=int(row.attempts),
            worker=worker,
            function=row.function,
            request=row.request,
            answered=row.answered_at is not None,
        )
        for row in rows
    ]
    return sorted(claims, key=lambda claim: claim.id)


def _owned(claim: Claim) -> Any:
    return and_(
        AckedWork.id == claim.id,
        AckedWork.claimed_by == claim.worker,
        AckedWork.attempts == claim.attempt,
        AckedWork.status == PENDING,
    )


def _update_owned(session: Session, claim: Claim, *extra: Any, **values: Any) -> bool:
    changed = rowcount(session.execute(update(AckedWork).where(_owned(claim), *extra).values(**values)))
    session.commit()
    return changed == 1


def start_answer(session: Session, claim: Claim, now: datetime) -> bool:
    """Record (committed) that the answer is about to be sent; False when it was sent before, or the claim
    was lost (someone else answers): then nothing may be sent."""
    return _update_owned(session, claim, AckedWork.answered_at.is_(None), answered_at=now)


def answer_failed(session: Session, claim: Claim) -> None:
    """The answer's request failed: a takeover of this record answers after all."""
    _update_owned(session, claim, answered_at=None)


def finish(session: Session, claim: Claim, now: datetime) -> bool:
    """Mark the work done and drop the stored request; False when the claim was lost meanwhile."""
    return _update_owned(session, claim, status=DONE, request=None, lease_until=None, finished_at=now)


def give_back(session: Session, claim: Claim, now: datetime, error: str, retry_after: timedelta = LEASE) -> str:
    """The work raised: run again by a takeover after ``retry_after``; after MAX_ATTEMPTS runs it is failed
    (and its request dropped). Returns "retried", "failed", or "lost" (the claim was not ours any more)."""
    if claim.attempt >= MAX_ATTEMPTS:
        values: dict[str, Any] = {"status": FAILED, "request": None, "lease_until": None, "finished_at": now}
        return "failed" if _update_owned(session, claim, last_error=error[:2000], **values) else "lost"
    # Held by nobody: no process renews its lease, so a takeover claims it after ``retry_after``.
    retried = _update_owned(session, claim, last_error=error[:2000], claimed_by=NOBODY, lease_until=now + retry_after)
    return "retried" if retried else "lost"


def pending(session: Session) -> int:
    """Records whose work has not finished (running now, or left by a process that died)."""
    return int(session.scalar(select(func.count()).select_from(AckedWork).where(AckedWork.status == PENDING)) or 0)


def forget_old(session: Session, now: datetime) -> int:
    """Drop finished records older than KEEP_FOR (as :func:`bot.services.events.forget_old`); rows removed."""
    result = session.execute(
        delete(AckedWork).where(AckedWork.status.in_((DONE, FAILED)), AckedWork.received_at < now - KEEP_FOR)
    )
    session.commit()
    return rowcount(result)
