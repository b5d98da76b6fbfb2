"""Action plans (plan van aanpak): per-company records and per-covenant aggregates.

Company-specific rows are confidential: callers show them only when
``Viewer.may_see_company`` allows; everyone else gets a :class:`PlanSummary`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import AssessmentOutcome, DeadlineKind, DeadlineStatus
from bot.db.models import ActionPlan, AuditEntry, Covenant, Deadline, Participation, Person
from bot.services import locking
from bot.services.administration import audit
from bot.services.errors import UsageError
from bot.services.plans import deadlines


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


def plan_title(year: int) -> str:
    """The stored title of an action plan's deadline; readers see it in their language (bot.render.deadline_titles)."""
    return f"Plan van aanpak {year}"


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


def _overdue(today: date, covenant_ids: list[int] | None) -> list[ColumnElement[bool]]:
    conditions = [ActionPlan.submitted_on.is_(None), ActionPlan.due_on < today]
    if covenant_ids is not None:
        conditions.append(ActionPlan.covenant_id.in_(covenant_ids))
    return conditions


def overdue_plans(
    session: Session, today: date, covenant_ids: list[int] | None = None, limit: int | None = None
) -> list[ActionPlan]:
    """Plans past their due date and not submitted, oldest due first, at most ``limit`` (confidential)."""
    query = (
        select(ActionPlan)
        .options(selectinload(ActionPlan.organisation), selectinload(ActionPlan.covenant))
        .where(*_overdue(today, covenant_ids))
        .order_by(ActionPlan.due_on, ActionPlan.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def count_overdue(session: Session, today: date, covenant_ids: list[int] | None = None) -> int:
    """How many plans :func:`overdue_plans` would list without a limit."""
    return int(session.scalar(select(func.count()).select_from(ActionPlan).where(*_overdue(today, covenant_ids))) or 0)


def company_deadlines(
    session: Session, organisation_id: int, covenant_id: int | None = None, include_closed: bool = False
) -> list[Deadline]:
    """A company's own deadlines (open ones unless ``include_closed``), soonest first (confidential).

    Its own: about the company and on the company's side, i.e. for its contacts (no owner) or owned by one of its
    people. A task about the company that the secretariat owns ("prepare the assessment meeting") is the
    secretariat's, listed among its owner's deadlines, never shown to the company.
    """
    its_people = select(Person.id).where(Person.organisation_id == organisation_id)
    its_slack_ids = select(Person.slack_user_id).where(
        Person.organisation_id == organisation_id, Person.slack_user_id.is_not(None)
    )
    company_side = or_(
        and_(Deadline.owner_person_id.is_(None), Deadline.owner_slack_id.is_(None)),
        Deadline.owner_person_id.in_(its_people),
        and_(Deadline.owner_person_id.is_(None), Deadline.owner_slack_id.in_(its_slack_ids)),
    )
    query = (
        select(Deadline)
        .options(selectinload(Deadline.covenant))
        .where(Deadline.organisation_id == organisation_id, company_side)
        .order_by(Deadline.due_on, Deadline.id)
    )
    if not include_closed:
        query = query.where(Deadline.status == DeadlineStatus.OPEN)
    if covenant_id is not None:
        query = query.where(Deadline.covenant_id == covenant_id)
    return list(session.scalars(query))


# -- changes -------------------------------------------------------------------------------------------


def plan_ref(organisation_id: int, covenant_id: int, cycle_year: int) -> str:
    """The stable key of a plan's deadline."""
    return f"plan:{organisation_id}:{covenant_id}:{cycle_year}"


def default_due(session: Session, organisation_id: int, covenant_id: int) -> date:
    """When the company's next plan is due: 12 months (per covenant) after joining for the first one,
    the covenant's yearly date (or a year after the last one) for later ones."""
    covenant = session.get(Covenant, covenant_id)
    if covenant is None:
        raise UsageError("covenant.unknown", name=str(covenant_id), suggestions="")
    last = session.scalar(
        select(ActionPlan)
        .where(ActionPlan.organisation_id == organisation_id, ActionPlan.covenant_id == covenant_id)
        .order_by(ActionPlan.cycle_year.desc())
        .limit(1)
    )
    if last is None:
        joined = session.scalar(
            select(Participation.joined_on)
            .where(Participation.organisation_id == organisation_id, Participation.covenant_id == covenant_id)
            .order_by(Participation.joined_on.desc())
        )
        if joined is None:
            raise UsageError("plan.not_participating")
        due: date = joined + relativedelta(months=covenant.first_plan_months)
        return due
    if covenant.plan_cycle_month and covenant.plan_cycle_day:
        candidate = date(last.due_on.year + 1, covenant.plan_cycle_month, covenant.plan_cycle_day)
        return candidate
    following: date = last.due_on + relativedelta(years=1)
    return following


def set_due(
    session: Session, organisation_id: int, covenant_id: int, due_on: date, now: datetime, actor: str
) -> ActionPlan:
    """Create or move the plan (cycle = the due date's year) and its deadline; audited, reminders re-planned."""

    locking.serialise(session, "plan", organisation_id, covenant_id)  # two at once create one plan
    plan = session.scalar(
        select(ActionPlan).where(
            ActionPlan.organisation_id == organisation_id,
            ActionPlan.covenant_id == covenant_id,
            ActionPlan.cycle_year == due_on.year,
        )
    )
    if plan is None:
        plan = ActionPlan(
            organisation_id=organisation_id, covenant_id=covenant_id, cycle_year=due_on.year, due_on=due_on
        )
        session.add(plan)
        session.flush()
    plan.due_on = due_on
    deadline = plan.deadline
    if deadline is None:
        deadline = deadlines.create(
            session,
            covenant_id=covenant_id,
            kind=DeadlineKind.ACTION_PLAN,
            title=plan_title(due_on.year),
            due_on=due_on,
            now=now,
            actor=actor,
            organisation_id=organisation_id,
            ref=plan_ref(organisation_id, covenant_id, due_on.year),
        )
        plan.deadline_id = deadline.id
    elif deadline.due_on != due_on:
        deadlines.set_due(session, deadline, due_on, now, actor)
    if plan.submitted_on is None and deadline.status != DeadlineStatus.OPEN:
        deadlines.reopen(session, deadline, now, actor)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="plan.due_set",
        entity="action_plan",
        entity_id=plan.id,
        detail={"due_on": due_on.isoformat()},
    )
    return plan


def current_plan(
    session: Session, organisation_id: int, covenant_id: int | None, unsubmitted_first: bool = False
) -> ActionPlan:
    """The company's most recent plan (in ``covenant_id`` when given); with ``unsubmitted_first`` the
    oldest plan still to be submitted, if any. UsageError ``plan.none`` without plans."""
    query = select(ActionPlan).where(ActionPlan.organisation_id == organisation_id)
    if covenant_id is not None:
        query = query.where(ActionPlan.covenant_id == covenant_id)
    if unsubmitted_first:
        waiting = session.scalar(
            query.where(ActionPlan.submitted_on.is_(None)).order_by(ActionPlan.due_on, ActionPlan.id).limit(1)
        )
        if waiting is not None:
            return waiting
    plan = session.scalar(query.order_by(ActionPlan.cycle_year.desc(), ActionPlan.due_on.desc()).limit(1))
    if plan is None:
        raise UsageError("plan.none")
    return plan


def plan_of_deadline(session: Session, deadline_id: int) -> ActionPlan | None:
    """The plan a deadline belongs to (None for other deadlines)."""
    return session.scalar(select(ActionPlan).where(ActionPlan.deadline_id == deadline_id))


def _set_if(session: Session, plan: ActionPlan, *conditions: ColumnElement[bool], **values: object) -> bool:
    """Write ``values`` to ``plan`` only where ``conditions`` still hold in the database: a compare-and-set, so of
    two requests changing the plan at the same moment exactly one does (PostgreSQL makes the second wait for the
    first's row lock and then re-checks; SQLite has one writer at a time). ``plan`` then shows what is stored."""
    result = session.execute(
        update(ActionPlan)
        .where(ActionPlan.id == plan.id, *conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(plan)
    return int(getattr(result, "rowcount", 0) or 0) == 1


def mark_submitted(session: Session, plan: ActionPlan, on: date, now: datetime, actor: str, confirmed: bool) -> bool:
    """Record the plan as submitted on ``on`` (closing its deadline); False when it already was, also when someone
    else recorded it a moment ago (see :func:`submitted_by`)."""

    if _set_if(session, plan, ActionPlan.submitted_on.is_(None), submitted_on=on, submitted_confirmed=confirmed):
        if plan.deadline is not None:
            deadlines.close(session, plan.deadline, DeadlineStatus.DONE, now, actor)
        audit.record(
            session,
            at=now,
            actor=actor,
            action="plan.submitted",
            entity="action_plan",
            entity_id=plan.id,
            detail={"on": on.isoformat(), "confirmed": confirmed},
        )
        return True
    if confirmed and _set_if(
        session,
        plan,
        ActionPlan.submitted_on.is_not(None),
        ActionPlan.submitted_confirmed.is_(False),
        submitted_confirmed=True,
    ):
        audit.record(
            session, at=now, actor=actor, action="plan.receipt_confirmed", entity="action_plan", entity_id=plan.id
        )
        return True
    return False


def submitted_by(session: Session, plan: ActionPlan) -> str | None:
    """Who recorded the plan's current submission (a Slack user id, from the audit trail), if known."""
    actor: str | None = session.scalar(
        select(AuditEntry.actor)
        .where(
            AuditEntry.action == "plan.submitted",
            AuditEntry.entity == "action_plan",
            AuditEntry.entity_id == plan.id,
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return actor


def confirm_received(session: Session, plan: ActionPlan, now: datetime, actor: str) -> bool:
    """The secretariat confirms receipt; False when already confirmed (or nothing was submitted), also by someone
    else a moment ago."""

    if plan.submitted_on is None or plan.submitted_confirmed:
        return False
    if not _set_if(
        session,
        plan,
        ActionPlan.submitted_on.is_not(None),
        ActionPlan.submitted_confirmed.is_(False),
        submitted_confirmed=True,
    ):
        return False
    audit.record(session, at=now, actor=actor, action="plan.receipt_confirmed", entity="action_plan", entity_id=plan.id)
    return True


def not_received(session: Session, plan: ActionPlan, now: datetime, actor: str) -> bool:
    """The secretariat did not receive it: the plan is open again and reminders resume."""

    if plan.submitted_on is None or plan.submitted_confirmed:
        return False
    if not _set_if(
        session,
        plan,
        ActionPlan.submitted_on.is_not(None),
        ActionPlan.submitted_confirmed.is_(False),
        submitted_on=None,
    ):
        return False
    if plan.deadline is not None:
        deadlines.reopen(session, plan.deadline, now, actor)
    audit.record(session, at=now, actor=actor, action="plan.not_received", entity="action_plan", entity_id=plan.id)
    return True


def assess(
    session: Session,
    plan: ActionPlan,
    outcome: AssessmentOutcome,
    notes: str | None,
    on: date,
    now: datetime,
    actor: str,
) -> None:
    """Record the assessment outcome and (confidential) notes; audited without the notes' text."""

    previous = plan.assessment_outcome
    plan.assessment_outcome = outcome
    plan.assessed_on = on
    if notes:
        plan.assessment_notes = notes
    audit.record(
        session,
        at=now,
        actor=actor,
        action="plan.assessed",
        entity="action_plan",
        entity_id=plan.id,
        detail={
            "outcome": outcome.value,
            "previous": previous.value if previous else None,
            "notes_changed": bool(notes),
        },
    )
