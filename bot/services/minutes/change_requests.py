"""Change requests on circulated minutes: which are still open when someone presses Approve.

A request is recorded in the audit trail (``minutes.changes_requested``, with the comment); a later save of the
minutes (``minutes.saved``) counts as the minute-taker's answer to every request before it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import AuditEntry, Minutes


@dataclass(frozen=True)
class ChangeRequest:
    """A reader's request for changes to circulated minutes."""

    by: str
    comment: str


def open_change_requests(session: Session, minutes: Minutes) -> list[ChangeRequest]:
    """The change requests made since these minutes were last saved (a later edit answers them), oldest first."""
    last_saved = session.scalar(
        select(func.max(AuditEntry.id)).where(
            AuditEntry.entity == "minutes", AuditEntry.entity_id == minutes.id, AuditEntry.action == "minutes.saved"
        )
    )
    rows = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.entity == "minutes",
            AuditEntry.entity_id == minutes.id,
            AuditEntry.action == "minutes.changes_requested",
            AuditEntry.id > (last_saved or 0),
        )
        .order_by(AuditEntry.id)
    )
    return [ChangeRequest(row.actor, str((row.detail or {}).get("comment", ""))) for row in rows]
