"""Charts at benchmark size: drawing a chart for the largest covenant against building the same figures as text.

For the covenant with the most action plans (over all its cycles), each chart kind is timed end to end as the bot
does it after the ack: the figures from the database (:func:`bot.services.covenants.charts.chart_data`) and the PNG
with its alt text (:func:`bot.render.charts.render_chart`); the baseline, in the same run, is the same figures
built as a text answer (:func:`bot.render.charts.text_answer`). The first drawing (importing matplotlib) is a
warm-up and not counted: the app pays it once per process.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from bot.db.engine import make_engine, make_session_factory
from bot.db.models import ActionPlan, Covenant
from bot.render import charts as render
from bot.services.covenants import charts
from bot.services.covenants.charts import ChartKind

KINDS = (ChartKind.PLANS, ChartKind.OUTCOMES, ChartKind.PARTICIPANTS)


@dataclass(frozen=True)
class ChartTiming:
    """Median milliseconds of one chart kind: drawn (figures + PNG + alt text) and as a text answer."""

    kind: ChartKind
    chart_ms: float
    text_ms: float
    plans: int
    cycles: int
    png_bytes: int

    @property
    def ratio(self) -> float:
        return self.chart_ms / self.text_ms if self.text_ms else float("inf")


def _median_ms(work: object, runs: int) -> float:
    assert callable(work)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def time_charts(url: str, today: date, runs: int = 5) -> list[ChartTiming]:
    """Time every chart kind for the covenant with the most plans, as its secretariat sees it (all figures)."""
    engine = make_engine(url)
    factory = make_session_factory(engine)
    timings = []
    try:
        with factory() as session:
            covenant_id, plans = session.execute(
                select(ActionPlan.covenant_id, func.count())
                .group_by(ActionPlan.covenant_id)
                .order_by(func.count().desc())
                .limit(1)
            ).one()
            cycles = session.scalar(
                select(func.count(func.distinct(ActionPlan.cycle_year))).where(ActionPlan.covenant_id == covenant_id)
            )
            covenant = session.get_one(Covenant, covenant_id)
            for kind in KINDS:

                def drawn(kind: ChartKind = kind) -> bytes:
                    data = charts.chart_data(session, covenant, kind, today, secretariat=True)
                    return render.render_chart(data, "nl").png

                def written(kind: ChartKind = kind) -> str:
                    data = charts.chart_data(session, covenant, kind, today, secretariat=True)
                    return render.text_answer(data, "nl")

                png = drawn()  # warm-up: matplotlib's import and font cache
                written()
                timings.append(
                    ChartTiming(
                        kind, _median_ms(drawn, runs), _median_ms(written, runs), plans, int(cycles or 0), len(png)
                    )
                )
    finally:
        engine.dispose()
    return timings
