"""Working groups, their meetings (one-off or an RRULE series) and RSVPs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.enums import GroupKind, MeetingKind, MeetingStatus, RsvpAnswer
from bot.db.models.base import Base, Timestamped
from bot.db.models.covenants import Covenant, Organisation, Person
from bot.db.types import UTCDateTime, enum_column


class WorkingGroup(Timestamped, Base):
    __tablename__ = "working_group"
    __table_args__ = (UniqueConstraint("covenant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    covenant_id: Mapped[int] = mapped_column(ForeignKey("covenant.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[GroupKind] = mapped_column(enum_column(GroupKind), default=GroupKind.WORKING_GROUP)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    # Language of the messages the bot posts in the group's channel (None: the bot's default).
    language: Mapped[str | None] = mapped_column(String(8))
    # Unguessable token of the group's iCalendar feed; the chair can rotate it.
    calendar_token: Mapped[str] = mapped_column(String(64), unique=True)

    covenant: Mapped[Covenant] = relationship()
    members: Mapped[list[WorkingGroupMember]] = relationship(back_populates="group", cascade="all, delete-orphan")


class WorkingGroupMember(Timestamped, Base):
    __tablename__ = "working_group_member"
    __table_args__ = (UniqueConstraint("group_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    is_chair: Mapped[bool] = mapped_column(default=False)

    group: Mapped[WorkingGroup] = relationship(back_populates="members")
    person: Mapped[Person] = relationship()


class Meeting(Timestamped, Base):
    """A meeting, or the master of a series when ``rrule`` is set (times in UTC, shown in ``timezone``)."""

    __tablename__ = "meeting"
    # The reminder planners notice changes by the latest updated_at (bot.services.fingerprints).
    __table_args__ = (Index("ix_meeting_updated_at", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(128), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    working_group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind), default=MeetingKind.WORKING_GROUP)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    rrule: Mapped[str | None] = mapped_column(String(500))
    # Last occurrence of a series, for quick range queries (None: open-ended or one-off).
    series_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    location: Mapped[str | None] = mapped_column(String(500))
    video_url: Mapped[str | None] = mapped_column(String(500))
    agenda: Mapped[str | None] = mapped_column(Text)
    status: Mapped[MeetingStatus] = mapped_column(enum_column(MeetingStatus), default=MeetingStatus.SCHEDULED)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    minute_taker_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # Set for a confidential assessment meeting with one company.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))

    group: Mapped[WorkingGroup] = relationship()
    minute_taker: Mapped[Person | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    exceptions: Mapped[list[MeetingException]] = relationship(back_populates="meeting", cascade="all, delete-orphan")


class MeetingException(Timestamped, Base):
    """One occurrence of a series moved, cancelled or given its own agenda (iCalendar RECURRENCE-ID)."""

    __tablename__ = "meeting_exception"
    __table_args__ = (
        UniqueConstraint("meeting_id", "recurrence_id"),
        Index("ix_meeting_exception_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    recurrence_id: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[MeetingStatus] = mapped_column(enum_column(MeetingStatus), default=MeetingStatus.SCHEDULED)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    agenda: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    sequence: Mapped[int] = mapped_column(default=0)

    meeting: Mapped[Meeting] = relationship(back_populates="exceptions")


class Rsvp(Timestamped, Base):
    __tablename__ = "rsvp"
    __table_args__ = (UniqueConstraint("meeting_id", "occurrence_start", "slack_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    occurrence_start: Mapped[datetime] = mapped_column(UTCDateTime())
    slack_user_id: Mapped[str] = mapped_column(String(32))
    answer: Mapped[RsvpAnswer] = mapped_column(enum_column(RsvpAnswer))
