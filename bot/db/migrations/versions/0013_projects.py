"""collective projects

Revision ID: 0013_projects
Revises: 0012_cohorts
Create Date: 2026-12-01 20:40:00

A collective project is a covenant row of kind ``project``; these tables add its parent covenant, lead
organisation and linked working group, its parties with their role, and its status updates (public or
parties-only; a milestone's note is a parties-only update with its milestone). Milestones are deadlines (kind ``project_milestone``), so they need no table.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision: str = '0013_projects'
down_revision: str | None = '0012_cohorts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('covenant_id', sa.Integer(), nullable=False),
    sa.Column('parent_covenant_id', sa.Integer(), nullable=True),
    sa.Column('lead_organisation_id', sa.Integer(), nullable=True),
    sa.Column('working_group_id', sa.Integer(), nullable=True),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['covenant_id'], ['covenant.id'], name=op.f('fk_project_covenant_id_covenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_covenant_id'], ['covenant.id'], name=op.f('fk_project_parent_covenant_id_covenant'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lead_organisation_id'], ['organisation.id'], name=op.f('fk_project_lead_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['working_group_id'], ['working_group.id'], name=op.f('fk_project_working_group_id_working_group'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project')),
    sa.UniqueConstraint('covenant_id', name=op.f('uq_project_covenant_id'))
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_parent_covenant_id'), ['parent_covenant_id'], unique=False)

    op.create_table('project_party',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_party_project_id_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_project_party_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_party')),
    sa.UniqueConstraint('project_id', 'organisation_id', name=op.f('uq_project_party_project_id_organisation_id'))
    )
    with op.batch_alter_table('project_party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_party_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_party_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('project_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=True),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('internal', sa.Boolean(), nullable=False),
    sa.Column('author_slack_id', sa.String(length=32), nullable=True),
    sa.Column('author_name', sa.String(length=200), nullable=True),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_update_project_id_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['milestone_id'], ['deadline.id'], name=op.f('fk_project_update_milestone_id_deadline'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_update'))
    )
    with op.batch_alter_table('project_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_update_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_update_milestone_id'), ['milestone_id'], unique=False)


def downgrade() -> None:
    op.drop_table('project_update')
    op.drop_table('project_party')
    op.drop_table('project')
