"""Durable de-duplication of Slack event deliveries (Slack retries the same event_id)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import ProcessedEvent

KEEP_FOR = timedelta(days=2)


def first_delivery(session: Session, event_id: str, now: datetime) -> bool:
    """Record ``event_id``; True the first time it is seen by any instance sharing the database."""
    try:
        with session.begin_nested():
            session.execute(insert(ProcessedEvent).values(event_id=event_id, received_at=now))
    except IntegrityError:
        return False
    session.commit()
    return True


def forget_old(session: Session, now: datetime) -> int:
    """Drop records older than Slack's retry window (hours) with a wide margin; returns rows removed."""
    result = session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < now - KEEP_FOR))
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def claim(session: Session, key: str, now: datetime) -> bool:
    """Record ``key`` in the caller's transaction; False (the session rolled back) when a request with that key
    was already carried out.

    Not committed here: the caller's own commit records it together with what the request wrote, and a request
    that fails (rolls back) leaves no record, so its replay is tried afresh. A concurrent identical request
    waits on the key (PostgreSQL's unique index, SQLite's write lock) and is told it was done once the first
    one commits.
    """
    try:
        session.execute(insert(ProcessedEvent).values(event_id=key, received_at=now))
    except IntegrityError:
        session.rollback()
        return False
    return True
