"""The links in emails: which ones were used (each works once), and the database's own link secret."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base
from bot.db.types import UTCDateTime


class UsedLink(Base):
    """A link that has acted: its nonce, unique, so two requests racing with one link act once.

    No personal data: the nonce is random, and the row can go once the link would have expired anyway.
    """

    __tablename__ = "used_link"

    nonce: Mapped[str] = mapped_column(String(32), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class LinkKey(Base):
    """The secret links are signed with when neither LINK_SECRET nor SLACK_SIGNING_SECRET is set (the console,
    the demo): one row, made on first use, so links keep working across restarts on the same database."""

    __tablename__ = "link_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
