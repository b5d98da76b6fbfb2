"""Targets and measurements (issue 17 part 1): /covenant measure, /covenant targets and the status section,
through the real app. Private targets reach only the covenant's secretariat; nothing is written on bad input."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.engine import SessionFactory
from bot.db.enums import OrganisationKind, ParticipationType
from bot.db.models import ActionPlan, AuditEntry, Organisation, Participation, Target, TargetMeasurement
from bot.services.administration import seed
from bot.services.covenants.targets import target_figures
from tests.support.demo import NOW, person
from tests.support.factories import covenant
from tests.support.harness import SlackHarness, button_ids, click, reply_text

SANNE, TOM, PIETER, FATIMA, EMMA = (person(key).slack_user_id for key in ("sanne", "tom", "pieter", "fatima", "emma"))


def _counts(factory: SessionFactory) -> tuple[int, int]:
    with factory() as session:
        return (
            int(session.scalar(select(func.count()).select_from(TargetMeasurement)) or 0),
            int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0),
        )


def _add_companies_with_plans(factory: SessionFactory, slug: str, count: int, on_time: int, cycle: int) -> None:
    """``count`` new companies in ``slug``, each with a plan of ``cycle`` due a month ago; ``on_time`` handed in."""
    with factory() as session:
        target = covenant(session, slug)
        for n in range(count):
            company = Organisation(name=f"Doelbedrijf {cycle} {n:02d} BV (demo)", kind=OrganisationKind.COMPANY)
            session.add(company)
            session.flush()
            session.add(
                Participation(
                    organisation_id=company.id,
                    covenant_id=target.id,
                    type=ParticipationType.ADHERING_COMPANY,
                    joined_on=date(2024, 1, 1),
                )
            )
            due = date(cycle, 6, 1)
            session.add(
                ActionPlan(
                    organisation_id=company.id,
                    covenant_id=target.id,
                    cycle_year=cycle,
                    due_on=due,
                    submitted_on=due - timedelta(days=1) if n < on_time else due + timedelta(days=9),
                )
            )
        session.commit()


def test_status_shows_the_public_targets_only_with_value_target_and_trend(slack: SlackHarness) -> None:
    for user in (SANNE, PIETER, FATIMA):
        text = reply_text(slack.command("/covenant", "status wind", user))
        assert "*Doelen*" in text
        # Entered: 40% twice -> flat; target 100% by 30 June 2027.
        assert "Bedrijven met toegang tot klachtenmechanisme* — *40%* (2025) →" in text
        assert "doel 100% op 30 juni 2027" in text
        assert "Deelnemende organisaties" in text
        # Private targets never in the status, not even for the secretariat (the status can be shared).
        assert "Aanwezigheid" not in text and "Beoordelingen" not in text and "Gehouden bijeenkomsten" not in text
    english = reply_text(slack.command("/covenant", "status metals", EMMA))
    assert "*Targets*" in english
    assert "Market coverage of participating companies* — *41%* (2025) ↑ · target 50% by 31 December 2028" in english
    assert "Smelters mapped" not in english


def test_shared_status_carries_the_public_targets_only(slack: SlackHarness) -> None:
    status = slack.command("/covenant", "status metals", TOM, channel="CMETALS001")
    click(slack, status, "share_status", TOM, channel="CMETALS001")
    posted = reply_text(slack.standin.wait_for("chat.postMessage")[0])
    assert "Market coverage of participating companies" in posted
    assert "Smelters mapped" not in posted and "Meeting attendance" not in posted


@pytest.mark.parametrize(
    ("user", "sees_private"),
    [(SANNE, True), (PIETER, False), (FATIMA, False), (EMMA, False)],
    ids=["secretariat", "company-contact", "ngo-member", "other-organisation"],
)
def test_the_listing_shows_private_targets_to_the_secretariat_only(
    slack: SlackHarness, user: str, sees_private: bool
) -> None:
    reply = slack.command("/covenant", "doelen wind", user)
    text = reply_text(reply)
    assert "`grievance-access`" in text and "`participants`" in text
    for private in ("`outcomes-meet`", "`attendance`", "`meetings-held`", "`action-items-on-time`"):
        assert (private in text) is sees_private
    assert button_ids(reply.args["blocks"]) == set()


def test_the_secretariat_enters_a_measurement_audited_and_the_status_shows_it(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    before = _counts(session_factory)
    text = reply_text(slack.command("/covenant", "meet wind grievance-access 60,5% 20-11-2026", SANNE))
    assert "Vastgelegd: Bedrijven met toegang tot klachtenmechanisme 60,5% op 20 november 2026." in text
    assert _counts(session_factory) == (before[0] + 1, before[1] + 1)
    with session_factory() as session:
        audit = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert audit is not None and audit.action == "target.measure" and audit.actor == SANNE
        assert audit.detail == {
            "covenant": "hernieuwbare-energie",
            "target": "grievance-access",
            "on": "2026-11-20",
            "from": None,
            "to": 60.5,
        }
    status = reply_text(slack.command("/covenant", "status wind", PIETER))
    assert "*60,5%* (2026) ↑" in status
    # The same day again corrects the value (one per day), also audited.
    assert _counts(session_factory)[0] == before[0] + 1
    again = reply_text(slack.command("/covenant", "meting wind grievance-access 58 2026-11-20", SANNE))
    assert "Gecorrigeerd" in again and "nu 58%" in again and "was 60,5%" in again
    assert _counts(session_factory) == (before[0] + 1, before[1] + 2)


@pytest.mark.parametrize(
    ("user", "text", "expected"),
    [
        (PIETER, "meet wind grievance-access 60", "Alleen het secretariaat van een convenant"),
        (FATIMA, "meet wind grievance-access 60", "Alleen het secretariaat van een convenant"),
        (TOM, "measure wind grievance-access 60", "Only the secretariat of Renewable Energy Agreement"),
        (SANNE, "meet wind", "Gebruik `/covenant meet <convenant> <doel> <waarde> [datum]`"),
        (TOM, "measure metaal market-coverage", "Use `/covenant measure <covenant> <target> <value> [date]`"),
        (SANNE, "meet wind grievance-access veel", "“veel” is geen waarde die ik kan vastleggen"),
        (TOM, "measure metaal market-coverage lots", "“lots” is not a value I can record"),
        (TOM, "measure metaal market-coverage 120%", "“120%” is more than 100%"),
        (TOM, "measure metaal market-coverage -5", "“-5” is not a value I can record"),
        (TOM, "measure metaal smelters-mapped 21%", "Smelters mapped is counted, not a percentage"),
        (TOM, "measure metaal plans-on-time 80", "computed by the bot from its own data"),
        (SANNE, "meet wind plans-on-time 80", "berekent de bot zelf"),
        (TOM, "measure metaal market-coverage 44 2030-01-01", "2030-01-01 is in the future"),
        (TOM, "measure metaal market-coverage 44 2026-02-30", "is not a date"),
        (SANNE, "meet wind market-coverage 44", "heeft geen doel `market-coverage`"),
        (TOM, "measure metaal '; DROP TABLE covenant_target; -- 5", "has no target"),
        (TOM, "measure nergensland market-coverage 44", "don't know a covenant"),
    ],
)
def test_bad_input_is_refused_clearly_in_the_users_language_and_writes_nothing(
    slack: SlackHarness, session_factory: SessionFactory, user: str, text: str, expected: str
) -> None:
    before = _counts(session_factory)
    answer = reply_text(slack.command("/covenant", text, user))
    assert expected in answer, answer
    assert any(part in answer for part in ("Nothing was changed", "Er is niets veranderd", "don't know", "not a date"))
    assert _counts(session_factory) == before


def test_derived_plans_on_time_is_computed_and_small_numbers_are_not_published(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    # The demo's wind plans: four companies, fewer than five: the public percentage is not shown.
    status = reply_text(slack.command("/covenant", "status wind", PIETER))
    assert "Plannen van aanpak op tijd ingediend* — nog niet gemeten" in status
    assert "minder dan 5 bedrijven" in status
    # Four companies in 2024 (3 on time) are still too few; five in 2025 (4 on time, with the demo's one
    # 2025 plan, on time: 5 of 6) are published.
    _add_companies_with_plans(session_factory, "hernieuwbare-energie", 4, 3, 2024)
    _add_companies_with_plans(session_factory, "hernieuwbare-energie", 5, 4, 2025)
    with session_factory() as session:
        figures = {
            f.key: f
            for f in target_figures(
                session, covenant(session, "hernieuwbare-energie"), NOW.date(), include_private=False
            )
        }
    plans = figures["plans-on-time"]
    assert [(m.cycle, m.value, m.basis) for m in plans.measurements] == [(2025, 83.3, 6)]
    assert 2024 in plans.suppressed
    status = reply_text(slack.command("/covenant", "status wind", FATIMA))
    assert "Plannen van aanpak op tijd ingediend* — *83,3%* (2025)" in status


def test_reseeding_changes_no_target_and_no_measurement(session_factory: SessionFactory) -> None:
    def snapshot(session: Session) -> list[tuple[object, ...]]:
        rows = session.execute(
            select(Target.covenant_id, Target.key, Target.public, Target.derivation, TargetMeasurement.measured_on)
            .outerjoin(TargetMeasurement)
            .order_by(Target.covenant_id, Target.key, TargetMeasurement.measured_on)
        ).all()
        return [tuple(row) for row in rows]

    with session_factory() as session:
        before = snapshot(session)
        assert len({(c, k) for c, k, *_ in before}) >= 15
        seed.load_public(session)
        seed.load_demo(session, NOW.date(), NOW)
        assert snapshot(session) == before
        # A month later (the demo's days are relative to today): still nothing new.
        later = NOW + timedelta(days=30)
        seed.load_public(session)
        seed.load_demo(session, later.date(), later)
        assert snapshot(session) == before


def test_many_targets_stay_within_block_kit_limits(slack: SlackHarness, session_factory: SessionFactory) -> None:
    with session_factory() as session:
        wind = covenant(session, "hernieuwbare-energie")
        for n in range(60):
            session.add(
                Target(
                    covenant_id=wind.id,
                    key=f"extra-{n:02d}",
                    position=200 + n,
                    name_nl=f"Extra doel {n:02d} " + "x" * 150,
                    name_en=f"Extra target {n:02d}",
                    unit="count",
                    target_value=10,
                    public=True,
                )
            )
        session.commit()
    status = slack.command("/covenant", "status wind", PIETER)
    assert len(status.args["blocks"]) <= 50
    assert "`/covenant doelen` toont ze allemaal" in reply_text(status)
    listing = slack.command("/covenant", "doelen wind", PIETER)
    assert len(listing.args["blocks"]) <= 50
    assert "doelen die hier niet staan" in reply_text(listing)
