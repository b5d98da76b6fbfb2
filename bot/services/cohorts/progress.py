"""How far a cohort is: completion per participant (company data) and per cohort (public)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.enums import MeetingStatus
from bot.db.models import Cohort, CohortMilestone, Meeting, MilestoneCheckin, Organisation


@dataclass(frozen=True)
class MilestoneState:
    """One participant's milestone: done or not, and its latest check-in (the note is confidential)."""

    milestone: CohortMilestone
    done: bool
    latest: MilestoneCheckin | None


@dataclass(frozen=True)
class ParticipantProgress:
    """A participant's milestones: only for that company's contacts and the coordinator."""

    organisation: Organisation
    milestones: list[MilestoneState]

    @property
    def done(self) -> int:
        return sum(1 for m in self.milestones if m.done)


@dataclass(frozen=True)
class CohortSummary:
    """What anyone may read about a cohort: its companies and its aggregate completion."""

    cohort: Cohort
    companies: list[str]
    milestone_titles: list[str]
    done: int  # milestones done, all participants together
    possible: int  # participants x milestones
    completed: int  # participants with every milestone done
    session_count: int
    material_count: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.possible) if self.possible else 0


def participant_progress(session: Session, cohort: Cohort) -> list[ParticipantProgress]:
    """Every participant's milestones with their latest check-in (company data: filter before showing)."""
    milestone_ids = [m.id for m in cohort.milestones]
    checkins = (
        list(
            session.scalars(
                select(MilestoneCheckin)
                .where(MilestoneCheckin.milestone_id.in_(milestone_ids))
                .order_by(MilestoneCheckin.checked_on, MilestoneCheckin.id)
            )
        )
        if milestone_ids
        else []
    )
    latest: dict[tuple[int, int], MilestoneCheckin] = {}
    done: set[tuple[int, int]] = set()
    for checkin in checkins:
        key = (checkin.organisation_id, checkin.milestone_id)
        latest[key] = checkin
        if checkin.done:
            done.add(key)
    return [
        ParticipantProgress(
            organisation=participant.organisation,
            milestones=[
                MilestoneState(
                    m, (participant.organisation_id, m.id) in done, latest.get((participant.organisation_id, m.id))
                )
                for m in cohort.milestones
            ],
        )
        for participant in sorted(cohort.participants, key=lambda p: p.organisation.name.lower())
    ]


def summary(session: Session, cohort: Cohort) -> CohortSummary:
    """The public summary of a cohort: its companies, sessions and aggregate completion, no company's own data."""
    details = participant_progress(session, cohort)
    total = len(cohort.milestones)
    return CohortSummary(
        cohort=cohort,
        companies=[p.organisation.name for p in details],
        milestone_titles=[m.title for m in cohort.milestones],
        done=sum(p.done for p in details),
        possible=total * len(details),
        completed=sum(1 for p in details if total and p.done == total),
        session_count=session.scalar(
            select(func.count(Meeting.id)).where(
                Meeting.working_group_id == cohort.working_group_id, Meeting.status == MeetingStatus.SCHEDULED
            )
        )
        or 0,
        material_count=len(cohort.materials),
    )
