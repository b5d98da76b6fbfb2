"""A covenant's full public status: the public facts plus this cycle's plans in aggregate, the next meetings of
its groups and its latest approved minutes. Everything here may be shared in a channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.db.enums import CovenantKind
from bot.db.models import Covenant, Minutes
from bot.services.charters import signatories as charters
from bot.services.charters.signatories import CharterOverview
from bot.services.covenants import covenants, targets
from bot.services.covenants.covenants import CovenantStatus
from bot.services.covenants.targets import TargetFigures
from bot.services.meetings import groups
from bot.services.meetings.occurrences import Occurrence
from bot.services.minutes import minutes_status
from bot.services.people.access import public_meeting
from bot.services.plans import plans
from bot.services.plans.plans import PlanSummary

NEXT_MEETINGS = 5


@dataclass(frozen=True)
class CovenantOverview:
    """What ``/covenant status`` shows: public data and aggregates only, never one company's data."""

    status: CovenantStatus
    plans: PlanSummary
    group_count: int
    meetings: list[Occurrence]
    latest_minutes: Minutes | None
    # A charter's signatories and commitments, progress in aggregate (None for every other kind).
    charter: CharterOverview | None = None
    # The public targets with their latest values (never the private ones: the status may be shared).
    targets: tuple[TargetFigures, ...] = ()


def overview(session: Session, covenant: Covenant, now: datetime, today: date) -> CovenantOverview:
    """The public overview of ``covenant``: meetings about a single company (assessments) are left out."""
    covenant_groups = groups.covenant_groups(session, covenant.id)
    return CovenantOverview(
        status=covenants.status(session, covenant, today),
        plans=plans.cycle_summary(session, covenant.id, today),
        group_count=len(covenant_groups),
        meetings=groups.next_meetings(session, covenant_groups, now, public_meeting, limit=NEXT_MEETINGS),
        latest_minutes=minutes_status.latest_approved(session, [g.id for g in covenant_groups], public_meeting),
        charter=charters.overview(session, covenant, today) if covenant.kind == CovenantKind.CHARTER else None,
        targets=tuple(targets.target_figures(session, covenant, today, include_private=False)),
    )
