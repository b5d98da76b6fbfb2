"""Durable de-duplication of Slack event deliveries (Slack retries the same event_id)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.engine import is_postgresql
from bot.db.models import ProcessedEvent

KEEP_FOR = timedelta(days=2)


def note_delivery(session: Session, event_id: str, now: datetime) -> bool:
    """Record ``event_id`` in the caller's transaction (not committed); True the first time it is seen by any
    instance sharing the database. A concurrent delivery of the same event waits on the key and gets False."""
    dialect = postgresql if is_postgresql(session) else sqlite
    statement = (
        dialect.insert(ProcessedEvent)
        .values(event_id=event_id, received_at=now)
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(ProcessedEvent.event_id)
    )
    return session.execute(statement).first() is not None


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
