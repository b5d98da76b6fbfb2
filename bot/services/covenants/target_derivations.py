"""The named derivations: a target's value per cycle computed from the bot's own data.

Each derivation returns, per cycle year, the value and its basis (how many companies or items it is computed
over). Percentages over a basis below :data:`SMALL_NUMBERS` are left out of public targets (small-numbers rule).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.enums import AssessmentOutcome, DeadlineStatus, ParticipationType, RsvpAnswer
from bot.db.models import ActionItem, ActionPlan, Covenant, Deadline, Meeting, Minutes, Participation, Rsvp
from bot.services.meetings import groups, occurrences
from bot.services.people.access import public_meeting

# Aggregates over fewer companies (or items) than this could point at one company: not published.
SMALL_NUMBERS = 5
# How many cycles back a derivation looks (the oldest shown is this many years before today's).
CYCLES_BACK = 10


@dataclass(frozen=True)
class Derived:
    """One cycle's derived value: ``basis`` is the number of companies or items behind a percentage."""

    cycle: int
    on: date
    value: float
    basis: int | None = None


def _on(cycle: int, today: date) -> date:
    """The day a cycle's derived value is measured: its last day, or today for the running cycle."""
    return min(date(cycle, 12, 31), today)


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1)


def plans_on_time(session: Session, covenant: Covenant, today: date) -> list[Derived]:
    """Per cycle: the share of plans due by today that were handed in on or before their due date."""
    rows = session.execute(
        select(ActionPlan.cycle_year, ActionPlan.organisation_id, ActionPlan.due_on, ActionPlan.submitted_on).where(
            ActionPlan.covenant_id == covenant.id, ActionPlan.due_on <= today
        )
    ).all()
    by_cycle: dict[int, list[tuple[int, bool]]] = {}
    for cycle, org, due, submitted in rows:
        by_cycle.setdefault(cycle, []).append((org, submitted is not None and submitted <= due))
    return [
        Derived(cycle, _on(cycle, today), _percent(sum(ok for _, ok in plans), len(plans)), len({o for o, _ in plans}))
        for cycle, plans in sorted(by_cycle.items())
    ]


def outcomes_meet(session: Session, covenant: Covenant, today: date) -> list[Derived]:
    """Per cycle: the share of assessed plans whose assessment outcome is 'meets'."""
    rows = session.execute(
        select(ActionPlan.cycle_year, ActionPlan.organisation_id, ActionPlan.assessment_outcome).where(
            ActionPlan.covenant_id == covenant.id,
            ActionPlan.assessment_outcome.is_not(None),
            ActionPlan.cycle_year <= today.year,
        )
    ).all()
    by_cycle: dict[int, list[tuple[int, bool]]] = {}
    for cycle, org, outcome in rows:
        by_cycle.setdefault(cycle, []).append((org, outcome == AssessmentOutcome.MEETS))
    return [
        Derived(cycle, _on(cycle, today), _percent(sum(ok for _, ok in plans), len(plans)), len({o for o, _ in plans}))
        for cycle, plans in sorted(by_cycle.items())
    ]


def participants(session: Session, covenant: Covenant, today: date) -> list[Derived]:
    """Per cycle: the organisations taking part (observers not counted) at the cycle's end, or today."""
    rows = session.execute(
        select(Participation.joined_on, Participation.left_on).where(
            Participation.covenant_id == covenant.id, Participation.type != ParticipationType.OBSERVER
        )
    ).all()
    joined = [j for j, _ in rows if j is not None]
    if not rows:
        return []
    first = max(min(joined).year if joined else today.year, today.year - CYCLES_BACK)
    found: list[Derived] = []
    for cycle in range(first, today.year + 1):
        end = _on(cycle, today)
        count = sum(1 for j, left in rows if (j is None or j <= end) and (left is None or left > end))
        found.append(Derived(cycle, end, float(count)))
    return found


def _past_occurrences(session: Session, covenant: Covenant, today: date) -> list[occurrences.Occurrence]:
    group_ids = [g.id for g in groups.covenant_groups(session, covenant.id)]
    if not group_ids:
        return []
    start = datetime(today.year - CYCLES_BACK, 1, 1, tzinfo=UTC)
    end = datetime.combine(today, time.max, tzinfo=UTC)
    return [o for o in occurrences.between(session, start, end, group_ids, keep=public_meeting) if o.starts_at <= end]


def meetings_held(session: Session, covenant: Covenant, today: date) -> list[Derived]:
    """Per cycle: the sittings of the covenant's groups held (not cancelled; not the meetings about one company)."""
    counts: dict[int, int] = {}
    for sitting in _past_occurrences(session, covenant, today):
        counts[sitting.starts_at.year] = counts.get(sitting.starts_at.year, 0) + 1
    return [Derived(cycle, _on(cycle, today), float(n)) for cycle, n in sorted(counts.items())]


def attendance(session: Session, covenant: Covenant, today: date) -> list[Derived]:
    """Per cycle: of the answers to the invitations of sittings held, the share that said they would come."""
    held = {(o.meeting.id, o.recurrence_id) for o in _past_occurrences(session, covenant, today)}
    if not held:
        return []
    rows = session.execute(
        select(Rsvp.meeting_id, Rsvp.occurrence_start, Rsvp.answer).where(
            Rsvp.meeting_id.in_({meeting_id for meeting_id, _ in held})
        )
    ).all()
    by_cycle: dict[int, list[bool]] = {}
    for meeting_id, start, answer in rows:
        if (meeting_id, start) in held:
            by_cycle.setdefault(start.year, []).append(answer == RsvpAnswer.YES)
    return [
        Derived(cycle, _on(cycle, today), _percent(sum(answers), len(answers)), len(answers))
        for cycle, answers in sorted(by_cycle.items())
    ]


def action_items_on_time(session: Session, covenant: Covenant, today: date) -> list[Derived]:
    """Per cycle (of the due date): the share of action items due by today that were done on or before it."""
    rows = session.execute(
        select(ActionItem.due_on, Deadline.status, Deadline.done_at)
        .join(Minutes, ActionItem.minutes_id == Minutes.id)
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .outerjoin(Deadline, ActionItem.deadline_id == Deadline.id)
        .where(
            Meeting.working_group_id.in_([g.id for g in groups.covenant_groups(session, covenant.id)]),
            ActionItem.due_on.is_not(None),
            ActionItem.due_on < today,
        )
    ).all()
    by_cycle: dict[int, list[bool]] = {}
    for due, status, done_at in rows:
        on_time = status == DeadlineStatus.DONE and done_at is not None and done_at.date() <= due
        by_cycle.setdefault(due.year, []).append(on_time)
    return [
        Derived(cycle, _on(cycle, today), _percent(sum(items), len(items)), len(items))
        for cycle, items in sorted(by_cycle.items())
    ]


DERIVATIONS: dict[str, Callable[[Session, Covenant, date], list[Derived]]] = {
    "plans_on_time": plans_on_time,
    "outcomes_meet": outcomes_meet,
    "participants": participants,
    "meetings_held": meetings_held,
    "attendance": attendance,
    "action_items_on_time": action_items_on_time,
}
