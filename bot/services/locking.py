"""Take turns: two requests changing the same thing at the same moment run one after the other.

A check ("not submitted yet", "not a member yet") followed by a write is only safe when no one else can write in
between. :func:`serialise` holds a lock until the caller's transaction ends, so the second request's check sees
what the first committed and it answers "already done" instead of writing again.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.db.engine import is_postgresql


def _lock_id(name: str) -> int:
    """A stable signed 64-bit number for ``name`` (PostgreSQL advisory locks are keyed by a bigint)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def serialise(session: Session, *key: object) -> None:
    """Wait for, then hold until commit or rollback, the lock named by ``key`` (e.g. ``"participation", 3, 7``).

    PostgreSQL: a transaction-level advisory lock on that name. SQLite has one writer at a time: a write that
    changes nothing takes the database's write lock now, and every read after it sees the latest commit.
    """
    if is_postgresql(session):
        name = ":".join(str(part) for part in key)
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _lock_id(name)})
    else:
        session.execute(text("DELETE FROM processed_event WHERE 0 = 1"))
