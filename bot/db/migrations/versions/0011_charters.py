"""charters

Revision ID: 0011_charters
Revises: 0010_covenant_language
Create Date: 2026-12-01 20:32:49

Charters: signatories (who signed, when, by whom), their commitments, and yearly progress updates on each
(requested by a deadline of kind commitment_update). Enum values are VARCHARs: ParticipationType.SIGNATORY and
DeadlineKind.COMMITMENT_UPDATE need no change here.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types


revision: str = '0011_charters'
down_revision: str | None = '0010_covenant_language'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('charter_signatory',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('covenant_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('signed_by_name', sa.String(length=200), nullable=True),
    sa.Column('signed_by_role', sa.String(length=200), nullable=True),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['covenant_id'], ['covenant.id'], name=op.f('fk_charter_signatory_covenant_id_covenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_charter_signatory_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charter_signatory')),
    sa.UniqueConstraint('covenant_id', 'organisation_id', name=op.f('uq_charter_signatory_covenant_id_organisation_id'))
    )
    with op.batch_alter_table('charter_signatory', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charter_signatory_covenant_id'), ['covenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_charter_signatory_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('charter_commitment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signatory_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('internships', 'coaching', 'free_services', 'hiring', 'other', name='commitmentkind', native_enum=False, length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('target_number', sa.Integer(), nullable=True),
    sa.Column('target_on', sa.Date(), nullable=True),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['signatory_id'], ['charter_signatory.id'], name=op.f('fk_charter_commitment_signatory_id_charter_signatory'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charter_commitment')),
    sa.UniqueConstraint('signatory_id', 'number', name=op.f('uq_charter_commitment_signatory_id_number'))
    )
    with op.batch_alter_table('charter_commitment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charter_commitment_signatory_id'), ['signatory_id'], unique=False)

    op.create_table('charter_commitment_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('achieved', sa.Integer(), nullable=True),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('reported_by', sa.String(length=200), nullable=False),
    sa.Column('deadline_id', sa.Integer(), nullable=True),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['charter_commitment.id'], name=op.f('fk_charter_commitment_update_commitment_id_charter_commitment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadline.id'], name=op.f('fk_charter_commitment_update_deadline_id_deadline'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charter_commitment_update'))
    )
    with op.batch_alter_table('charter_commitment_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charter_commitment_update_commitment_id'), ['commitment_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('charter_commitment_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charter_commitment_update_commitment_id'))

    op.drop_table('charter_commitment_update')
    with op.batch_alter_table('charter_commitment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charter_commitment_signatory_id'))

    op.drop_table('charter_commitment')
    with op.batch_alter_table('charter_signatory', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charter_signatory_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_charter_signatory_covenant_id'))

    op.drop_table('charter_signatory')
