"""person email and route

Revision ID: 0014_person_email
Revises: 0013_projects
Create Date: 2026-12-02 05:20:00

People without (a working) Slack are reached by email: a person gets an email address (unique, stored
lower-cased), a route (``slack``, ``email`` or ``both``; existing people keep ``slack``) and, since such a
person has no Slack profile to read a time zone from, an optional time zone of their own.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014_person_email'
down_revision: str | None = '0013_projects'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(
            sa.Column(
                'route',
                sa.Enum('slack', 'email', 'both', name='contactroute', native_enum=False, length=32),
                nullable=False,
                server_default='slack',
            )
        )
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_person_email'), ['email'])


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_person_email'), type_='unique')
        batch_op.drop_column('timezone')
        batch_op.drop_column('route')
        batch_op.drop_column('email')
