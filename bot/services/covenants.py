"""Covenants: finding one by whatever name people use, listing them, and their public status."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import CovenantKind, CovenantPhase, OrganisationKind
from bot.db.models import Covenant, CovenantFact, Organisation, Participation
from bot.services.errors import UsageError
from bot.services.matching import best_match, normalise

# Words that say "covenant" rather than which one; dropped before matching ("textielconvenant").
_GENERIC_WORDS = ("convenant", "agreement", "imvo", "rbc", "sector", "het", "de", "the")


def _strip_generic(text: str) -> str:
    words = [word for word in text.lower().split() if word not in _GENERIC_WORDS]
    stripped = " ".join(words) or text
    for suffix in ("convenant", "sectorconvenant", "agreement"):
        if stripped.endswith(suffix) and len(stripped) > len(suffix) + 2:
            stripped = stripped.removesuffix(suffix).rstrip("- ")
    return stripped


def all_covenants(session: Session) -> list[Covenant]:
    """Every covenant and related initiative, covenants first, then by Dutch name."""
    rows = session.scalars(select(Covenant).options(selectinload(Covenant.aliases))).all()
    kind_order = list(CovenantKind)
    return sorted(rows, key=lambda c: (kind_order.index(c.kind), c.name_nl.lower()))


def resolve(session: Session, name: str) -> Covenant:
    """The covenant meant by ``name`` (slug, Dutch or English name, alias, close misspelling).

    Raises UsageError ``covenant.unknown`` with the nearest suggestions when nothing fits.
    """
    covenants = all_covenants(session)
    candidates: list[tuple[int, str]] = []
    for covenant in covenants:
        candidates += [
            (covenant.id, covenant.slug),
            (covenant.id, covenant.name_nl),
            (covenant.id, covenant.name_en),
        ]
        candidates += [(covenant.id, alias.alias) for alias in covenant.aliases]
    by_id = {covenant.id: covenant for covenant in covenants}
    query = name.strip()
    if not query:
        raise UsageError("covenant.missing_name")
    match = best_match(query, candidates)
    if match.key is None and _strip_generic(query) != query.lower():
        match = best_match(_strip_generic(query), candidates)
    if match.key is None:
        raise UsageError(
            "covenant.unknown",
            name=query,
            suggestions=", ".join(by_id[key].slug for key in match.suggestions),
        )
    return by_id[match.key]


def match_exact(session: Session, name: str) -> Covenant | None:
    """The covenant whose slug, name or alias is exactly ``name`` (normalised), else None: for splitting
    arguments such as "<company> <covenant>", where a fuzzy match would swallow company words."""
    wanted = normalise(name)
    if not wanted:
        return None
    for covenant in all_covenants(session):
        names = [covenant.slug, covenant.name_nl, covenant.name_en, *(a.alias for a in covenant.aliases)]
        if wanted in {normalise(n) for n in names}:
            return covenant
    return None


@dataclass(frozen=True)
class CovenantStatus:
    """The public picture of one covenant on a given day."""

    covenant: Covenant
    parties_by_kind: dict[OrganisationKind, int]
    companies: int
    left: int
    facts: list[CovenantFact]
    today: date

    @property
    def has_uncertain_facts(self) -> bool:
        return any(fact.uncertain for fact in self.facts)


def status(session: Session, covenant: Covenant, today: date) -> CovenantStatus:
    """Public status: dates, phase, who takes part now (by kind), who left, and the recorded facts."""
    rows = session.execute(
        select(Participation, Organisation.kind)
        .join(Organisation, Participation.organisation_id == Organisation.id)
        .where(Participation.covenant_id == covenant.id)
    ).all()
    current: Counter[OrganisationKind] = Counter()
    left = 0
    for participation, kind in rows:
        if participation.left_on is not None and participation.left_on <= today:
            left += 1
        else:
            current[kind] += 1
    return CovenantStatus(
        covenant=covenant,
        parties_by_kind=dict(current),
        companies=current.get(OrganisationKind.COMPANY, 0),
        left=left,
        facts=list(covenant.facts),
        today=today,
    )


def by_phase(covenants: list[Covenant], phase: CovenantPhase | None) -> list[Covenant]:
    """Only the covenants in ``phase`` (all when None)."""
    return [c for c in covenants if phase is None or c.phase == phase]


def covenants_of(session: Session, organisation_id: int | None, role_covenant_ids: set[int]) -> list[Covenant]:
    """Covenants a person takes part in: through a role, or through their organisation's participation."""
    ids = set(role_covenant_ids)
    if organisation_id is not None:
        ids |= set(
            session.scalars(
                select(Participation.covenant_id).where(
                    Participation.organisation_id == organisation_id, Participation.left_on.is_(None)
                )
            )
        )
    if not ids:
        return []
    return [c for c in all_covenants(session) if c.id in ids]
