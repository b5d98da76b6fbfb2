"""The audit trail: who changed what, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.models import AuditEntry


def record(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None = None,
    detail: dict[str, object] | None = None,
) -> AuditEntry:
    """Add an audit row to the session (committed with the change it describes)."""
    entry = AuditEntry(at=at, actor=actor, action=action, entity=entity, entity_id=entity_id, detail=detail)
    session.add(entry)
    return entry
