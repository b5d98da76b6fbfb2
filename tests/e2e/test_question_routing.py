"""Questions in Dutch and English route to the right answer: intent plus the covenant, group or company named.

Table-driven: each row is a phrasing people use, the intent it must get, and the entity it must find (a
covenant slug, a group's Dutch name, or the start of an organisation's name).
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot.commands.intents import (
    COMPANIES,
    COMPANY,
    CONTACT,
    DECIDED,
    GROUPS,
    HELP,
    LANG,
    LIST,
    MEETINGS,
    MINE,
    PLANS,
    STATUS,
    UNKNOWN,
    UPCOMING,
    WHOAMI,
    detect,
    question_language,
)
from bot.db.engine import SessionFactory
from bot.db.models import Covenant, Organisation, WorkingGroup
from bot.services.covenants.vocabulary import Vocabulary, words
from tests.support.demo import person
from tests.support.harness import SlackHarness, reply_text

NL = [
    ("wat is de status van het textielconvenant?", STATUS, "textiel"),
    ("hoe staat het ervoor met het metaalconvenant", STATUS, "metaal"),
    ("vertel me iets over het goudconvenant", STATUS, "goud"),
    ("status textil", STATUS, "textiel"),
    ("info over het bankenconvenant", STATUS, "banken"),
    ("welke bedrijven doen mee aan het convenant hernieuwbare energie?", COMPANIES, "hernieuwbare-energie"),
    ("wie zijn de deelnemers van het windconvenant", COMPANIES, "hernieuwbare-energie"),
    ("hoeveel bedrijven zijn aangesloten bij metaal?", COMPANIES, "metaal"),
    ("wanneer vergadert de werkgroep leefbaar loon?", MEETINGS, "Werkgroep Leefbaar Loon"),
    ("wanneer is de volgende vergadering van de stuurgroep metaal?", MEETINGS, "metaal"),
    ("wanneer komt de taakgroep grondstoffen zonnepanelen bijeen", MEETINGS, "Taakgroep Grondstoffen Zonnepanelen"),
    ("welke werkgroepen heeft het metaalconvenant?", GROUPS, "metaal"),
    ("hoeveel plannen van aanpak zijn te laat bij metaal?", PLANS, "metaal"),
    ("zijn alle plannen ingediend bij hernieuwbare energie?", PLANS, "hernieuwbare-energie"),
    ("hoe staat Windkracht ervoor?", COMPANY, "Windkracht"),
    ("plan van aanpak van Delta Alloys", PLANS, "Delta Alloys"),
    ("wie is mijn contactpersoon bij het secretariaat?", CONTACT, None),
    ("wie zit er bij het secretariaat van metaal", CONTACT, "metaal"),
    ("wie ben ik?", WHOAMI, None),
    ("welke convenanten lopen er nog?", LIST, None),
    ("welke convenanten zijn afgelopen", LIST, None),
    ("wat kun je allemaal?", HELP, None),
    ("antwoord voortaan in het engels graag", LANG, None),
    # Questions people actually ask (issue "As strict as Slack", part 2).
    ("wat zijn mijn openstaande deadlines?", MINE, None),
    ("wat moet ik nog doen?", MINE, None),
    ("mijn deadlines", MINE, None),
    ("heb ik nog iets openstaan?", MINE, None),
    ("welke actiepunten staan er op mijn naam?", MINE, None),
    ("welke uitnodigingen moet ik nog beantwoorden?", MINE, None),
    ("wat staat er nog op mijn lijstje?", MINE, None),
    ("welke deadlines verlopen binnenkort voor mij?", MINE, None),
    ("laat mijn openstaande punten zien", MINE, None),
    ("wat moet ik nog doen deze week?", MINE, None),
    ("wat gebeurt er volgende week?", UPCOMING, None),
    ("wat is er volgende week te doen?", UPCOMING, None),
    ("welke vergaderingen zijn er volgende week?", UPCOMING, None),
    ("wat staat er de komende week gepland?", UPCOMING, None),
    ("komende week iets op de planning?", UPCOMING, None),
    ("welke besluiten nam de taakgroep grondstoffen zonnepanelen?", DECIDED, "Taakgroep Grondstoffen Zonnepanelen"),
    ("wat was de uitkomst van de laatste vergadering van de werkgroep leefbaar loon?", DECIDED, "Leefbaar Loon"),
    ("besluitenlijst stuurgroep hernieuwbare energie", DECIDED, "hernieuwbare-energie"),
    ("wat zijn de laatste besluiten van de stuurgroep metaal?", DECIDED, "metaal"),
    ("hoeveel bedrijven hebben het textielconvenant ondertekend?", COMPANIES, "textiel"),
    ("hoeveel banken deden mee aan het bankenconvenant?", COMPANIES, "banken"),
    ("wie heeft het pensioenfondsenconvenant getekend?", COMPANIES, "pensioenfondsen"),
    ("wanneer moet mijn plan van aanpak binnen zijn?", PLANS, None),
]
EN = [
    ("what is the status of the garments agreement?", STATUS, "textiel"),
    ("how is the gold agreement doing", STATUS, "goud"),
    ("tell me about the pension funds agreement", STATUS, "pensioenfondsen"),
    ("status of forestry", STATUS, "bosbouw"),
    ("which companies joined the renewable energy agreement?", COMPANIES, "hernieuwbare-energie"),
    ("who takes part in the metals agreement", COMPANIES, "metaal"),
    ("list the participants of the wind agreement", COMPANIES, "hernieuwbare-energie"),
    ("when does the living wage working group meet?", MEETINGS, "Werkgroep Leefbaar Loon"),
    ("when is the next meeting of the due diligence working group", MEETINGS, "Werkgroep Due Diligence Metaal"),
    ("when does the metals steering group meet", MEETINGS, "metaal"),
    ("what working groups does the renewable energy agreement have", GROUPS, "hernieuwbare-energie"),
    ("how many action plans are overdue in metals?", PLANS, "metaal"),
    ("how many plans were submitted for renewable energy", PLANS, "hernieuwbare-energie"),
    ("is my action plan late?", PLANS, None),
    ("how is Zonneveld Solar doing?", COMPANY, "Zonneveld"),
    ("what about Brabant Metaaltechniek", COMPANY, "Brabant"),
    ("who is my contact at the secretariat?", CONTACT, None),
    ("who am I?", WHOAMI, None),
    ("which covenants are running?", LIST, None),
    ("which agreements have ended", LIST, None),
    ("help", HELP, None),
    ("please answer in dutch", LANG, None),
    ("show me my deadlines", MINE, None),
    ("what are my open items?", MINE, None),
    ("what do I still have to do?", MINE, None),
    ("my action items", MINE, None),
    ("which deadlines are mine?", MINE, None),
    ("do I have any open deadlines", MINE, None),
    ("which invitations haven't I answered?", MINE, None),
    ("what's on my to-do list?", MINE, None),
    ("list my deadlines", MINE, None),
    ("outstanding tasks for me", MINE, None),
    ("what happens next week?", UPCOMING, None),
    ("what's happening next week", UPCOMING, None),
    ("anything planned for next week?", UPCOMING, None),
    ("which meetings are next week?", UPCOMING, None),
    ("what happens in the coming week?", UPCOMING, None),
    ("what was decided at the last steering group meeting of metals", DECIDED, "metaal"),
    ("what did the living wage working group decide?", DECIDED, "Werkgroep Leefbaar Loon"),
    ("show the decisions of the solar panel raw materials task group", DECIDED, "Taakgroep Grondstoffen"),
    ("what was agreed at the last due diligence meeting?", DECIDED, "Werkgroep Due Diligence Metaal"),
    ("how many companies signed textile", COMPANIES, "textiel"),
    ("how many companies signed the textile agreement?", COMPANIES, "textiel"),
    ("how many funds signed the pension funds agreement", COMPANIES, "pensioenfondsen"),
    ("how many parties signed the gold agreement", COMPANIES, "goud"),
    ("who signed the banking agreement?", COMPANIES, "banken"),
    ("when is my action plan due?", PLANS, None),
    ("what's the weather like?", UNKNOWN, None),
]


def _found(session: Session, question: str) -> tuple[str, str | None, str | None]:
    vocabulary = Vocabulary.load(session)
    entities = vocabulary.find(question)
    intent = detect(words(question), entities)
    names: list[str] = []
    if entities.group_id is not None:
        group = session.get(WorkingGroup, entities.group_id)
        assert group is not None
        names.append(group.name)
    if entities.covenant_id is not None:
        covenant = session.get(Covenant, entities.covenant_id)
        assert covenant is not None
        names.append(covenant.slug)
    organisation = session.get(Organisation, entities.organisation_id) if entities.organisation_id else None
    return intent.kind, " | ".join(names) or None, organisation.name if organisation else None


def test_the_table_has_enough_phrasings_in_both_languages() -> None:
    assert len(NL) >= 20 and len(EN) >= 20 and len(NL + EN) >= 40


def test_every_question_routes_to_the_right_answer(session_factory: SessionFactory) -> None:
    # One database for the whole table (re-seeding PostgreSQL per row would cost a second each);
    # every row is still checked and every mismatch reported.
    wrong = []
    with session_factory() as session:
        for question, intent, entity in NL + EN:
            kind, names, organisation = _found(session, question)
            entity_found = entity is None or entity in (names or "") or (organisation or "").startswith(entity)
            if kind != intent or not entity_found:
                wrong.append(f"{question!r}: got {kind} / {names} / {organisation}, want {intent} / {entity}")
    assert wrong == []


@pytest.mark.parametrize(
    ("question", "language"),
    [(q, "nl") for q, _, _ in NL[:12] if q != "status textil"] + [(q, "en") for q, _, _ in EN[:12]],
)
def test_question_language_is_recognised(question: str, language: str) -> None:
    assert question_language(words(question)) == language


def _ask(slack: SlackHarness, user: str, text: str) -> str:
    slack.standin.reset()
    slack.event({"type": "app_mention", "user": user, "text": f"<@UBOTCOVENANT> {text}", "channel": "C1", "ts": "1"})
    return reply_text(slack.standin.wait_for("chat.postEphemeral")[0])


def test_the_issues_examples_are_answered_end_to_end(slack: SlackHarness) -> None:
    pieter = person("pieter").slack_user_id
    assert "Convenant Duurzame Kleding en Textiel" in _ask(slack, pieter, "wat is de status van het textielconvenant?")
    companies = _ask(slack, pieter, "which companies joined the renewable energy agreement?")
    assert "Companies in Renewable Energy Agreement" in companies and "Windkracht Energie BV" in companies
    meetings = _ask(slack, pieter, "wanneer vergadert de werkgroep leefbaar loon?")
    assert "Volgende vergaderingen" in meetings and "maandoverleg" in meetings
    overdue = _ask(slack, pieter, "how many action plans are overdue in metals?")
    assert "Action plans" in overdue and "overdue" in overdue
    contact = _ask(slack, pieter, "wie is mijn contactpersoon bij het secretariaat?")
    assert person("sanne").slack_user_id in contact


def test_a_question_in_the_other_language_is_answered_in_that_language(slack: SlackHarness) -> None:
    emma = person("emma").slack_user_id  # English Slack locale
    assert "Plannen van aanpak" in _ask(slack, emma, "hoeveel plannen van aanpak zijn te laat bij metaal?")
    sanne = person("sanne").slack_user_id  # Dutch Slack locale
    assert "Action plans" in _ask(slack, sanne, "how many action plans are overdue in metals?")


def test_an_unanswerable_question_lists_what_can_be_asked(slack: SlackHarness) -> None:
    text = _ask(slack, person("fatima").slack_user_id, "hoe laat is het in Tokio?")
    assert "Dat begreep ik niet" in text and "wanneer vergadert de werkgroep leefbaar loon" in text
