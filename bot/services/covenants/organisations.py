"""Organisations in the covenants: finding one by name, the public participant lists, and a company's profile.

Participation (who takes part, since when, who left and why) is public. A company's plans, assessments
and deadlines are not: :func:`company_profile` fills them in only where ``Viewer.may_see_company`` allows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import ColumnElement

from bot.db.enums import OrganisationKind
from bot.db.models import ActionPlan, Covenant, CovenantFact, Deadline, Organisation, Participation
from bot.services.covenants.matching import best_match
from bot.services.errors import UsageError
from bot.services.people.access import Viewer
from bot.services.plans import plans

PAGE_SIZE = 25  # lines per page: keeps a page far below Slack's message size limit
# Parts of a name people leave out: legal forms and the demo marker.
_NOISE = re.compile(r"\s*(\(demo\)|\bB\.?V\.?$|\bN\.?V\.?$)\s*", re.IGNORECASE)


def short_name(name: str) -> str:
    """'Windkracht Energie BV (demo)' -> 'Windkracht Energie'."""
    stripped = _NOISE.sub(" ", name).strip()
    stripped = _NOISE.sub(" ", stripped).strip()
    return stripped or name


def resolve(session: Session, name: str) -> Organisation:
    """The organisation meant by ``name`` (full name, or without legal form / "(demo)", or a close misspelling).

    Raises UsageError ``organisation.unknown`` with the nearest suggestions.
    """
    query = name.strip()
    if not query:
        raise UsageError("organisation.missing_name")
    organisations = list(session.scalars(select(Organisation)))
    candidates: list[tuple[int, str]] = []
    for organisation in organisations:
        candidates += [(organisation.id, organisation.name), (organisation.id, short_name(organisation.name))]
    match = best_match(query, candidates)
    by_id = {o.id: o for o in organisations}
    if match.key is None:
        raise UsageError(
            "organisation.unknown", name=query, suggestions=", ".join(by_id[k].name for k in match.suggestions)
        )
    return by_id[match.key]


@dataclass(frozen=True)
class ParticipantPage:
    """One page of a covenant's companies: current ones first (by name), then those that left."""

    covenant: Covenant
    rows: list[tuple[Organisation, Participation]]
    page: int
    pages: int
    current: int
    left: int
    other_parties: dict[OrganisationKind, int]
    today: date
    # The public figures about participants (e.g. "55 companies at signing") when no company takes part
    # now: an ended covenant is known by its facts, not by the few companies recorded here.
    public_figures: list[CovenantFact] = field(default_factory=list)


def _is_current(today: date) -> ColumnElement[bool]:
    return or_(Participation.left_on.is_(None), Participation.left_on > today)


def participants(session: Session, covenant: Covenant, today: date, page: int = 1) -> ParticipantPage:
    """Page ``page`` (from 1, clamped to the last page) of the covenant's companies, with join and leave dates."""
    companies = (
        select(Organisation, Participation)
        .join(Participation, Participation.organisation_id == Organisation.id)
        .where(Participation.covenant_id == covenant.id, Organisation.kind == OrganisationKind.COMPANY)
    )
    counts = session.execute(
        select(
            func.count().filter(_is_current(today)),
            func.count(),
        )
        .select_from(Participation)
        .join(Organisation, Participation.organisation_id == Organisation.id)
        .where(Participation.covenant_id == covenant.id, Organisation.kind == OrganisationKind.COMPANY)
    ).one()
    current, total = int(counts[0]), int(counts[1])
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    left_last = case((_is_current(today), 0), else_=1)
    rows = session.execute(
        companies.order_by(left_last, func.lower(Organisation.name), Participation.joined_on)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    others = session.execute(
        select(Organisation.kind, func.count())
        .join(Participation, Participation.organisation_id == Organisation.id)
        .where(
            Participation.covenant_id == covenant.id,
            Organisation.kind != OrganisationKind.COMPANY,
            _is_current(today),
        )
        .group_by(Organisation.kind)
    ).all()
    return ParticipantPage(
        covenant=covenant,
        rows=[(organisation, participation) for organisation, participation in rows],
        page=page,
        pages=pages,
        current=current,
        left=total - current,
        other_parties={kind: int(count) for kind, count in others},
        today=today,
        public_figures=[fact for fact in covenant.facts if fact.topic == "participants"] if current == 0 else [],
    )


@dataclass(frozen=True)
class CompanyData:
    """A company's confidential data in one covenant: its plans (newest cycle first) and open deadlines."""

    plans: list[ActionPlan]
    deadlines: list[Deadline]


@dataclass(frozen=True)
class Membership:
    """One covenant an organisation is (or was) in; ``confidential`` is None when the reader may not see it."""

    covenant: Covenant
    participation: Participation
    confidential: CompanyData | None


@dataclass(frozen=True)
class CompanyProfile:
    """An organisation as one reader may see it."""

    organisation: Organisation
    memberships: list[Membership]
    today: date

    @property
    def is_company(self) -> bool:
        return self.organisation.kind == OrganisationKind.COMPANY

    @property
    def withheld(self) -> bool:
        """True when this reader was not shown the company's plan data in some covenant."""
        return self.is_company and any(m.confidential is None for m in self.memberships)


def company_profile(session: Session, organisation: Organisation, viewer: Viewer, today: date) -> CompanyProfile:
    """The covenants ``organisation`` is in (public) and, per covenant, its plans and open deadlines when it is
    a company and ``viewer`` may see that company's data there."""
    rows = session.scalars(
        select(Participation)
        .options(selectinload(Participation.covenant))
        .where(Participation.organisation_id == organisation.id)
        .order_by(Participation.joined_on, Participation.id)
    ).all()
    memberships = []
    for participation in rows:
        covenant = participation.covenant
        data = None
        if organisation.kind == OrganisationKind.COMPANY and viewer.may_see_company(covenant.id, organisation.id):
            data = CompanyData(
                plans=plans.company_plans(session, organisation.id, covenant.id),
                deadlines=plans.company_deadlines(session, organisation.id, covenant.id),
            )
        memberships.append(Membership(covenant=covenant, participation=participation, confidential=data))
    return CompanyProfile(organisation=organisation, memberships=memberships, today=today)
