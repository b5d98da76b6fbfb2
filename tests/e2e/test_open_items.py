"""Questions people actually ask, through the real app: "my open items" (command and question), "what was
decided" from approved minutes, next week, and how many companies signed an ended covenant."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.engine import SessionFactory
from bot.db.enums import MinutesStatus, RsvpAnswer
from bot.db.models import ActionItem, Decision, Meeting, Rsvp
from bot.services.meetings.occurrences import upcoming
from tests.support import factories
from tests.support.demo import NOW, person
from tests.support.harness import SlackHarness, reply_text


def _ask(slack: SlackHarness, user: str, text: str, channel: str = "C1") -> str:
    slack.standin.reset()
    slack.event({"type": "app_mention", "user": user, "text": f"<@UBOTCOVENANT> {text}", "channel": channel, "ts": "1"})
    return reply_text(slack.standin.wait_for("chat.postEphemeral")[0])


def _meeting_of(session: Session, group_name: str) -> Meeting:
    group = factories.group(session, group_name)
    found = session.scalars(select(Meeting).where(Meeting.working_group_id == group.id)).first()
    assert found is not None
    return found


def _plant_minutes(session_factory: SessionFactory) -> None:
    """Approved minutes of the living wage group (an action item for Pieter), of the metals steering group
    (decisions; an action item for Pieter he may not read) and newer draft minutes of the steering group."""
    pieter = person("pieter").slack_user_id
    with session_factory() as session:
        wage = _meeting_of(session, "Werkgroep Leefbaar Loon")
        approved = factories.add_minutes(session, wage, MinutesStatus.APPROVED, NOW - timedelta(days=40))
        session.add(
            ActionItem(minutes_id=approved.id, owner_slack_id=pieter, task="Loonkloofcijfers aanleveren", position=1)
        )
        steering = _meeting_of(session, "Stuurgroep Metaal")
        older = factories.add_minutes(session, steering, MinutesStatus.APPROVED, NOW - timedelta(days=120))
        session.add(Decision(minutes_id=older.id, position=1, text="Oud besluit over de agenda"))
        last = factories.add_minutes(session, steering, MinutesStatus.APPROVED, NOW - timedelta(days=60))
        session.add(Decision(minutes_id=last.id, position=1, text="Het doel van 80% volwassenheid blijft staan"))
        session.add(Decision(minutes_id=last.id, position=2, text="Jaarrapportage verschijnt in maart"))
        session.add(ActionItem(minutes_id=last.id, owner_slack_id=pieter, task="GEHEIM STUURGROEPACTIEPUNT"))
        draft = factories.add_minutes(session, steering, MinutesStatus.DRAFT, NOW - timedelta(days=3))
        session.add(Decision(minutes_id=draft.id, position=1, text="CONCEPTBESLUIT NOG NIET VASTGESTELD"))
        session.commit()


def test_my_open_items_by_command_in_both_languages(slack: SlackHarness) -> None:
    fatima = reply_text(slack.command("/covenant", "mijn", person("fatima").slack_user_id))
    assert "Wat er voor jou openstaat" in fatima
    assert "Conceptnotitie leefbaar loon rondsturen" in fatima  # her own action-item deadline
    assert "Vergaderingen waarop je nog moet antwoorden" in fatima and "maandoverleg" in fatima
    emma = reply_text(slack.command("/covenant", "mine", person("emma").slack_user_id))
    assert "What is waiting for you" in emma
    assert "Share the smelter list template with the working group" in emma and "overdue" in emma
    # Other people's deadlines are not in anyone's list.
    assert "Beoordelingsgesprek voorbereiden" not in fatima + emma
    assert "Prepare the assessment meeting" not in emma


def test_my_open_items_as_a_question_show_only_what_the_asker_may_see(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    _plant_minutes(session_factory)
    pieter = person("pieter").slack_user_id
    text = _ask(slack, pieter, "wat zijn mijn openstaande deadlines?")
    assert "Jouw actiepunten uit vastgestelde verslagen" in text and "Loonkloofcijfers aanleveren" in text
    # An action item in minutes of a group he is not in is not shown to him.
    assert "GEHEIM STUURGROEPACTIEPUNT" not in text
    assert "Beoordelingsgesprek voorbereiden" not in text  # Zonneveld's, not Windkracht's
    assert "maandoverleg" in text
    # Once he answered the invitation, the meeting leaves the list.
    with session_factory() as session:
        wage = _meeting_of(session, "Werkgroep Leefbaar Loon")
        sitting = upcoming(session, NOW, [wage.working_group_id], limit=1)[0]
        session.add(
            Rsvp(
                meeting_id=wage.id, occurrence_start=sitting.recurrence_id, slack_user_id=pieter, answer=RsvpAnswer.YES
            )
        )
        session.commit()
    again = _ask(slack, pieter, "wat moet ik nog doen?")
    assert "Loonkloofcijfers aanleveren" in again and "maandoverleg" not in again
    english = _ask(slack, person("emma").slack_user_id, "show me my deadlines")
    assert "Your open deadlines" in english and "Share the smelter list template" in english


def test_nothing_open_says_so(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/covenant", "mine", "UNKNOWN001"))
    assert "Nothing is waiting for you" in text


def test_what_was_decided_comes_from_the_last_approved_minutes(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    _plant_minutes(session_factory)
    sanne = _ask(
        slack, person("sanne").slack_user_id, "wat is er besloten bij de laatste vergadering van de stuurgroep metaal?"
    )
    assert "Besluiten — Stuurgroep Metaal" in sanne
    assert "Het doel van 80% volwassenheid blijft staan" in sanne and "Jaarrapportage verschijnt in maart" in sanne
    assert "Oud besluit" not in sanne  # only the last approved minutes
    assert "CONCEPTBESLUIT" not in sanne  # draft minutes are not decisions yet
    tom = _ask(slack, person("tom").slack_user_id, "what was decided at the last steering group meeting of metals")
    assert "Decisions — Stuurgroep Metaal" in tom and "80% volwassenheid" in tom
    # Someone who may not read the steering group's minutes is told so, and sees no decision.
    pieter = _ask(
        slack, person("pieter").slack_user_id, "what was decided at the last steering group meeting of metals"
    )
    assert "only for the group's members and the secretariat" in pieter  # asked in English, answered so
    assert "80% volwassenheid" not in pieter


def test_decisions_of_a_group_without_approved_minutes(slack: SlackHarness) -> None:
    text = _ask(slack, person("lotte").slack_user_id, "welke besluiten nam de taakgroep grondstoffen zonnepanelen?")
    assert "Van Taakgroep Grondstoffen Zonnepanelen is nog geen vastgesteld verslag." in text


def test_decisions_without_a_group_ask_which(slack: SlackHarness) -> None:
    text = _ask(slack, person("sanne").slack_user_id, "wat is er besloten?")
    assert "Welke groep bedoel je?" in text


def test_how_many_companies_signed_an_ended_covenant_uses_its_public_figures(slack: SlackHarness) -> None:
    text = _ask(slack, person("emma").slack_user_id, "how many companies signed textile")
    assert "Public figures on who signed" in text and "55 companies at signing" in text and "92 brands" in text
    # The few (fictional) companies recorded here come after the public figures, said as such.
    assert text.index("92 brands") < text.index("Recorded here") < text.index("Companies taking part now: 0")
    dutch = reply_text(slack.command("/covenant", "companies banken", person("sanne").slack_user_id))
    assert "Openbare cijfers" in dutch and "13 of 11 banken" in dutch and "onzeker" in dutch


def test_what_happens_next_week(slack: SlackHarness) -> None:
    # Monday 23 November: next week runs from 30 November to 6 December.
    emma = _ask(slack, person("emma").slack_user_id, "what happens next week?")
    assert "Next week" in emma and "weekly call" in emma
    assert "Stuurgroep Hernieuwbare Energie" not in emma  # not her group
    sanne = _ask(slack, person("sanne").slack_user_id, "wat gebeurt er volgende week?")
    assert "Volgende week" in sanne and "weekly call" in sanne  # 2 December
    # The steering group meets on the second Wednesday (9 December): the week after next week.
    assert "Stuurgroep Hernieuwbare Energie — vergadering" not in sanne


def test_a_companys_unowned_deadline_and_assessment_meeting_reach_only_its_contacts(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    factories.plant_confidential(session_factory)
    pieter = reply_text(slack.command("/covenant", "mine", person("pieter").slack_user_id))
    assert factories.DEADLINE_MARKER in pieter and factories.MEETING_MARKER in pieter
    for other in ("fatima", "ingrid"):  # members of the same group, not Windkracht's contacts
        text = reply_text(slack.command("/covenant", "mine", person(other).slack_user_id))
        assert factories.DEADLINE_MARKER not in text and factories.MEETING_MARKER not in text
