"""The figures behind a covenant's charts: plan hand-in over the cycle, outcomes per cycle, participants over time.

Plain data (no Slack, no drawing): :mod:`bot.render.charts` draws it, and a text answer or an alt text states it.
Public unless ``secretariat``: outside the secretariat the small-numbers rule holds (an aggregate over fewer than
:data:`SMALL` companies could point at single companies: it is merged with its neighbour or left out).
"""

from __future__ import annotations

import enum
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.enums import AssessmentOutcome
from bot.db.models import ActionPlan, Covenant, Participation
from bot.services import small_numbers
from bot.services.covenants import targets
from bot.services.plans import plans

# Fewer companies than this in an aggregate: merged with a neighbour or suppressed for everyone but the secretariat.
SMALL = small_numbers.MINIMUM
MAX_TARGET_PANELS = 6  # targets drawn in one picture (each its own panel)


class ChartKind(enum.StrEnum):
    PLANS = "plans"
    OUTCOMES = "outcomes"
    PARTICIPANTS = "participants"
    TARGETS = "targets"


# Words (Dutch and English) that name a kind in `/covenant chart <covenant> [kind]`.
KIND_WORDS: dict[str, ChartKind] = {
    **dict.fromkeys(("plans", "plannen", "plan"), ChartKind.PLANS),
    **dict.fromkeys(("outcomes", "uitkomsten", "beoordelingen", "assessments"), ChartKind.OUTCOMES),
    **dict.fromkeys(("participants", "deelnemers", "participation"), ChartKind.PARTICIPANTS),
    **dict.fromkeys(("targets", "doelen", "doelstellingen"), ChartKind.TARGETS),
}


@dataclass(frozen=True)
class Series:
    """One line or set of bars: its label (catalog keys joined with " + ", or a name in Dutch and English) and one
    value per point of the chart (None: no value there)."""

    keys: tuple[str, ...]
    values: tuple[float | None, ...]
    names: tuple[str, str] | None = None  # (nl, en), for data-named series such as targets
    unit: str = ""
    target: float | None = None  # a target's value, drawn as a line


@dataclass(frozen=True)
class ChartData:
    """Everything one chart shows. ``points`` are the x positions: dates (the end of a week, a measurement) or
    years; ``notes`` are catalog keys for what the small-numbers rule did."""

    kind: ChartKind
    slug: str
    name_nl: str
    name_en: str
    points: tuple[date | int, ...]
    series: tuple[Series, ...]
    cycle_year: int | None = None
    stacked: bool = False
    total: int | None = None
    notes: tuple[str, ...] = ()
    secretariat: bool = False
    panels: tuple[ChartData, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not self.panels and (not self.points or all(v is None for s in self.series for v in s.values))

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_nl


def _base(covenant: Covenant, kind: ChartKind, secretariat: bool) -> dict[str, object]:
    return {
        "kind": kind,
        "slug": covenant.slug,
        "name_nl": covenant.name_nl,
        "name_en": covenant.name_en,
        "secretariat": secretariat,
    }


def _week_end(day: date) -> date:
    return day + timedelta(days=6 - day.weekday())


def plan_chart(session: Session, covenant: Covenant, today: date, *, secretariat: bool) -> ChartData:
    """This cycle's plans, week by week: how many were handed in and how many were due by the end of each week."""
    base = _base(covenant, ChartKind.PLANS, secretariat)
    year = plans.current_cycle_year(session, covenant.id, today)
    if year is None:
        return ChartData(points=(), series=(), **base)  # type: ignore[arg-type]
    rows = session.execute(
        select(ActionPlan.due_on, ActionPlan.submitted_on).where(
            ActionPlan.covenant_id == covenant.id, ActionPlan.cycle_year == year
        )
    ).all()
    if not secretariat and len(rows) < SMALL:
        return ChartData(points=(), series=(), cycle_year=year, notes=("charts.note_suppressed",), **base)  # type: ignore[arg-type]
    dues = sorted(due for due, _ in rows)
    handed = sorted(submitted for _, submitted in rows if submitted is not None)
    first = min([dues[0], *handed[:1]])
    last = max([dues[-1], *handed[-1:], min(today, dues[-1])])
    weeks: list[date] = []
    week = _week_end(first)
    while week <= _week_end(last):
        weeks.append(week)
        week += timedelta(days=7)
    handed_in = tuple(float(_count_until(handed, w)) if w - timedelta(days=6) <= today else None for w in weeks)
    due = tuple(float(_count_until(dues, w)) for w in weeks)
    return ChartData(
        points=tuple(weeks),
        series=(Series(("charts.handed_in",), handed_in), Series(("charts.due",), due)),
        cycle_year=year,
        total=len(rows),
        **base,  # type: ignore[arg-type]
    )


def _count_until(sorted_days: list[date], until: date) -> int:
    return bisect_right(sorted_days, until)


_ORDER = tuple(AssessmentOutcome)  # meets, on track, lagging: neighbours may be merged


def merge_small(counts: dict[AssessmentOutcome, int]) -> list[tuple[tuple[AssessmentOutcome, ...], int]]:
    """Outcome categories of one cycle merged by the small-numbers rule the annual report uses too
    (:func:`bot.services.small_numbers.merge_small`); the caller has left out cycles of fewer than SMALL."""
    buckets = small_numbers.merge_small([(o.value, counts.get(o, 0)) for o in _ORDER], SMALL) or ()
    return [(tuple(AssessmentOutcome(key) for key in bucket.keys), bucket.count) for bucket in buckets]


def outcome_chart(session: Session, covenant: Covenant, today: date, *, secretariat: bool) -> ChartData:
    """Assessment outcomes per cycle, over the years (merged or suppressed as the small-numbers rule says)."""
    base = _base(covenant, ChartKind.OUTCOMES, secretariat)
    rows = session.execute(
        select(ActionPlan.cycle_year, ActionPlan.assessment_outcome).where(
            ActionPlan.covenant_id == covenant.id,
            ActionPlan.assessment_outcome.is_not(None),
            ActionPlan.cycle_year <= today.year,
        )
    ).all()
    per_year: dict[int, dict[AssessmentOutcome, int]] = {}
    for year, outcome in rows:
        per_year.setdefault(year, {}).setdefault(outcome, 0)
        per_year[year][outcome] += 1
    notes: list[str] = []
    years = sorted(per_year)
    if not secretariat:
        kept = [y for y in years if sum(per_year[y].values()) >= SMALL]
        if len(kept) < len(years):
            notes.append("charts.note_suppressed")
        years = kept
    # The categories shown: each outcome on its own, or (outside the secretariat) merged groups where needed.
    grouping: dict[int, list[tuple[tuple[AssessmentOutcome, ...], int]]] = {
        y: merge_small(per_year[y]) if not secretariat else [((o,), per_year[y].get(o, 0)) for o in _ORDER]
        for y in years
    }
    labels: list[tuple[AssessmentOutcome, ...]] = []
    for y in years:
        for group, _ in grouping[y]:
            if group not in labels:
                labels.append(group)
    labels.sort(key=lambda g: (_ORDER.index(g[0]), len(g)))
    if any(len(g) > 1 for g in labels):
        notes.append("charts.note_merged")
    series = tuple(
        Series(
            tuple(f"outcome.{o.value}" for o in group),
            tuple(float(dict(grouping[y]).get(group, 0)) if group in dict(grouping[y]) else None for y in years),
        )
        for group in labels
    )
    return ChartData(points=tuple(years), series=series, stacked=True, notes=tuple(notes), **base)  # type: ignore[arg-type]


def participant_chart(session: Session, covenant: Covenant, today: date, *, secretariat: bool) -> ChartData:
    """Participants at the end of each year (today for this year), with how many joined and left that year."""
    base = _base(covenant, ChartKind.PARTICIPANTS, secretariat)
    rows = session.execute(
        select(Participation.joined_on, Participation.left_on).where(Participation.covenant_id == covenant.id)
    ).all()
    starts = [joined or covenant.signed_on for joined, _ in rows]
    known = [d for d in starts if d is not None]
    if not known:
        return ChartData(points=(), series=(), **base)  # type: ignore[arg-type]
    end_year = min(today.year, covenant.ends_on.year if covenant.ends_on else today.year)
    years = tuple(range(min(known).year, max(end_year, min(known).year) + 1))
    active, joined, left = [], [], []
    for year in years:
        moment = min(date(year, 12, 31), today)
        active.append(
            float(
                sum(
                    1
                    for start, (_, gone) in zip(starts, rows, strict=True)
                    if start is not None and start <= moment and (gone is None or gone > moment)
                )
            )
        )
        joined.append(float(sum(1 for start in starts if start is not None and start.year == year)))
        left.append(float(sum(1 for _, gone in rows if gone is not None and gone.year == year and gone <= today)))
    return ChartData(
        points=years,
        series=(
            Series(("charts.participants",), tuple(active)),
            Series(("charts.joined",), tuple(joined)),
            Series(("charts.left",), tuple(left)),
        ),
        **base,  # type: ignore[arg-type]
    )


def chart_data(session: Session, covenant: Covenant, kind: ChartKind, today: date, *, secretariat: bool) -> ChartData:
    """The figures of one chart of ``covenant``: public data only unless ``secretariat``."""
    if kind == ChartKind.PLANS:
        return plan_chart(session, covenant, today, secretariat=secretariat)
    if kind == ChartKind.OUTCOMES:
        return outcome_chart(session, covenant, today, secretariat=secretariat)
    if kind == ChartKind.PARTICIPANTS:
        return participant_chart(session, covenant, today, secretariat=secretariat)
    return target_chart(session, covenant, today, secretariat=secretariat)


# How a target's unit is written after its figures (a count needs no sign).
_UNIT_SIGNS = {"percent": "%"}


def target_chart(session: Session, covenant: Covenant, today: date, *, secretariat: bool) -> ChartData:
    """Each target against its measurements, one panel a target (private targets only for the secretariat; derived
    public percentages over too few companies are left out by :func:`targets.target_figures`)."""
    base = _base(covenant, ChartKind.TARGETS, secretariat)
    every = targets.target_figures(session, covenant, today, include_private=secretariat)
    # A target without measurements has nothing to draw: the panels go to those with figures.
    found = [figures for figures in every if figures.measurements][:MAX_TARGET_PANELS]
    panels = tuple(
        ChartData(
            points=tuple(m.on for m in figures.measurements),
            series=(
                Series(
                    (),
                    tuple(m.value for m in figures.measurements),
                    names=(figures.name_nl, figures.name_en),
                    unit=_UNIT_SIGNS.get(figures.unit, ""),
                    target=figures.target_value,
                ),
            ),
            **base,  # type: ignore[arg-type]
        )
        for figures in found
    )
    notes = ("charts.note_suppressed",) if any(figures.suppressed for figures in every) else ()
    return ChartData(points=(), series=(), panels=panels, notes=notes, **base)  # type: ignore[arg-type]
