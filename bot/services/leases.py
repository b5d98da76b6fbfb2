"""Claiming leased rows, shared by every table whose rows one process at a time works on.

The reminder engine's claims (``bot/delivery/store.py``) and acknowledged work (``acked_work``) take rows
the same way: select the candidates skipping rows another transaction is claiming (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL), then claim them with a compare-and-set update that repeats the condition, so on
SQLite (no row locks) two processes that selected the same row still claim it once.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

from bot.db.engine import is_postgresql

S = TypeVar("S", bound=Select[Any])


def skipping_locked(session: Session, candidates: S) -> S:
    """``candidates`` without the rows another transaction has locked for its claim (PostgreSQL only)."""
    return candidates.with_for_update(skip_locked=True) if is_postgresql(session) else candidates


def rowcount(result: Any) -> int:
    """Rows an UPDATE or DELETE changed (0 when the driver does not say)."""
    return int(getattr(result, "rowcount", 0) or 0)
