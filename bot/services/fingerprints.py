"""Cheap change detection for caches of whole tables: one query of counts, highest ids and last updates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session


def fingerprint(session: Session, *models: Any) -> tuple[Any, ...]:
    """Differs whenever a row of ``models`` was added, removed or updated through the ORM since.

    Models with an ``updated_at`` column (``Timestamped``) also show updates; for the others, only
    additions and removals.
    """
    columns: list[Any] = []
    for model in models:
        columns += [
            select(func.count()).select_from(model).scalar_subquery(),
            select(func.max(model.id)).scalar_subquery(),
        ]
        if hasattr(model, "updated_at"):
            columns.append(select(func.max(model.updated_at)).scalar_subquery())
    return tuple(session.execute(select(*columns)).one())


def database_key(session: Session) -> str:
    """Which database a session talks to (the key of per-process caches)."""
    return session.get_bind().engine.url.render_as_string(hide_password=True)


@dataclass(frozen=True)
class Quiet:
    """Nothing falls due before ``until`` (from ``since``) while the watched tables show ``fingerprint``."""

    fingerprint: tuple[Any, ...]
    since: datetime
    until: datetime

    def holds(self, seen: tuple[Any, ...], now: datetime) -> bool:
        """True while the data is unchanged and ``now`` lies in the quiet stretch."""
        return self.fingerprint == seen and self.since <= now < self.until


@dataclass
class PlannerMemory:
    """What a planner remembers between sweeps; each sweeper keeps one per kind of message."""

    quiet: Quiet | None = None
