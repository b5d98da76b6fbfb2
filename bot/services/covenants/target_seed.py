"""Loading targets as data: config/targets.yml (defaults per covenant kind, extras per covenant) and the demo's
targets with their measurements. Idempotent: targets are updated by key; a demo target's measurements are loaded
only while it has none."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Covenant, Target, TargetMeasurement
from bot.services.covenants.target_derivations import DERIVATIONS
from bot.services.covenants.targets import UNITS
from config import CONFIG_DIR, read_yaml

TARGETS_FILE = CONFIG_DIR / "targets.yml"


class TargetConfigError(ValueError):
    """A target entry names an unknown unit or derivation, or lacks a field."""


def _check(entry: dict[str, Any]) -> None:
    missing = [name for name in ("key", "name_nl", "name_en", "unit", "target") if name not in entry]
    if missing:
        raise TargetConfigError(f"target {entry.get('key')!r} lacks {', '.join(missing)}")
    if entry["unit"] not in UNITS:
        raise TargetConfigError(f"target {entry['key']!r}: unknown unit {entry['unit']!r}")
    derivation = entry.get("derivation")
    if derivation is not None and derivation not in DERIVATIONS:
        raise TargetConfigError(f"target {entry['key']!r}: unknown derivation {derivation!r}")


def _upsert(
    session: Session, covenant: Covenant, entry: dict[str, Any], position: int, stored: dict[str, Target]
) -> Target:
    _check(entry)
    key = str(entry["key"]).lower()
    target = stored.get(key)
    if target is None:
        target = Target(covenant_id=covenant.id, key=key)
        session.add(target)
        stored[key] = target
    target.position = position
    target.name_nl = entry["name_nl"]
    target.name_en = entry["name_en"]
    target.unit = entry["unit"]
    target.target_value = float(entry["target"])
    target.target_date = entry.get("target_date")
    target.public = bool(entry.get("public", False))
    target.derivation = entry.get("derivation")
    return target


def _stored(session: Session) -> dict[int, dict[str, Target]]:
    found: dict[int, dict[str, Target]] = {}
    for target in session.scalars(select(Target)):
        found.setdefault(target.covenant_id, {})[target.key] = target
    return found


def _config() -> dict[str, Any]:
    data: dict[str, Any] = read_yaml(TARGETS_FILE) or {}
    return data


def entries_for(covenant: Covenant, own: list[dict[str, Any]], data: dict[str, Any]) -> list[dict[str, Any]]:
    """A covenant's target entries: its kind's defaults, then its own (same key: its own)."""
    merged: dict[str, dict[str, Any]] = {}
    for entry in [*((data.get("defaults") or {}).get(covenant.kind.value) or []), *own]:
        merged[str(entry["key"]).lower()] = entry
    return list(merged.values())


def _load(session: Session, covenant: Covenant, own: list[dict[str, Any]], stored: dict[str, Target]) -> list[Target]:
    data = _config()
    return [_upsert(session, covenant, e, i, stored) for i, e in enumerate(entries_for(covenant, own, data))]


def load(session: Session, slugs: dict[str, Covenant]) -> int:
    """Insert or update the targets config/targets.yml gives the covenants it lists; returns how many."""
    listed: dict[str, list[dict[str, Any]]] = _config().get("covenants") or {}
    stored = _stored(session)
    count = 0
    for slug, own in listed.items():
        if slug in slugs:
            count += len(_load(session, slugs[slug], own or [], stored.setdefault(slugs[slug].id, {})))
    session.flush()
    return count


def load_demo(
    session: Session,
    entries: dict[str, list[dict[str, Any]]],
    slugs: dict[str, Covenant],
    day: Callable[[Any], date | None],
    now: datetime,
) -> None:
    """The demo covenants' targets (their kind's defaults and their own) with the demo measurements."""
    stored = _stored(session)
    for slug, own in entries.items():
        covenant = slugs[slug]
        targets = {t.key: t for t in _load(session, covenant, own, stored.setdefault(covenant.id, {}))}
        session.flush()
        for entry in own:
            target = targets[str(entry["key"]).lower()]
            # Once per target: the days are relative to today, so a later re-seed would add them again.
            if session.scalar(select(TargetMeasurement.id).where(TargetMeasurement.target_id == target.id).limit(1)):
                continue
            have: set[date] = set()
            for measured in entry.get("measurements") or []:
                on = day(measured["day"])
                if on is None or on in have:
                    continue
                have.add(on)
                session.add(
                    TargetMeasurement(
                        target_id=target.id,
                        measured_on=on,
                        cycle=on.year,
                        value=float(measured["value"]),
                        entered_by=None,
                        entered_at=now,
                    )
                )
    session.flush()
