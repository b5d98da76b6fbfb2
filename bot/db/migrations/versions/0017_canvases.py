"""canvases

Revision ID: 0017_canvases
Revises: 0016_targets
Create Date: 2026-12-02 14:50:00

``channel_canvas``: the canvas the bot keeps in a channel and the update owed to it (leased while written);
``canvas_notice``: that the secretariat was told, once, why canvases cannot be kept.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017_canvases'
down_revision: str | None = '0016_targets'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'channel_canvas',
        sa.Column('channel_id', sa.String(length=32), nullable=False),
        sa.Column('canvas_id', sa.String(length=32), nullable=True),
        sa.Column('owed_since', sa.DateTime(), nullable=True),
        sa.Column('claimed_by', sa.String(length=64), nullable=True),
        sa.Column('lease_until', sa.DateTime(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=100), nullable=True),
        sa.Column('content_hash', sa.String(length=64), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('channel_id', name=op.f('pk_channel_canvas')),
    )
    with op.batch_alter_table('channel_canvas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_canvas_owed_since'), ['owed_since'], unique=False)
    op.create_table(
        'canvas_notice',
        sa.Column('reason', sa.String(length=40), nullable=False),
        sa.Column('told_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('reason', name=op.f('pk_canvas_notice')),
    )


def downgrade() -> None:
    op.drop_table('canvas_notice')
    with op.batch_alter_table('channel_canvas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_canvas_owed_since'))
    op.drop_table('channel_canvas')
