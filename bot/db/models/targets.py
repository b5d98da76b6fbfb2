"""A covenant's targets (doelen) and the measurements the secretariat enters for them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.models.base import Base, Timestamped
from bot.db.models.covenants import Covenant
from bot.db.types import UTCDateTime


class Target(Timestamped, Base):
    """A measurable target of a covenant; ``derivation`` names how the bot computes it (None: entered)."""

    __tablename__ = "covenant_target"
    __table_args__ = (UniqueConstraint("covenant_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    covenant_id: Mapped[int] = mapped_column(ForeignKey("covenant.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(default=0)
    name_nl: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(16))
    target_value: Mapped[float] = mapped_column(Float)
    target_date: Mapped[date | None]
    public: Mapped[bool] = mapped_column(default=False)
    derivation: Mapped[str | None] = mapped_column(String(32))

    covenant: Mapped[Covenant] = relationship()
    measurements: Mapped[list[TargetMeasurement]] = relationship(
        back_populates="target", cascade="all, delete-orphan", order_by="TargetMeasurement.measured_on"
    )


class TargetMeasurement(Timestamped, Base):
    """A value the secretariat entered for a target on a day (the cycle is that day's year)."""

    __tablename__ = "target_measurement"
    __table_args__ = (UniqueConstraint("target_id", "measured_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("covenant_target.id", ondelete="CASCADE"), index=True)
    measured_on: Mapped[date]
    cycle: Mapped[int]
    value: Mapped[float] = mapped_column(Float)
    entered_by: Mapped[str | None] = mapped_column(String(32))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime())

    target: Mapped[Target] = relationship(back_populates="measurements")
