"""minutes search text and planner index

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 23:23:22.031124

``minutes.search_text`` holds the folded words of the whole minutes. PostgreSQL searches it with
to_tsvector('simple', ...) through a GIN expression index; SQLite searches it with LIKE (see
bot/services/minutes/minutes_search.py), so the index exists on PostgreSQL only.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='', nullable=False))
        batch_op.create_index('ix_minutes_status_occurrence', ['status', 'occurrence_start'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.create_index(
            'ix_minutes_search',
            'minutes',
            [sa.literal_column("to_tsvector('simple', search_text)")],
            unique=False,
            postgresql_using='gin',
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_minutes_search', table_name='minutes', postgresql_using='gin')
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.drop_index('ix_minutes_status_occurrence')
        batch_op.drop_column('search_text')
