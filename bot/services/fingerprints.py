"""Cheap change detection for caches of whole tables: one query of counts, highest ids and last updates."""

from __future__ import annotations

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
