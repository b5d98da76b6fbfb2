"""The public facts brought up to date (issue 18, part 5): each correction as it is after seeding, the plant
proteins agreement listed, and the list's count taken from the database."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.engine import SessionFactory
from bot.db.enums import CovenantKind, CovenantPhase
from bot.db.models import Covenant
from bot.services.administration import seed
from tests.support.demo import person
from tests.support.harness import SlackHarness, reply_text

EMMA = person("emma").slack_user_id
SANNE = person("sanne").slack_user_id


def _covenant(session: Session, slug: str) -> Covenant:
    found = session.scalars(select(Covenant).where(Covenant.slug == slug)).one()
    return found


def _facts(session: Session, slug: str) -> dict[str, bool]:
    """The covenant's facts in English, each with its uncertain flag."""
    return {fact.text_en: fact.uncertain for fact in _covenant(session, slug).facts}


def _dutch_facts(session: Session, slug: str) -> dict[str, bool]:
    return {fact.text_nl: fact.uncertain for fact in _covenant(session, slug).facts}


def test_textile_had_92_brands_at_the_end_of_2018(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        facts = _facts(session, "textiel")
        assert facts["92 brands at the end of 2018, together about 48% of the market"] is False
        assert "Eind 2018 92 merken, samen ongeveer 48% van de markt" in _dutch_facts(session, "textiel")
        assert not any("93" in text for text in facts)


def test_agriculture_talks_stopped_so_its_phase_is_ended(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        covenant = _covenant(session, "land-tuinbouw")
        assert covenant.phase == CovenantPhase.ENDED and covenant.signed_on is None
        facts = _facts(session, "land-tuinbouw")
        assert facts["Talks started on 3 October 2016"] is False
        assert facts["Restarted in 2018, deadlocked at the end of 2019"] is False
        assert facts["The talks were stopped; no agreement was ever signed"] is False
        assert not any("Negotiating" in text for text in facts)


def test_agriculture_is_listed_as_ended_and_never_signed(slack: SlackHarness) -> None:
    negotiating = reply_text(slack.command("/covenant", "list negotiating", EMMA))
    assert "land-tuinbouw" not in negotiating
    ended = reply_text(slack.command("/covenant", "list afgelopen", SANNE))
    assert "Land- en tuinbouw* (`land-tuinbouw`) — beëindigd, nooit ondertekend" in ended
    status = reply_text(slack.command("/covenant", "status land-tuinbouw", EMMA))
    assert "The talks were stopped; no agreement was ever signed" in status and "uncertain" not in status


def test_metals_has_its_first_and_second_term(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        covenant = _covenant(session, "metaal")
        assert covenant.phase == CovenantPhase.IMPLEMENTING
        assert "Samen naar verantwoorde metaalketens" in (covenant.term_en or "")
        assert "2019–2024" in (covenant.term_nl or "") and "17 november 2025" in (covenant.term_nl or "")
        facts = _facts(session, "metaal")
        assert facts['First term: "Samen naar verantwoorde metaalketens", 2019–2024, closed on 18 June 2024'] is False
        assert facts["Second term: the IMVO-Metaalsectorovereenkomst, signed on 17 November 2025"] is False
        signatories = (
            "The second term was signed by companies, FME, CNV Internationaal, Terre des Hommes and Oxfam Novib,"
            " with the government as supporter"
        )
        assert facts[signatories] is False


def test_metals_no_longer_claims_an_undated_16_parties(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        assert not any("16 parties" in text for text in _facts(session, "metaal"))
        assert not any("16 partijen" in text for text in _dutch_facts(session, "metaal"))


def test_renewable_energy_had_59_participants_at_its_second_annual_report(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        assert _facts(session, "hernieuwbare-energie")["59 participants at its second annual report"] is False
        assert "59 deelnemers bij de tweede jaarrapportage" in _dutch_facts(session, "hernieuwbare-energie")


def test_gold_ended_at_the_end_of_june_2022(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        assert _covenant(session, "goud").ends_on == date(2022, 6, 30)
        assert _facts(session, "goud")["Ended at the end of June 2022"] is False


def test_gold_steering_group_cadence_is_flagged_as_unverified(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        cadence = [(text, flag) for text, flag in _facts(session, "goud").items() if "every two months" in text]
        assert cadence == [
            (
                "The steering group is said to have met every two months, with a general assembly twice a year"
                " (not confirmed)",
                True,
            )
        ]


def test_pension_funds_ended_on_31_december_2022_for_certain(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        assert _covenant(session, "pensioenfondsen").ends_on == date(2022, 12, 31)
        facts = _facts(session, "pensioenfondsen")
        assert facts["Ended on 31 December 2022"] is False
        assert not any("is used as the end date" in text for text in facts)


def test_food_products_signing_day_is_flagged_28_or_29_june(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        assert _covenant(session, "voedingsmiddelen").signed_on == date(2018, 6, 29)
        assert _facts(session, "voedingsmiddelen")["Signed on 28 or 29 June 2018 (sources differ)"] is True
        assert _dutch_facts(session, "voedingsmiddelen")["Ondertekend op 28 of 29 juni 2018 (bronnen verschillen)"]


def test_food_products_167_questions_only_as_unconfirmed(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        mentions = {text: flag for text, flag in _facts(session, "voedingsmiddelen").items() if "167" in text}
        assert mentions == {
            'The self-assessment builds on "10 essential questions"; the often quoted figure of 167 questions is'
            " not confirmed": True
        }


def test_plant_proteins_agreement_is_seeded(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        covenant = _covenant(session, "plantaardige-eiwitten")
        assert covenant.kind == CovenantKind.COVENANT and covenant.phase == CovenantPhase.ENDED
        assert covenant.name_nl == "IMVO-convenant Plantaardige Eiwitten"
        assert (covenant.signed_on, covenant.ends_on) == (date(2017, 3, 7), date(2019, 3, 19))
        assert covenant.secretariat == "MVO Nederland"


def test_plant_proteins_agreement_is_listed_and_answers_its_status(slack: SlackHarness) -> None:
    listed = reply_text(slack.command("/covenant", "list", EMMA))
    assert "*Plant Proteins Agreement* (`plantaardige-eiwitten`) — ended" in listed
    status = reply_text(slack.command("/covenant", "status plantaardige eiwitten", SANNE))
    assert "IMVO-convenant Plantaardige Eiwitten" in status and "MVO Nederland" in status
    assert "Afgelopen op 19 maart 2019" in status


def test_decent_work_charter_coordinated_by_the_shift_with_a_follow_up_group(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        charter = _covenant(session, "decent-work-charter")
        assert charter.secretariat == "The Shift" and charter.facilitator == "The Shift & Accenture"
        facts = _facts(session, "decent-work-charter")
        assert facts["Drafted and coordinated by The Shift, together with Accenture"] is False
        assert facts["12 signatories continued in a follow-up group"] is False


def test_accelerator_is_a_running_six_month_programme_with_yearly_cohorts(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        accelerator = _covenant(session, "bhr-accelerator")
        assert accelerator.kind == CovenantKind.PROGRAMME and accelerator.phase == CovenantPhase.IMPLEMENTING
        assert accelerator.term_en == "six-month programme, a new cohort every year (since 22 September 2022)"
        facts = _facts(session, "bhr-accelerator")
        assert facts["Launched on 22 September 2022 as a six-month programme"] is False
        assert facts["Offered again every year, with a new cohort of companies"] is False
        assert not any("provisionally" in text for text in facts)


def test_running_list_includes_the_accelerator(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/covenant", "list lopend", SANNE))
    assert "`bhr-accelerator`" in text and "`land-tuinbouw`" not in text


def test_uncertain_facts_are_still_marked_in_the_status(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/covenant", "status voedingsmiddelen", EMMA))
    assert "Signed on 28 or 29 June 2018 (sources differ) _(uncertain)_" in text


def test_seeding_twice_changes_nothing(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        assert seed.load_public(session) == len(seed.public_entries())
        assert not session.dirty and not session.new and not session.deleted


@pytest.mark.parametrize(("user", "title"), [(EMMA, "Covenants ({count})"), (SANNE, "Convenanten ({count})")])
def test_the_list_counts_the_covenants_in_the_database(
    slack: SlackHarness, session_factory: SessionFactory, user: str, title: str
) -> None:
    with session_factory() as session:
        stored = len(session.scalars(select(Covenant).where(Covenant.kind == CovenantKind.COVENANT)).all())
        assert stored == sum(1 for e in seed.public_entries() if e.get("kind", "covenant") == "covenant")
    assert title.format(count=stored) in reply_text(slack.command("/covenant", "list", user))
    with session_factory() as session:
        session.add(Covenant(slug="proef", name_nl="Proefconvenant", name_en="Trial Agreement", phase="exploring"))
        session.commit()
    assert title.format(count=stored + 1) in reply_text(slack.command("/covenant", "list", user))
