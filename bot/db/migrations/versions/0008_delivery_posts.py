"""reminder delivery: posts started and the unsure state

Revision ID: 0008_delivery
Revises: 0007
Create Date: 2026-12-01 09:45:00

Each chat.postMessage is recorded before it is made (``posts``, ``unsure_since``), so a row taken
over after a crash looks in the conversation's history first, whatever its last error said. Rows
that may be mid-delivery when this runs are marked unsure: their next attempt looks first.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision: str = '0008_delivery'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('reminder_delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('posts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('unsure_since', bot.db.types.UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE reminder_delivery SET posts = attempts, unsure_since = COALESCE(claimed_at, created_at) "
        "WHERE attempts > 0 AND status IN ('planned', 'claimed')"
    )
    with op.batch_alter_table('reminder_delivery', schema=None) as batch_op:
        batch_op.alter_column('posts', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('reminder_delivery', schema=None) as batch_op:
        batch_op.drop_column('unsure_since')
        batch_op.drop_column('posts')
