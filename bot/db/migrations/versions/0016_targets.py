"""targets: a covenant's targets and the measurements entered for them

Revision ID: 0016_targets
Revises: 0015_email_links
Create Date: 2026-12-02 14:30:00

Targets are data (names in Dutch and English, unit, target value and date, public or not); a target is either
entered by the secretariat (``target_measurement`` rows) or derived by a named derivation from the bot's own data.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision: str = "0016_targets"
down_revision: str | None = "0015_email_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "covenant_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("covenant_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_nl", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("target_value", sa.Float(), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("derivation", sa.String(length=32), nullable=True),
        sa.Column("created_at", bot.db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", bot.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["covenant_id"], ["covenant.id"], name=op.f("fk_covenant_target_covenant_id_covenant"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_covenant_target")),
        sa.UniqueConstraint("covenant_id", "key", name=op.f("uq_covenant_target_covenant_id_key")),
    )
    with op.batch_alter_table("covenant_target", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_covenant_target_covenant_id"), ["covenant_id"], unique=False)

    op.create_table(
        "target_measurement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("entered_by", sa.String(length=32), nullable=True),
        sa.Column("entered_at", bot.db.types.UTCDateTime(), nullable=False),
        sa.Column("created_at", bot.db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", bot.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["covenant_target.id"],
            name=op.f("fk_target_measurement_target_id_covenant_target"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_measurement")),
        sa.UniqueConstraint("target_id", "measured_on", name=op.f("uq_target_measurement_target_id_measured_on")),
    )
    with op.batch_alter_table("target_measurement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_target_measurement_target_id"), ["target_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("target_measurement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_target_measurement_target_id"))
    op.drop_table("target_measurement")
    with op.batch_alter_table("covenant_target", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_covenant_target_covenant_id"))
    op.drop_table("covenant_target")
