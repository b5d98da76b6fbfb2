"""Cohort programmes: a programme's yearly cohort, its participants, materials, milestones and check-ins.

A programme is a ``covenant`` row of kind programme; its coordinator holds the secretariat role on it. Each cohort
has its own working group, so its sessions are ordinary meetings of the meetings engine.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.models.base import Base, Timestamped
from bot.db.models.covenants import Covenant, Organisation, Person
from bot.db.models.meetings import WorkingGroup
from bot.db.types import UTCDateTime


class Cohort(Timestamped, Base):
    """One year's cohort of a programme (public: year, dates, companies and aggregate completion)."""

    __tablename__ = "cohort"
    __table_args__ = (UniqueConstraint("covenant_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    covenant_id: Mapped[int] = mapped_column(ForeignKey("covenant.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    working_group_id: Mapped[int | None] = mapped_column(ForeignKey("working_group.id", ondelete="SET NULL"))

    covenant: Mapped[Covenant] = relationship()
    coordinator: Mapped[Person | None] = relationship()
    group: Mapped[WorkingGroup | None] = relationship()
    participants: Mapped[list[CohortParticipant]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", order_by="CohortParticipant.id"
    )
    materials: Mapped[list[CohortMaterial]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", order_by="CohortMaterial.position"
    )
    milestones: Mapped[list[CohortMilestone]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", order_by="CohortMilestone.position"
    )


class CohortParticipant(Timestamped, Base):
    """An organisation taking part in a cohort (public)."""

    __tablename__ = "cohort_participant"
    __table_args__ = (UniqueConstraint("cohort_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    joined_on: Mapped[date]

    cohort: Mapped[Cohort] = relationship(back_populates="participants")
    organisation: Mapped[Organisation] = relationship()


class CohortMaterial(Timestamped, Base):
    """A link to a tool or reading for the cohort (title and https URL)."""

    __tablename__ = "cohort_material"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))

    cohort: Mapped[Cohort] = relationship(back_populates="materials")


class CohortMilestone(Timestamped, Base):
    """A milestone every participant works towards (``position`` is its number in the cohort)."""

    __tablename__ = "cohort_milestone"
    __table_args__ = (UniqueConstraint("cohort_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None]

    cohort: Mapped[Cohort] = relationship(back_populates="milestones")


class MilestoneCheckin(Timestamped, Base):
    """A participant's check-in on one milestone: confidential to that company's contacts and the coordinator."""

    __tablename__ = "milestone_checkin"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("cohort_milestone.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    checked_on: Mapped[date]
    note: Mapped[str | None] = mapped_column(Text)
    done: Mapped[bool] = mapped_column(default=False)
    recorded_by: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    milestone: Mapped[CohortMilestone] = relationship()
    organisation: Mapped[Organisation] = relationship()
