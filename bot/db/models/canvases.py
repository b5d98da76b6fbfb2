"""Channel canvases the bot keeps: which canvas a channel has, whether an update is owed, who is writing it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base
from bot.db.types import UTCDateTime


class ChannelCanvas(Base):
    """One channel's canvas: its Slack id once made, and an owed update (``owed_since``) with its lease.

    A change that should show in the canvas sets ``owed_since`` in the transaction of the change itself, so a
    crash after the reply loses nothing; a process claims the update by leasing the row (``claimed_by`` /
    ``lease_until``), so two processes never write it at once. ``content_hash`` is what the canvas shows now.
    """

    __tablename__ = "channel_canvas"

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    canvas_id: Mapped[str | None] = mapped_column(String(32))
    owed_since: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(100))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CanvasNotice(Base):
    """The secretariat was told canvases cannot be kept (``reason``: missing_scope, unavailable): once each."""

    __tablename__ = "canvas_notice"

    reason: Mapped[str] = mapped_column(String(40), primary_key=True)
    told_at: Mapped[datetime] = mapped_column(UTCDateTime())
