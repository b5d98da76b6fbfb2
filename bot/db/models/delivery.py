"""Reminder deliveries (claimed in the database), the audit trail and processed Slack events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.enums import DeliveryStatus
from bot.db.models.base import Base, utcnow
from bot.db.types import UTCDateTime, enum_column, json_column


class ReminderDelivery(Base):
    """One message the bot owes someone; ``dedupe_key`` makes each one exist, and so be sent, once."""

    __tablename__ = "reminder_delivery"
    __table_args__ = (Index("ix_reminder_delivery_due", "status", "planned_for"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    deadline_id: Mapped[int | None] = mapped_column(ForeignKey("deadline.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    occurrence_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    minutes_id: Mapped[int | None] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"))
    covenant_id: Mapped[int | None] = mapped_column(ForeignKey("covenant.id", ondelete="CASCADE"))
    working_group_id: Mapped[int | None] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"))
    # What the message is about (e.g. the delivery that failed), for notices without a row of their own.
    payload: Mapped[dict[str, object] | None] = mapped_column(json_column())
    rule: Mapped[str] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(String(32))
    planned_for: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus), default=DeliveryStatus.PLANNED)
    # Claims so far; with ``claimed_by`` it names one claim, so a process that lost its claim writes nothing.
    attempts: Mapped[int] = mapped_column(default=0)
    # chat.postMessage requests started (each recorded, committed, before it is made), less those answered 429.
    posts: Mapped[int] = mapped_column(default=0)
    # Since when a request may have reached Slack unrecorded: until the history shows it or not, no new send.
    unsure_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditEntry(Base):
    """Who changed what, when: written for every change made through Slack and every reminder outcome."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int | None]
    detail: Mapped[dict[str, object] | None] = mapped_column(json_column())


class ProcessedEvent(Base):
    """An Events API event_id already handled: makes Slack's retries harmless across instances."""

    __tablename__ = "processed_event"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
