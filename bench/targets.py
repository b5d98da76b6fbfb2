"""The targets part: what the targets section costs a ``/covenant status``.

A covenant of its own in the benchmark's database gets ``companies`` companies with plans (handed in, assessed)
over ``cycles`` cycles, the six derived targets and an entered one; then ``target_figures`` (every target, as the
secretariat's listing computes them) is timed against the plan aggregate the status already runs
(``plans.cycle_summary``), each the median of ``runs``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from bot.db.enums import AssessmentOutcome, CovenantPhase, OrganisationKind, ParticipationType
from bot.db.models import ActionPlan, Covenant, Organisation, Participation, Target, TargetMeasurement
from bot.services.covenants.target_derivations import DERIVATIONS
from bot.services.covenants.targets import target_figures
from bot.services.plans import plans

SLUG = "bench-targets"


@dataclass(frozen=True)
class TargetsResult:
    companies: int
    cycles: int
    targets: int
    figures_ms: float
    baseline_ms: float

    @property
    def ratio(self) -> float:
        return self.figures_ms / self.baseline_ms if self.baseline_ms else float("inf")


def _seed(session: Session, companies: int, cycles: int, today: date) -> Covenant:
    covenant = Covenant(
        slug=SLUG, name_nl="Benchmarkconvenant", name_en="Benchmark covenant", phase=CovenantPhase.IMPLEMENTING
    )
    session.add(covenant)
    session.flush()
    session.execute(
        insert(Organisation),
        [{"name": f"Bench target company {n:05d}", "kind": OrganisationKind.COMPANY} for n in range(companies)],
    )
    ids = [o.id for o in session.query(Organisation.id).filter(Organisation.name.like("Bench target company %"))]
    session.execute(
        insert(Participation),
        [
            {
                "organisation_id": i,
                "covenant_id": covenant.id,
                "type": ParticipationType.ADHERING_COMPANY,
                "joined_on": date(today.year - cycles, 1, 1) + timedelta(days=n % 900),
            }
            for n, i in enumerate(ids)
        ],
    )
    outcomes = list(AssessmentOutcome)
    rows = []
    for year in range(today.year - cycles + 1, today.year + 1):
        for n, i in enumerate(ids):
            due = date(year, 3, 1)
            rows.append(
                {
                    "organisation_id": i,
                    "covenant_id": covenant.id,
                    "cycle_year": year,
                    "due_on": due,
                    "submitted_on": due + timedelta(days=(n % 20) - 14),
                    "assessment_outcome": outcomes[n % len(outcomes)],
                }
            )
    session.execute(insert(ActionPlan), rows)
    for position, name in enumerate(DERIVATIONS):
        session.add(
            Target(
                covenant_id=covenant.id,
                key=name.replace("_", "-"),
                position=position,
                name_nl=name,
                name_en=name,
                unit="percent",
                target_value=80,
                public=position % 2 == 0,
                derivation=name,
            )
        )
    entered = Target(
        covenant_id=covenant.id,
        key="entered",
        position=99,
        name_nl="Ingevoerd",
        name_en="Entered",
        unit="count",
        target_value=10,
        public=True,
    )
    session.add(entered)
    session.flush()
    now = datetime.now(UTC)
    for year in range(today.year - cycles + 1, today.year + 1):
        session.add(
            TargetMeasurement(
                target_id=entered.id,
                measured_on=date(year, 6, 30),
                cycle=year,
                value=year % 7,
                entered_by=None,
                entered_at=now,
            )
        )
    session.commit()
    return covenant


def _median_ms(work: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def measure(engine: Engine, companies: int, cycles: int, runs: int) -> TargetsResult:
    """Seed the benchmark covenant in ``engine``'s database and time its targets against the plan aggregate."""
    today = datetime.now(UTC).date()
    with Session(engine) as session:
        covenant = _seed(session, companies, cycles, today)
        count = len(target_figures(session, covenant, today, include_private=True))
        figures_ms = _median_ms(lambda: target_figures(session, covenant, today, include_private=True), runs)
        baseline_ms = _median_ms(lambda: plans.cycle_summary(session, covenant.id, today), runs)
    return TargetsResult(companies, cycles, count, figures_ms, baseline_ms)
