"""Plan aggregates and per-company reads over the demo data."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.db.engine import SessionFactory
from bot.db.models import Covenant, Organisation
from bot.services.plans import plans

TODAY = date(2026, 11, 23)


def test_cycle_summary_counts_submitted_assessed_and_overdue(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        energy = session.scalar(select(Covenant).where(Covenant.slug == "hernieuwbare-energie"))
        assert energy is not None
        summary = plans.cycle_summary(session, energy.id, TODAY)
        assert summary.cycle_year == 2026
        assert summary.total >= 4
        assert 0 < summary.submitted < summary.total
        assert summary.overdue >= 1
        assert summary.assessed == sum(summary.outcomes.values())


def test_overdue_plans_are_past_due_and_not_submitted(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        overdue = plans.overdue_plans(session, TODAY)
        assert overdue
        assert all(plan.submitted_on is None and plan.due_on < TODAY for plan in overdue)


def test_overdue_plans_can_be_limited_and_counted(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        every = plans.overdue_plans(session, TODAY)
        assert plans.count_overdue(session, TODAY) == len(every) >= 1
        assert plans.overdue_plans(session, TODAY, limit=1) == every[:1]
        covenant_id = every[0].covenant_id
        assert plans.count_overdue(session, TODAY, [covenant_id]) == sum(p.covenant_id == covenant_id for p in every)


def test_overdue_reply_lists_the_first_plans_and_counts_the_rest(session_factory: SessionFactory) -> None:
    from bot.render import plans as render

    with session_factory() as session:
        every = plans.overdue_plans(session, TODAY)
        mine = list({p.covenant_id: p.covenant for p in every}.values())
        reply = render.overdue(every[:1], len(every) + 40, mine, [], [], TODAY, "en")
    text = str(reply.blocks)
    assert every[0].organisation.name in text
    assert f"and {len(every) + 39} more" in text
    assert reply.text.endswith(f": {len(every) + 40}")


def test_company_plans_newest_first(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        company = session.scalar(select(Organisation).where(Organisation.name.like("Windkracht%")))
        assert company is not None
        years = [plan.cycle_year for plan in plans.company_plans(session, company.id)]
        assert years == sorted(years, reverse=True) and years


def test_dates_in_both_languages() -> None:
    from bot.parsing.dates import parse_date

    today = date(2026, 11, 23)
    assert parse_date("2027-03-05", today) == date(2027, 3, 5)  # year first is never day first
    assert parse_date("5-3-2027", today) == date(2027, 3, 5)
    assert parse_date("5 maart 2027", today) == date(2027, 3, 5)
    assert parse_date("March 5 2027", today) == date(2027, 3, 5)
    assert parse_date("morgen", today) == date(2026, 11, 24)
