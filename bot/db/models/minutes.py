"""Minutes of a meeting occurrence, their contributions, decisions and action items."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, column, func, literal_column
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.enums import MinutesStatus
from bot.db.models.base import Base, Timestamped
from bot.db.models.covenants import Person
from bot.db.models.meetings import Meeting
from bot.db.types import UTCDateTime, enum_column


class Minutes(Timestamped, Base):
    """One version of the minutes of one occurrence; an approved version is never changed."""

    __tablename__ = "minutes"
    __table_args__ = (
        UniqueConstraint("meeting_id", "occurrence_start", "version"),
        # The minutes planner looks for drafts and circulated versions of recent meetings.
        Index("ix_minutes_status_occurrence", "status", "occurrence_start"),
        # The minutes planner notices changes by the latest updated_at.
        Index("ix_minutes_updated_at", "updated_at"),
        # Full-text search on PostgreSQL (SQLite searches ``search_text`` with LIKE: see minutes_search).
        Index(
            "ix_minutes_search",
            func.to_tsvector(literal_column("'simple'"), column("search_text")),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    occurrence_start: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[MinutesStatus] = mapped_column(enum_column(MinutesStatus), default=MinutesStatus.DRAFT)
    summary: Mapped[str | None] = mapped_column(Text)
    attendees: Mapped[str | None] = mapped_column(Text)
    taker_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # The "Minutes for ..." message whose thread replies become contributions.
    thread_channel: Mapped[str | None] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32), index=True)
    circulated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    comments_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by: Mapped[str | None] = mapped_column(String(32))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("minutes.id", ondelete="SET NULL"))
    # Folded words of the whole minutes (title, summary, decisions, action items, contributions), kept
    # up to date by bot.services.minutes.minutes_search.refresh(): what full-text search looks in.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    meeting: Mapped[Meeting] = relationship()
    taker: Mapped[Person | None] = relationship()
    contributions: Mapped[list[MinutesContribution]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan", order_by="MinutesContribution.id"
    )
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan", order_by="Decision.position"
    )
    action_items: Mapped[list[ActionItem]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan", order_by="ActionItem.position"
    )


class MinutesContribution(Timestamped, Base):
    __tablename__ = "minutes_contribution"
    __table_args__ = (UniqueConstraint("minutes_id", "channel_id", "message_ts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    author_slack_id: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    permalink: Mapped[str | None] = mapped_column(String(500))
    deleted: Mapped[bool] = mapped_column(default=False)

    minutes: Mapped[Minutes] = relationship(back_populates="contributions")


class Decision(Timestamped, Base):
    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)

    minutes: Mapped[Minutes] = relationship(back_populates="decisions")


class ActionItem(Timestamped, Base):
    __tablename__ = "action_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    owner_slack_id: Mapped[str | None] = mapped_column(String(32))
    task: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None]
    deadline_id: Mapped[int | None] = mapped_column(ForeignKey("deadline.id", ondelete="SET NULL"))

    minutes: Mapped[Minutes] = relationship(back_populates="action_items")
