"""Covenants: finding one by whatever name people use, listing them, and their public status."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from bot.db.enums import CovenantKind, CovenantPhase, OrganisationKind
from bot.db.models import Covenant, CovenantAlias, CovenantFact, Organisation, Participation
from bot.parsing.text import normalise
from bot.services.covenants.matching import NameIndex
from bot.services.errors import UsageError

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
    """Every covenant and related initiative, covenants first, then by Dutch name (aliases not loaded: see
    :func:`names`)."""
    rows = session.scalars(select(Covenant)).all()
    kind_order = list(CovenantKind)
    return sorted(rows, key=lambda c: (kind_order.index(c.kind), c.name_nl.lower()))


@dataclass(frozen=True)
class CovenantNames:
    """Every name of every covenant, loaded and normalised once (resolving several phrases costs one load)."""

    slugs: dict[int, str]
    index: NameIndex[int]


def names(session: Session) -> CovenantNames:
    """All the names covenants go by (slug, Dutch and English name, aliases), in :func:`all_covenants`' order.

    Only the names are read: the covenant a name resolves to is loaded on its own.
    """
    kind_order = list(CovenantKind)
    rows = sorted(
        session.execute(select(Covenant.id, Covenant.kind, Covenant.slug, Covenant.name_nl, Covenant.name_en)),
        key=lambda row: (kind_order.index(row.kind), row.name_nl.lower()),
    )
    aliases: dict[int, list[str]] = {}
    for covenant_id, alias in session.execute(
        select(CovenantAlias.covenant_id, CovenantAlias.alias).order_by(CovenantAlias.alias)
    ):
        aliases.setdefault(covenant_id, []).append(alias)
    candidates: list[tuple[int, str]] = []
    for row in rows:
        candidates += [(row.id, row.slug), (row.id, row.name_nl), (row.id, row.name_en)]
        candidates += [(row.id, alias) for alias in aliases.get(row.id, [])]
    return CovenantNames({row.id: row.slug for row in rows}, NameIndex(candidates))


def resolve(session: Session, name: str, known: CovenantNames | None = None) -> Covenant:
    """The covenant meant by ``name`` (slug, Dutch or English name, alias, close misspelling).

    Raises UsageError ``covenant.unknown`` with the nearest suggestions when nothing fits. Pass
    ``known`` (from :func:`names`) to resolve several names against one load.
    """
    known = known or names(session)
    query = name.strip()
    if not query:
        raise UsageError("covenant.missing_name")
    match = known.index.match(query)
    if match.key is None and _strip_generic(query) != query.lower():
        match = known.index.match(_strip_generic(query))
    if match.key is None:
        raise UsageError(
            "covenant.unknown",
            name=query,
            suggestions=", ".join(known.slugs[key] for key in match.suggestions),
        )
    covenant = session.get(Covenant, match.key)
    if covenant is None:  # removed since its name was read
        raise UsageError("covenant.unknown", name=query, suggestions="")
    return covenant


def match_exact(session: Session, name: str) -> Covenant | None:
    """The covenant whose slug, name or alias is exactly ``name`` (normalised), else None: for splitting
    arguments such as "<company> <covenant>", where a fuzzy match would swallow company words."""
    wanted = normalise(name)
    if not wanted:
        return None
    found = names(session).index.exact.get(wanted)
    return session.get(Covenant, found) if found is not None else None


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
    has_left = and_(Participation.left_on.is_not(None), Participation.left_on <= today)
    rows = session.execute(
        select(Organisation.kind, has_left, func.count())
        .join(Organisation, Participation.organisation_id == Organisation.id)
        .where(Participation.covenant_id == covenant.id)
        .group_by(Organisation.kind, has_left)
    ).all()
    current: Counter[OrganisationKind] = Counter()
    left = 0
    for kind, gone, count in rows:
        if gone:
            left += count
        else:
            current[kind] += count
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


def covenants_of(
    session: Session, organisation_id: int | None, role_covenant_ids: set[int], every: list[Covenant] | None = None
) -> list[Covenant]:
    """Covenants a person takes part in: through a role, or through their organisation's participation.

    ``every`` is :func:`all_covenants` when the caller has it already."""
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
    return [c for c in (every if every is not None else all_covenants(session)) if c.id in ids]
