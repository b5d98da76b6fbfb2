"""Work Slack was told is done ("acknowledged") but that runs after the ack: recorded before the ack goes out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base
from bot.db.types import UTCDateTime, json_column


class AckedWork(Base):
    """One lazy listener's run for one Slack request, leased to the process that runs it.

    ``request`` is the request as Bolt read it, without Slack's verification token, and only until the work
    is done: then it is cleared, so the table holds no text beyond what the rest of the database holds.
    """

    __tablename__ = "acked_work"
    __table_args__ = (Index("ix_acked_work_due", "status", "lease_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    function: Mapped[str] = mapped_column(String(255))
    request: Mapped[dict[str, object] | None] = mapped_column(json_column())
    status: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # With ``claimed_by`` it names one claim: a process that lost its claim changes nothing.
    attempts: Mapped[int] = mapped_column(default=1)
    claimed_by: Mapped[str] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the answer to the user was handed to Slack: a takeover after it does not answer again.
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
