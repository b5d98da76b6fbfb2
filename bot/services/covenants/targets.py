"""A covenant's targets with their measurements: entered by the secretariat or derived from the bot's data.

Private targets (``public`` false) and company-level figures reach only the covenant's secretariat; public targets
may be shared (``/covenant status``), so their derived percentages follow the small-numbers rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.db.models import Covenant, Target, TargetMeasurement
from bot.services.covenants.target_derivations import DERIVATIONS, SMALL_NUMBERS, Derived

UNITS = ("percent", "count")
# A change smaller than this (in the target's unit) is no trend.
FLAT = 1e-9


@dataclass(frozen=True)
class Measurement:
    """One measured value of a target."""

    on: date  # the day measured
    cycle: int  # cycle year
    value: float
    source: str  # "entered" | "derived"
    # For derived percentages: how many companies or items the value is computed over.
    basis: int | None = None


@dataclass(frozen=True)
class TargetFigures:
    """A target with its measurements, oldest first (at most one per cycle for derived ones)."""

    key: str
    name_nl: str
    name_en: str
    unit: str
    target_value: float
    target_date: date | None
    public: bool
    measurements: tuple[Measurement, ...]
    derivation: str | None = None
    # Cycles left out by the small-numbers rule (public derived percentages over too few companies).
    suppressed: tuple[int, ...] = ()

    @property
    def latest(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None

    @property
    def trend(self) -> str | None:
        """``up``, ``down`` or ``flat`` from the last two measurements; None with fewer than two."""
        if len(self.measurements) < 2:
            return None
        change = self.measurements[-1].value - self.measurements[-2].value
        if abs(change) <= FLAT:
            return "flat"
        return "up" if change > 0 else "down"

    @property
    def entered(self) -> bool:
        return self.derivation is None

    def name(self, lang: str) -> str:
        return self.name_nl if lang == "nl" else self.name_en


def targets_of(session: Session, covenant: Covenant, *, include_private: bool) -> list[Target]:
    """The covenant's target rows in their order (public ones only unless ``include_private``)."""
    query = (
        select(Target)
        .options(selectinload(Target.measurements))
        .where(Target.covenant_id == covenant.id)
        .order_by(Target.position, Target.key)
    )
    if not include_private:
        query = query.where(Target.public.is_(True))
    return list(session.scalars(query))


def find_target(session: Session, covenant: Covenant, key: str) -> Target | None:
    """The covenant's target by key (case-insensitive), or None."""
    return session.scalar(select(Target).where(Target.covenant_id == covenant.id, Target.key == key.strip().lower()))


def _derived(target: Target, rows: list[Derived]) -> tuple[tuple[Measurement, ...], tuple[int, ...]]:
    kept: list[Measurement] = []
    suppressed: list[int] = []
    for row in rows:
        if target.public and row.basis is not None and row.basis < SMALL_NUMBERS:
            suppressed.append(row.cycle)
            continue
        kept.append(Measurement(on=row.on, cycle=row.cycle, value=row.value, source="derived", basis=row.basis))
    return tuple(kept), tuple(suppressed)


def figures(session: Session, covenant: Covenant, target: Target, today: date) -> TargetFigures:
    """One target's figures as of ``today``."""
    suppressed: tuple[int, ...] = ()
    if target.derivation is None:
        measurements = tuple(
            Measurement(on=m.measured_on, cycle=m.cycle, value=m.value, source="entered")
            for m in sorted(target.measurements, key=lambda m: m.measured_on)
            if m.measured_on <= today
        )
    else:
        derive = DERIVATIONS.get(target.derivation)
        measurements, suppressed = _derived(target, derive(session, covenant, today)) if derive else ((), ())
    return TargetFigures(
        key=target.key,
        name_nl=target.name_nl,
        name_en=target.name_en,
        unit=target.unit,
        target_value=target.target_value,
        target_date=target.target_date,
        public=target.public,
        measurements=measurements,
        derivation=target.derivation,
        suppressed=suppressed,
    )


def target_figures(session: Session, covenant: Covenant, today: date, *, include_private: bool) -> list[TargetFigures]:
    """The covenant's targets with their measurements; only public ones unless ``include_private`` (the
    covenant's secretariat). Derived public percentages over fewer than five companies are left out."""
    return [
        figures(session, covenant, target, today)
        for target in targets_of(session, covenant, include_private=include_private)
    ]


def record(
    session: Session, target: Target, value: float, on: date, by: str | None, now: datetime
) -> TargetMeasurement:
    """Enter (or correct: one value per target and day) a measurement of an entered target."""
    if target.derivation is not None:
        raise ValueError(f"target {target.key} is derived ({target.derivation})")
    existing = session.scalar(
        select(TargetMeasurement).where(TargetMeasurement.target_id == target.id, TargetMeasurement.measured_on == on)
    )
    if existing is None:
        existing = TargetMeasurement(target_id=target.id, measured_on=on, cycle=on.year, value=value)
        session.add(existing)
    existing.value = value
    existing.entered_by = by
    existing.entered_at = now
    session.flush()
    session.expire(target, ["measurements"])
    return existing
