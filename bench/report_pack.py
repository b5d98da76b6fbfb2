"""The annual report pack for the largest covenant of the benchmark database: gathered and written (workbook, charts
and Markdown summary), against the same queries answered as text (the Markdown summary alone) in the same run.

Issue 17's target: the pack in < 5 s.
"""

from __future__ import annotations

import io
import statistics
import time
from dataclasses import dataclass
from datetime import datetime

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.commands.report import report_charts
from bot.db.engine import make_session_factory
from bot.db.models import ActionPlan, Covenant
from bot.render import report_summary, report_workbook
from bot.services.reports.figures import Audience
from bot.services.reports.pack import gather

TARGET_S = 5.0


@dataclass(frozen=True)
class PackTiming:
    """Median seconds of each way of making the pack, and what the covenant held."""

    slug: str
    plans: int
    pack_s: float
    public_s: float
    text_s: float
    charts_s: float
    empty_workbook_s: float
    workbook_bytes: int


def _largest(engine: Engine) -> tuple[int, str, int, int]:
    """The covenant with the most action plans: its id, slug, latest cycle and plan count."""
    with make_session_factory(engine)() as session:
        row = session.execute(
            select(ActionPlan.covenant_id, func.count(), func.max(ActionPlan.cycle_year))
            .group_by(ActionPlan.covenant_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        covenant = session.get(Covenant, row[0])
        assert covenant is not None
        return covenant.id, covenant.slug, int(row[2]), int(row[1])


def _median(runs: int, make: object) -> float:
    assert callable(make)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        make()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(engine: Engine, now: datetime, runs: int = 3) -> PackTiming:
    """Time the secretariat's and the public pack, the text answer and an empty workbook (median of ``runs``)."""
    covenant_id, slug, cycle, plans = _largest(engine)
    factory = make_session_factory(engine)
    written: list[int] = []

    def pack(audience: Audience, workbook: bool = True) -> None:
        with factory() as session:
            covenant = session.get(Covenant, covenant_id)
            assert covenant is not None
            found = gather(session, covenant, cycle, audience, now)
            charts = report_charts(session, covenant, found, "nl") if workbook else []
        if workbook:
            written.append(len(report_workbook.workbook(found, "nl")))
        report_summary.markdown(found, "nl", report_workbook.filename(found), charts)

    def charts_only() -> None:
        with factory() as session:
            covenant = session.get(Covenant, covenant_id)
            assert covenant is not None
            report_charts(session, covenant, gather(session, covenant, cycle, Audience.SECRETARIAT, now), "nl")

    def empty() -> None:
        Workbook().save(io.BytesIO())

    return PackTiming(
        slug=slug,
        plans=plans,
        pack_s=_median(runs, lambda: pack(Audience.SECRETARIAT)),
        public_s=_median(runs, lambda: pack(Audience.PUBLIC)),
        text_s=_median(runs, lambda: pack(Audience.SECRETARIAT, workbook=False)),
        charts_s=_median(runs, charts_only),
        empty_workbook_s=_median(runs, empty),
        workbook_bytes=max(written),
    )
