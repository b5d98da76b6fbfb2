"""Action plans (plan van aanpak): per-company records and per-covenant aggregates.

Company-specific rows are confidential: callers show them only when
``Viewer.may_see_company`` allows; everyone else gets a :class:`PlanSummary`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import AssessmentOutcome, DeadlineStatus
from bot.db.models import ActionPlan, Deadline


@dataclass(frozen=True)
class PlanSummary:
    """Aggregate figures for one covenant's cycle: public ("41 of 55 plans submitted, 6 overdue")."""

    covenant_id: int
    cycle_year: int | None
    total: int = 0
    submitted: int = 0
    assessed: int = 0
    overdue: int = 0
    outcomes: dict[AssessmentOutcome, int] = field(default_factory=dict)


def current_cycle_year(session: Session, covenant_id: int, today: date) -> int | None:
    """This year's cycle if it has plans, else the latest cycle before it (None without any plans)."""
    return session.scalar(
        select(func.max(ActionPlan.cycle_year)).where(
            ActionPlan.covenant_id == covenant_id, ActionPlan.cycle_year <= today.year
        )
    )


def cycle_summary(session: Session, covenant_id: int, today: date, cycle_year: int | None = None) -> PlanSummary:
    """Counts of the covenant's plans in ``cycle_year`` (default: the current cycle)."""
    year = cycle_year if cycle_year is not None else current_cycle_year(session, covenant_id, today)
    if year is None:
        return PlanSummary(covenant_id=covenant_id, cycle_year=None)
    rows = session.execute(
        select(ActionPlan.submitted_on, ActionPlan.assessment_outcome, ActionPlan.due_on).where(
            ActionPlan.covenant_id == covenant_id, ActionPlan.cycle_year == year
        )
    ).all()
    outcomes: Counter[AssessmentOutcome] = Counter(outcome for _, outcome, _ in rows if outcome is not None)
    return PlanSummary(
        covenant_id=covenant_id,
        cycle_year=year,
        total=len(rows),
        submitted=sum(1 for submitted, _, _ in rows if submitted is not None),
        assessed=sum(outcomes.values()),
        overdue=sum(1 for submitted, _, due in rows if submitted is None and due < today),
        outcomes=dict(outcomes),
    )


def company_plans(session: Session, organisation_id: int, covenant_id: int | None = None) -> list[ActionPlan]:
    """A company's plans, newest cycle first (confidential: check access before showing)."""
    query = (
        select(ActionPlan)
        .options(selectinload(ActionPlan.covenant), selectinload(ActionPlan.organisation))
        .where(ActionPlan.organisation_id == organisation_id)
        .order_by(ActionPlan.cycle_year.desc(), ActionPlan.covenant_id)
    )
    if covenant_id is not None:
        query = query.where(ActionPlan.covenant_id == covenant_id)
    return list(session.scalars(query))


def overdue_plans(session: Session, today: date, covenant_ids: list[int] | None = None) -> list[ActionPlan]:
    """Plans past their due date and not submitted, oldest due first (confidential)."""
    query = (
        select(ActionPlan)
        .options(selectinload(ActionPlan.organisation), selectinload(ActionPlan.covenant))
        .where(ActionPlan.submitted_on.is_(None), ActionPlan.due_on < today)
        .order_by(ActionPlan.due_on, ActionPlan.id)
    )
    if covenant_ids is not None:
        query = query.where(ActionPlan.covenant_id.in_(covenant_ids))
    return list(session.scalars(query))


def company_deadlines(
    session: Session, organisation_id: int, covenant_id: int | None = None, include_closed: bool = False
) -> list[Deadline]:
    """A company's deadlines (open ones unless ``include_closed``), soonest first (confidential)."""
    query = (
        select(Deadline)
        .options(selectinload(Deadline.covenant))
        .where(Deadline.organisation_id == organisation_id)
        .order_by(Deadline.due_on, Deadline.id)
    )
    if not include_closed:
        query = query.where(Deadline.status == DeadlineStatus.OPEN)
    if covenant_id is not None:
        query = query.where(Deadline.covenant_id == covenant_id)
    return list(session.scalars(query))
