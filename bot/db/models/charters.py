"""Charters: who signed (and when, by whom), what each signatory committed to, and the yearly progress updates.

Who signed and what they committed to are public; a progress update's text is the signatory's own business
(that signatory's contacts and the charter's coordinator: ``Viewer.may_see_progress_notes``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.enums import CommitmentKind
from bot.db.models.base import Base, Timestamped
from bot.db.models.covenants import Covenant, Organisation
from bot.db.models.plans import Deadline
from bot.db.types import enum_column


class CharterSignatory(Timestamped, Base):
    """An organisation's signature under a charter (a ``covenant`` row of kind charter)."""

    __tablename__ = "charter_signatory"
    __table_args__ = (UniqueConstraint("covenant_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    covenant_id: Mapped[int] = mapped_column(ForeignKey("covenant.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    signed_on: Mapped[date]
    signed_by_name: Mapped[str | None] = mapped_column(String(200))
    signed_by_role: Mapped[str | None] = mapped_column(String(200))

    covenant: Mapped[Covenant] = relationship()
    organisation: Mapped[Organisation] = relationship()
    commitments: Mapped[list[Commitment]] = relationship(
        back_populates="signatory", cascade="all, delete-orphan", order_by="Commitment.number"
    )


class Commitment(Timestamped, Base):
    """One thing a signatory committed to; ``number`` counts from 1 per signatory (``/charter progress … 2``)."""

    __tablename__ = "charter_commitment"
    __table_args__ = (UniqueConstraint("signatory_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signatory_id: Mapped[int] = mapped_column(ForeignKey("charter_signatory.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    kind: Mapped[CommitmentKind] = mapped_column(enum_column(CommitmentKind))
    text: Mapped[str] = mapped_column(Text)
    target_number: Mapped[int | None]
    target_on: Mapped[date | None]

    signatory: Mapped[CharterSignatory] = relationship(back_populates="commitments")
    updates: Mapped[list[CommitmentUpdate]] = relationship(
        back_populates="commitment", cascade="all, delete-orphan", order_by="CommitmentUpdate.reported_on"
    )


class CommitmentUpdate(Timestamped, Base):
    """A yearly progress update on a commitment: its text is confidential to the signatory and the coordinator."""

    __tablename__ = "charter_commitment_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("charter_commitment.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    achieved: Mapped[int | None]
    reported_on: Mapped[date]
    reported_by: Mapped[str] = mapped_column(String(200))
    # The deadline that asked for it (marked done when the update was recorded).
    deadline_id: Mapped[int | None] = mapped_column(ForeignKey("deadline.id", ondelete="SET NULL"))

    commitment: Mapped[Commitment] = relationship(back_populates="updates")
    deadline: Mapped[Deadline | None] = relationship()
