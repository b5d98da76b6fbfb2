"""email links

Revision ID: 0015_email_links
Revises: 0014_person_email
Create Date: 2026-12-02 05:30:00

The links in emails work once: ``used_link`` records each used link's random nonce (unique, so two requests
racing with one link act once; no personal data). ``link_key`` holds the secret links are signed with when no
LINK_SECRET or SLACK_SIGNING_SECRET is set (the console, the demo).
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015_email_links'
down_revision: str | None = '0014_person_email'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'used_link',
        sa.Column('nonce', sa.String(length=32), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('nonce', name=op.f('pk_used_link')),
    )
    with op.batch_alter_table('used_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_used_link_expires_at'), ['expires_at'], unique=False)
    op.create_table(
        'link_key',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('secret', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_link_key')),
    )


def downgrade() -> None:
    op.drop_table('link_key')
    with op.batch_alter_table('used_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_used_link_expires_at'))
    op.drop_table('used_link')
