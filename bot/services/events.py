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
