"""Organisations: finding one by the name people type."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Organisation
from bot.services.errors import UsageError
from bot.services.matching import best_match, normalise


def resolve(session: Session, name: str) -> Organisation:
    """The organisation called ``name`` (exact, without "(demo)"/"BV" noise, or a close misspelling).

    Raises UsageError ``organisation.unknown`` with suggestions when nothing fits.
    """
    query = name.strip()
    if not query:
        raise UsageError("organisation.missing_name")
    organisations = list(session.scalars(select(Organisation)))
    candidates: list[tuple[int, str]] = []
    for organisation in organisations:
        candidates.append((organisation.id, organisation.name))
        short = _short_name(organisation.name)
        if short != normalise(organisation.name):
            candidates.append((organisation.id, short))
    match = best_match(query, candidates)
    by_id = {organisation.id: organisation for organisation in organisations}
    if match.key is None:
        raise UsageError(
            "organisation.unknown", name=query, suggestions=", ".join(by_id[key].name for key in match.suggestions)
        )
    return by_id[match.key]


_NOISE = {"bv", "b v", "nv", "n v", "demo", "ltd", "gmbh", "sa", "the", "stichting", "vereniging"}


def _short_name(name: str) -> str:
    words = [word for word in normalise(name).split() if word not in _NOISE]
    return " ".join(words)
