"""The figures behind each chart, from a covenant planted in the seeded database with known plans and members; the
small-numbers rule outside the secretariat; the picture (a PNG of sane size) and its alt text in both languages."""

from __future__ import annotations

import struct
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.engine import SessionFactory
from bot.db.enums import AssessmentOutcome, CovenantPhase, OrganisationKind, ParticipationType
from bot.db.models import ActionPlan, Covenant, Organisation, Participation
from bot.render import charts as render
from bot.services.covenants import charts
from bot.services.covenants.charts import ChartKind

TODAY = date(2026, 11, 23)
MEETS, TRACK, LAG = AssessmentOutcome.MEETS, AssessmentOutcome.ON_TRACK, AssessmentOutcome.LAGGING
# Assessment outcomes planted per cycle: 2024 has 2 meets (small), 2025 has 3 companies only, 2026 is plain.
OUTCOMES = {2024: {MEETS: 2, TRACK: 9, LAG: 6}, 2025: {MEETS: 1, TRACK: 1, LAG: 1}, 2026: {MEETS: 5, TRACK: 7, LAG: 5}}
CONFIDENTIAL = "CONFIDENTIAL-NOTE-7781"


def plant(session: Session) -> Covenant:
    """Covenant `grafiektest`: 15 companies joined in 2022 and 5 in 2023, 4 left in 2024; plans and outcomes per
    OUTCOMES; the 2026 cycle as described below."""
    covenant = Covenant(
        slug="grafiektest",
        name_nl="Grafiektestconvenant",
        name_en="Chart test agreement",
        phase=CovenantPhase.IMPLEMENTING,
        signed_on=date(2022, 3, 1),
    )
    session.add(covenant)
    session.flush()
    companies = []
    for number in range(20):
        company = Organisation(name=f"Grafiekbedrijf {number:02d}", kind=OrganisationKind.COMPANY, fictional=True)
        session.add(company)
        companies.append(company)
    session.flush()
    for number, company in enumerate(companies):
        left = date(2024, 6, 1) if number >= 16 else None
        session.add(
            Participation(
                organisation_id=company.id,
                covenant_id=covenant.id,
                type=ParticipationType.ADHERING_COMPANY,
                joined_on=date(2022, 3, 1) if number < 15 else date(2023, 2, 1),
                left_on=left,
            )
        )
    for year, counts in OUTCOMES.items():
        outcomes = [o for o, n in counts.items() for _ in range(n)]
        for company, outcome in zip(companies, outcomes, strict=False):
            submitted = date(year, 10, 28) if year < 2026 else None
            session.add(
                ActionPlan(
                    organisation_id=company.id,
                    covenant_id=covenant.id,
                    cycle_year=year,
                    due_on=date(year, 11, 1),
                    submitted_on=submitted,
                    assessment_outcome=outcome,
                    assessment_notes=CONFIDENTIAL,
                )
            )
    session.flush()
    # The 2026 cycle: 3 handed in in the week ending 25 Oct, 4 more by 8 Nov, of 17 plans due by 1 Nov or 15 Nov.
    plans_2026 = list(
        session.scalars(select(ActionPlan).where(ActionPlan.covenant_id == covenant.id, ActionPlan.cycle_year == 2026))
    )
    for number, plan in enumerate(sorted(plans_2026, key=lambda p: p.id)):
        plan.due_on = date(2026, 11, 1) if number < 10 else date(2026, 11, 15)
        plan.submitted_on = date(2026, 10, 21) if number < 3 else date(2026, 11, 4) if number < 7 else None
    session.commit()
    return covenant


@pytest.fixture
def covenant(session_factory: SessionFactory) -> Covenant:
    with session_factory() as session:
        planted = plant(session)
        session.expunge(planted)
        return planted


def data(session_factory: SessionFactory, kind: ChartKind, *, secretariat: bool) -> charts.ChartData:
    with session_factory() as session:
        covenant = session.scalars(select(Covenant).where(Covenant.slug == "grafiektest")).one()
        return charts.chart_data(session, covenant, kind, TODAY, secretariat=secretariat)


def values(chart: charts.ChartData, label: str) -> tuple[float | None, ...]:
    [series] = [s for s in chart.series if render.series_label(s, "en") == label]
    return series.values


def test_plan_chart_counts_handed_in_and_due_per_week(covenant: Covenant, session_factory: SessionFactory) -> None:
    chart = data(session_factory, ChartKind.PLANS, secretariat=False)
    assert chart.cycle_year == 2026 and chart.total == 17
    weeks = [p.isoformat() for p in chart.points]  # type: ignore[union-attr]
    assert weeks == ["2026-10-25", "2026-11-01", "2026-11-08", "2026-11-15"]
    assert values(chart, "handed in") == (3, 3, 7, 7)
    assert values(chart, "due") == (0, 10, 10, 17)


def test_outcomes_per_cycle_exact_for_the_secretariat(covenant: Covenant, session_factory: SessionFactory) -> None:
    chart = data(session_factory, ChartKind.OUTCOMES, secretariat=True)
    assert chart.points == (2024, 2025, 2026)
    assert values(chart, "fully meets") == (2, 1, 5)
    assert values(chart, "on track") == (9, 1, 7)
    assert values(chart, "lagging") == (6, 1, 5)
    assert chart.notes == ()


def test_outcomes_outside_the_secretariat_merge_small_groups_and_drop_small_cycles(
    covenant: Covenant, session_factory: SessionFactory
) -> None:
    chart = data(session_factory, ChartKind.OUTCOMES, secretariat=False)
    assert chart.points == (2024, 2026)  # 2025: only 3 companies assessed, left out
    assert values(chart, "fully meets + on track") == (11, None)  # 2024: 2 meets merged with 9 on track
    assert values(chart, "fully meets") == (None, 5)
    assert values(chart, "on track") == (None, 7)
    assert values(chart, "lagging") == (6, 5)
    assert set(chart.notes) == {"charts.note_suppressed", "charts.note_merged"}
    every_value = [v for s in chart.series for v in s.values if v is not None]
    assert all(v >= charts.SMALL for v in every_value)


def test_participants_over_time(covenant: Covenant, session_factory: SessionFactory) -> None:
    chart = data(session_factory, ChartKind.PARTICIPANTS, secretariat=False)
    assert chart.points == (2022, 2023, 2024, 2025, 2026)
    assert values(chart, "participants") == (15, 20, 16, 16, 16)
    assert values(chart, "joined") == (15, 5, 0, 0, 0)
    assert values(chart, "left") == (0, 0, 4, 0, 0)


def test_a_small_cycle_of_plans_is_not_charted_outside_the_secretariat(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        covenant = plant(session)
        for plan in session.scalars(select(ActionPlan).where(ActionPlan.covenant_id == covenant.id)):
            if plan.cycle_year == 2026 and plan.id % 5:
                session.delete(plan)
        session.commit()
        left = len(
            session.scalars(
                select(ActionPlan).where(ActionPlan.cycle_year == 2026, ActionPlan.covenant_id == covenant.id)
            ).all()
        )
        assert 0 < left < charts.SMALL
        public = charts.chart_data(session, covenant, ChartKind.PLANS, TODAY, secretariat=False)
        private = charts.chart_data(session, covenant, ChartKind.PLANS, TODAY, secretariat=True)
    assert public.empty and public.notes == ("charts.note_suppressed",)
    assert not private.empty and private.total == left


@pytest.mark.parametrize("kind", list(ChartKind))
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_picture_is_a_png_of_sane_size_with_its_figures_in_the_alt_text(
    covenant: Covenant, session_factory: SessionFactory, kind: ChartKind, lang: str
) -> None:
    chart = data(session_factory, kind, secretariat=False)
    image = render.render_chart(chart, lang)
    assert image.png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", image.png[16:24])
    assert 600 <= width <= 2000 and 300 <= height <= 2000
    assert 2_000 < len(image.png) < 1_000_000
    assert 0 < len(image.alt_text) <= render.MAX_ALT
    assert CONFIDENTIAL not in image.alt_text and "Grafiekbedrijf" not in image.alt_text
    assert chart.name(lang) in image.alt_text


def test_alt_text_states_the_figures_in_the_viewers_language(
    covenant: Covenant, session_factory: SessionFactory
) -> None:
    chart = data(session_factory, ChartKind.PLANS, secretariat=False)
    english, dutch = render.alt_text(chart, "en"), render.alt_text(chart, "nl")
    assert "handed in: 25 Oct 2026 3, 1 Nov 2026 3, 8 Nov 2026 7, 15 Nov 2026 7" in english
    assert "due: 25 Oct 2026 0, 1 Nov 2026 10, 8 Nov 2026 10, 15 Nov 2026 17" in english
    assert "ingeleverd: 25 okt 2026 3, 1 nov 2026 3, 8 nov 2026 7, 15 nov 2026 7" in dutch
    assert "Chart test agreement" in english and "Grafiektestconvenant" in dutch
    outcomes = render.alt_text(data(session_factory, ChartKind.OUTCOMES, secretariat=False), "nl")
    assert "voldoet + op koers: 2024 11" in outcomes
    assert "minder dan 5 bedrijven" in outcomes


def plant_targets(session_factory: SessionFactory) -> None:
    from datetime import UTC, datetime

    from bot.db.models.targets import Target, TargetMeasurement

    with session_factory() as session:
        covenant = session.scalars(select(Covenant).where(Covenant.slug == "grafiektest")).one()
        public = Target(
            covenant_id=covenant.id,
            key="markt",
            name_nl="Marktdekking",
            name_en="Market coverage",
            unit="percent",
            target_value=80.0,
            target_date=date(2027, 12, 31),
            public=True,
        )
        private = Target(
            covenant_id=covenant.id,
            key="geheim",
            name_nl="GEHEIM-DOEL-4411",
            name_en="SECRET-TARGET-4411",
            unit="percent",
            target_value=50.0,
            public=False,
        )
        unmeasured = Target(
            covenant_id=covenant.id,
            key="leeg",
            name_nl="Nog niet gemeten",
            name_en="Not measured yet",
            unit="count",
            target_value=20.0,
            public=True,
        )
        session.add_all([public, private, unmeasured])
        session.flush()
        stamp = datetime(2026, 1, 1, tzinfo=UTC)
        for target, values in ((public, (41.0, 55.5)), (private, (12.0, 13.0))):
            for year, value in zip((2024, 2025), values, strict=True):
                session.add(
                    TargetMeasurement(
                        target_id=target.id, measured_on=date(year, 12, 31), cycle=year, value=value, entered_at=stamp
                    )
                )
        session.commit()


def test_targets_against_measurements_private_ones_only_for_the_secretariat(
    covenant: Covenant, session_factory: SessionFactory
) -> None:
    plant_targets(session_factory)
    public = data(session_factory, ChartKind.TARGETS, secretariat=False)
    [panel] = public.panels  # the target without measurements has no panel of its own
    [series] = panel.series
    assert series.names == ("Marktdekking", "Market coverage")
    assert series.values == (41.0, 55.5) and series.target == 80.0 and series.unit == "%"
    assert [p.isoformat() for p in panel.points] == ["2024-12-31", "2025-12-31"]  # type: ignore[union-attr]
    image = render.render_chart(public, "en")
    assert "SECRET-TARGET" not in image.alt_text
    assert "Market coverage (target 80%): 31 Dec 2024 41%, 31 Dec 2025 55.5%" in image.alt_text
    secretariat = data(session_factory, ChartKind.TARGETS, secretariat=True)
    assert {p.series[0].names for p in secretariat.panels} == {
        ("Marktdekking", "Market coverage"),
        ("GEHEIM-DOEL-4411", "SECRET-TARGET-4411"),
    }
    assert "GEHEIM-DOEL-4411" in render.alt_text(secretariat, "nl")
