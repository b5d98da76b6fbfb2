"""Collective projects: a covenant row of kind PROJECT with its parent covenant, lead, parties and updates.

Milestones are deadlines of the reminder engine (``DeadlineKind.PROJECT_MILESTONE`` on the project's row).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.models.base import Base, Timestamped
from bot.db.models.covenants import Covenant, Organisation
from bot.db.models.meetings import WorkingGroup


class Project(Timestamped, Base):
    """What a covenant row of kind PROJECT adds: its parent covenant, lead organisation and linked group."""

    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    covenant_id: Mapped[int] = mapped_column(ForeignKey("covenant.id", ondelete="CASCADE"), unique=True)
    parent_covenant_id: Mapped[int | None] = mapped_column(ForeignKey("covenant.id", ondelete="SET NULL"), index=True)
    lead_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    working_group_id: Mapped[int | None] = mapped_column(ForeignKey("working_group.id", ondelete="SET NULL"))

    covenant: Mapped[Covenant] = relationship(foreign_keys=[covenant_id])
    parent: Mapped[Covenant | None] = relationship(foreign_keys=[parent_covenant_id])
    lead: Mapped[Organisation | None] = relationship()
    working_group: Mapped[WorkingGroup | None] = relationship()
    parties: Mapped[list[ProjectParty]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectParty.id"
    )


class ProjectParty(Timestamped, Base):
    """An organisation taking part in a project, with its role in words ("lead", "funder", "implementing NGO")."""

    __tablename__ = "project_party"
    __table_args__ = (UniqueConstraint("project_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(200))

    project: Mapped[Project] = relationship(back_populates="parties")
    organisation: Mapped[Organisation] = relationship()


class ProjectUpdate(Timestamped, Base):
    """A status update; ``internal`` ones are for the project's parties and its coordinators only. With
    ``milestone_id`` it is that milestone's note (always internal)."""

    __tablename__ = "project_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("deadline.id", ondelete="CASCADE"), index=True)
    on: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(default=False)
    author_slack_id: Mapped[str | None] = mapped_column(String(32))
    author_name: Mapped[str | None] = mapped_column(String(200))
