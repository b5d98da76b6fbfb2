"""Action plans (plan van aanpak) and the deadlines the reminder engine tracks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.enums import AssessmentOutcome, DeadlineKind, DeadlineStatus
from bot.db.models.base import Base, Timestamped
from bot.db.models.covenants import Covenant, Organisation, Person
from bot.db.types import UTCDateTime, enum_column


class Deadline(Timestamped, Base):
    """Something due on a date, owned by a company and/or a person; the engine reminds its owners."""

    __tablename__ = "deadline"
    __table_args__ = (Index("ix_deadline_status_due_on", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable external key (CSV imports, action plans) so upserts are idempotent.
    ref: Mapped[str | None] = mapped_column(String(128), unique=True)
    covenant_id: Mapped[int] = mapped_column(ForeignKey("covenant.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DeadlineKind] = mapped_column(enum_column(DeadlineKind))
    title: Mapped[str] = mapped_column(String(300))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    owner_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    owner_slack_id: Mapped[str | None] = mapped_column(String(32))
    due_on: Mapped[date]
    status: Mapped[DeadlineStatus] = mapped_column(enum_column(DeadlineStatus), default=DeadlineStatus.OPEN)
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when reminders were (re)planned; the sweep plans only deadlines changed since.
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    covenant: Mapped[Covenant] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    owner_person: Mapped[Person | None] = relationship()


class ActionPlan(Timestamped, Base):
    """A company's plan for one cycle year; the assessment outcome and notes are confidential."""

    __tablename__ = "action_plan"
    __table_args__ = (UniqueConstraint("organisation_id", "covenant_id", "cycle_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    covenant_id: Mapped[int] = mapped_column(ForeignKey("covenant.id", ondelete="CASCADE"), index=True)
    cycle_year: Mapped[int]
    due_on: Mapped[date]
    submitted_on: Mapped[date | None]
    submitted_confirmed: Mapped[bool] = mapped_column(default=False)
    assessment_outcome: Mapped[AssessmentOutcome | None] = mapped_column(enum_column(AssessmentOutcome))
    assessed_on: Mapped[date | None]
    assessment_notes: Mapped[str | None] = mapped_column(Text)
    deadline_id: Mapped[int | None] = mapped_column(ForeignKey("deadline.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    covenant: Mapped[Covenant] = relationship()
    deadline: Mapped[Deadline | None] = relationship()
