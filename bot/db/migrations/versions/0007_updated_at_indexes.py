"""updated_at indexes for the planners' change detection

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 03:35:00

The meeting and minutes planners run every sweep and first ask whether anything changed: the counts,
highest ids and latest ``updated_at`` of meetings, their exceptions and minutes. With these indexes
the latest ``updated_at`` is one index lookup instead of a scan of every row.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_meeting_updated_at', 'meeting', ['updated_at'], unique=False)
    op.create_index('ix_meeting_exception_updated_at', 'meeting_exception', ['updated_at'], unique=False)
    op.create_index('ix_minutes_updated_at', 'minutes', ['updated_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_minutes_updated_at', table_name='minutes')
    op.drop_index('ix_meeting_exception_updated_at', table_name='meeting_exception')
    op.drop_index('ix_meeting_updated_at', table_name='meeting')
