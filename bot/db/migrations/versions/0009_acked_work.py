"""acked work: what Slack was told is done, recorded before the ack until its work finishes

Revision ID: 0009_acked_work
Revises: 0008_delivery
Create Date: 2026-12-01 13:00:00

Each lazy listener's run is recorded (the request, without Slack's token) before the ack goes out, in the
transaction that records an event's event_id (processed_event), and marked done when it finished, so work
a killed process left unfinished is taken over after its lease.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import bot.db.types

revision: str = '0009_acked_work'
down_revision: str | None = '0008_delivery'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'acked_work',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('function', sa.String(length=255), nullable=False),
        sa.Column('request', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('received_at', bot.db.types.UTCDateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('claimed_by', sa.String(length=64), nullable=False),
        sa.Column('lease_until', bot.db.types.UTCDateTime(), nullable=True),
        sa.Column('answered_at', bot.db.types.UTCDateTime(), nullable=True),
        sa.Column('finished_at', bot.db.types.UTCDateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_acked_work')),
    )
    with op.batch_alter_table('acked_work', schema=None) as batch_op:
        batch_op.create_index('ix_acked_work_due', ['status', 'lease_until'], unique=False)
        batch_op.create_index(batch_op.f('ix_acked_work_received_at'), ['received_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('acked_work', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_acked_work_received_at'))
        batch_op.drop_index('ix_acked_work_due')
    op.drop_table('acked_work')
