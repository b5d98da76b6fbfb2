"""The App Home dashboard by role: what a company contact, the secretariat and everyone else sees there.

Company data is only gathered where ``Viewer.may_see_company`` allows: a section the viewer may not see
is never built, so no "show more" request (whatever value its button carries) can reach it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import CovenantKind, DeadlineStatus, RoleKind
from bot.db.models import ActionPlan, Covenant, Deadline, Minutes
from bot.services.charters import progress
from bot.services.charters.progress import MyCommitments
from bot.services.covenants import covenants
from bot.services.meetings import groups
from bot.services.meetings.occurrences import Occurrence
from bot.services.minutes import minutes_status
from bot.services.minutes.minutes_status import MinutesBacklog
from bot.services.people.access import Viewer, meeting_filter
from bot.services.plans import plans
from bot.services.plans.plans import PlanSummary
from bot.services.projects import projects

SUMMARY_ITEMS = 5  # items a section lists before "show more"
PAGE_ITEMS = 30  # items on one page of an expanded section
EXPANDABLE = ("overdue", "minutes", "deadlines")


@dataclass(frozen=True)
class Expansion:
    """Which list the reader asked to see more of: ``kind`` in EXPANDABLE, for one covenant, from ``offset``."""

    kind: str
    covenant_id: int
    offset: int = 0


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """Some items of a longer list: ``items`` start at ``offset`` of ``total``."""

    items: list[T]
    total: int
    offset: int
    expanded: bool


@dataclass(frozen=True)
class CompanySection:
    """A company contact's own company in one covenant: its current plan and open deadlines."""

    covenant: Covenant
    organisation_name: str
    plan: ActionPlan | None
    deadlines: Page[Deadline]


@dataclass(frozen=True)
class SecretariatSection:
    """One covenant the viewer runs: plans in aggregate, overdue plans, next meetings, minutes awaiting approval."""

    covenant: Covenant
    plans: PlanSummary
    overdue: Page[ActionPlan]
    meetings: list[Occurrence]
    minutes: Page[Minutes]


@dataclass(frozen=True)
class Dashboard:
    """Everything the Home tab shows one viewer."""

    viewer: Viewer
    mine: list[Covenant]
    everything: list[Covenant]
    companies: list[CompanySection]
    secretariat: list[SecretariatSection]
    my_meetings: list[Occurrence]
    my_deadlines: list[Deadline]
    today: date
    # Open milestones of collective projects owned by the viewer or their organisation.
    project_tasks: list[Deadline] = field(default_factory=list)
    # A charter signatory's contact: their own organisation's commitments.
    commitments: list[MyCommitments] = field(default_factory=list)


def _page(items: list[T], total: int, expansion: Expansion | None, kind: str, covenant_id: int) -> Page[T]:
    if expansion is not None and expansion.kind == kind and expansion.covenant_id == covenant_id:
        offset = min(max(0, expansion.offset), max(0, total - 1))
        return Page(items[offset : offset + PAGE_ITEMS], total, offset, True)
    return Page(items[:SUMMARY_ITEMS], total, 0, False)


def _company_section(
    session: Session, viewer: Viewer, covenant: Covenant, expansion: Expansion | None
) -> CompanySection | None:
    organisation_id = viewer.organisation_id
    if organisation_id is None or not viewer.may_see_company(covenant.id, organisation_id):
        return None
    own_plans = plans.company_plans(session, organisation_id, covenant.id)
    open_deadlines = list(plans.company_deadlines(session, organisation_id, covenant.id))
    return CompanySection(
        covenant=covenant,
        organisation_name=viewer.organisation_name or "",
        plan=own_plans[0] if own_plans else None,
        deadlines=_page(open_deadlines, len(open_deadlines), expansion, "deadlines", covenant.id),
    )


def _secretariat_section(
    session: Session, viewer: Viewer, covenant: Covenant, now: datetime, today: date, expansion: Expansion | None
) -> SecretariatSection | None:
    if not viewer.is_secretariat(covenant.id):
        return None
    keep = meeting_filter(viewer)
    covenant_groups = groups.covenant_groups(session, covenant.id)
    overdue = list(plans.overdue_plans(session, today, [covenant.id]))
    group_ids = [g.id for g in covenant_groups]
    wants_minutes = expansion is not None and expansion.kind == "minutes" and expansion.covenant_id == covenant.id
    backlog: MinutesBacklog = minutes_status.awaiting_approval(
        session,
        group_ids,
        keep,
        offset=max(0, expansion.offset) if wants_minutes and expansion else 0,
        limit=PAGE_ITEMS if wants_minutes else SUMMARY_ITEMS,
    )
    return SecretariatSection(
        covenant=covenant,
        plans=plans.cycle_summary(session, covenant.id, today),
        overdue=_page(overdue, len(overdue), expansion, "overdue", covenant.id),
        meetings=groups.next_meetings(session, covenant_groups, now, keep, limit=SUMMARY_ITEMS),
        minutes=Page(
            list(backlog.items),
            backlog.total,
            max(0, expansion.offset) if wants_minutes and expansion else 0,
            wants_minutes,
        ),
    )


def _my_deadlines(session: Session, viewer: Viewer) -> list[Deadline]:
    if viewer.person_id is None:
        return []
    rows = session.scalars(
        select(Deadline)
        .options(selectinload(Deadline.covenant))
        .where(Deadline.owner_person_id == viewer.person_id, Deadline.status == DeadlineStatus.OPEN)
        .order_by(Deadline.due_on, Deadline.id)
        .limit(50)
    )
    visible = [d for d in rows if d.organisation_id is None or viewer.may_see_company(d.covenant_id, d.organisation_id)]
    return visible[:SUMMARY_ITEMS]


def dashboard(
    session: Session, viewer: Viewer, now: datetime, today: date, expansion: Expansion | None = None
) -> Dashboard:
    """The viewer's Home tab: their covenants; per role the sections they may see; ``expansion`` opens one list."""
    everything = covenants.all_covenants(session)
    mine = covenants.covenants_of(session, viewer.organisation_id, set(viewer.roles))
    # In the order covenants are listed everywhere else (covenants first, then by name).
    companies = [
        company
        for covenant in everything
        if viewer.has_role(covenant.id, RoleKind.COMPANY_CONTACT)
        # Only covenants have action plans: a project's work is under "your project tasks", a charter signatory's
        # under "your commitments", a cohort participant's under "your milestones".
        and covenant.kind not in (CovenantKind.PROJECT, CovenantKind.CHARTER, CovenantKind.PROGRAMME)
        and (company := _company_section(session, viewer, covenant, expansion))
    ]
    secretariat = [
        section
        for covenant in everything
        if covenant.kind != CovenantKind.PROJECT
        and (section := _secretariat_section(session, viewer, covenant, now, today, expansion))
    ]
    my_groups = groups.person_groups(session, viewer.person_id)
    return Dashboard(
        viewer=viewer,
        mine=mine,
        everything=everything,
        companies=companies,
        secretariat=secretariat,
        my_meetings=groups.next_meetings(session, my_groups, now, meeting_filter(viewer), limit=SUMMARY_ITEMS),
        my_deadlines=_my_deadlines(session, viewer),
        today=today,
        project_tasks=projects.tasks_for(session, viewer),
        commitments=progress.my_commitments(session, viewer),
    )
