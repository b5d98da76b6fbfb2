"""covenant language

Revision ID: 0010_covenant_language
Revises: 0009_acked_work
Create Date: 2026-12-01 16:00:00

The language of the bot's messages in a covenant's secretariat channel (escalations, digests), as a working
group's ``language`` is for its channel; NULL: the bot's default language.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010_covenant_language'
down_revision: str | None = '0009_acked_work'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('covenant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('covenant', schema=None) as batch_op:
        batch_op.drop_column('language')
