"""The pack's participants and plans: who took part in the cycle, and the plans and assessments of every cycle."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.db.enums import AssessmentOutcome
from bot.db.models import ActionPlan, Organisation, Participation
from bot.services.reports.figures import (
    Audience,
    CompanyPlanRow,
    CycleFigures,
    ParticipantFigures,
    ParticipantRow,
    Period,
    PlanFigures,
)
from bot.services.small_numbers import Bucket, merge_small


def participants(session: Session, covenant_id: int, period: Period) -> ParticipantFigures:
    """Everyone who took part at some time in the cycle, with how many there were at its start and end."""
    first, last = period.first_day, period.last_day
    rows = session.execute(
        select(Participation, Organisation.name, Organisation.kind)
        .join(Organisation, Organisation.id == Participation.organisation_id)
        .where(
            Participation.covenant_id == covenant_id,
            or_(Participation.joined_on.is_(None), Participation.joined_on <= last),
            or_(Participation.left_on.is_(None), Participation.left_on >= first),
        )
        .order_by(Organisation.name, Participation.joined_on)
    ).all()
    found = tuple(
        ParticipantRow(name, kind.value, p.type.value, p.joined_on, p.left_on, p.left_reason) for p, name, kind in rows
    )

    def present(row: ParticipantRow, day: date) -> bool:
        return (row.joined_on is None or row.joined_on <= day) and (row.left_on is None or row.left_on > day)

    return ParticipantFigures(
        rows=found,
        at_start=sum(1 for row in found if present(row, first)),
        joined=sum(1 for row in found if row.joined_on is not None and first <= row.joined_on <= last),
        left=sum(1 for row in found if row.left_on is not None and row.left_on <= last),
        at_end=sum(1 for row in found if present(row, last)),
    )


def _outcomes(counts: dict[AssessmentOutcome, int], audience: Audience) -> tuple[Bucket, ...] | None:
    ordered = [(outcome.value, counts.get(outcome, 0)) for outcome in AssessmentOutcome]
    if audience == Audience.SECRETARIAT:
        return tuple(Bucket((key,), count) for key, count in ordered)
    return merge_small(ordered)


def plans(session: Session, covenant_id: int, period: Period, today: date, audience: Audience) -> PlanFigures:
    """Plans and assessments per cycle up to the report's; company by company (no notes) for the secretariat."""
    rows = session.execute(
        select(
            ActionPlan.cycle_year,
            ActionPlan.due_on,
            ActionPlan.submitted_on,
            ActionPlan.assessment_outcome,
            ActionPlan.assessed_on,
            Organisation.name,
        )
        .join(Organisation, Organisation.id == ActionPlan.organisation_id)
        .where(ActionPlan.covenant_id == covenant_id, ActionPlan.cycle_year <= period.cycle)
        .order_by(ActionPlan.cycle_year, Organisation.name)
    ).all()
    by_cycle: dict[int, list[tuple[date, date | None, AssessmentOutcome | None]]] = defaultdict(list)
    companies: list[CompanyPlanRow] = []
    for cycle, due, submitted, outcome, assessed_on, name in rows:
        by_cycle[cycle].append((due, submitted, outcome))
        if cycle == period.cycle and audience == Audience.SECRETARIAT:
            on_time = None if submitted is None else submitted <= due
            companies.append(
                CompanyPlanRow(name, due, submitted, on_time, outcome.value if outcome else None, assessed_on)
            )
    by_cycle.setdefault(period.cycle, [])
    cycles = []
    for cycle in sorted(by_cycle):
        plans_of = by_cycle[cycle]
        counts: dict[AssessmentOutcome, int] = defaultdict(int)
        for _, _, outcome in plans_of:
            if outcome is not None:
                counts[outcome] += 1
        cycles.append(
            CycleFigures(
                cycle=cycle,
                total=len(plans_of),
                submitted=sum(1 for _, submitted, _ in plans_of if submitted is not None),
                on_time=sum(1 for due, submitted, _ in plans_of if submitted is not None and submitted <= due),
                late=sum(1 for due, submitted, _ in plans_of if submitted is not None and submitted > due),
                overdue=sum(1 for due, submitted, _ in plans_of if submitted is None and due < today),
                assessed=sum(counts.values()),
                outcomes=_outcomes(counts, audience),
            )
        )
    return PlanFigures(cycles=tuple(cycles), companies=tuple(companies) if audience == Audience.SECRETARIAT else None)
