"""/covenant companies, groups, company, plans, whoami, contact and lang, end to end."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.engine import SessionFactory
from bot.db.models import AuditEntry, Person
from tests.support.demo import person
from tests.support.harness import SlackHarness, button_ids, reply_text

SANNE, PIETER, EMMA, FATIMA = (person(k).slack_user_id for k in ("sanne", "pieter", "emma", "fatima"))


def test_companies_lists_join_dates_and_who_left(slack: SlackHarness) -> None:
    reply = slack.command("/covenant", "companies textiel", EMMA)
    text = reply_text(reply)
    assert "Companies in Agreement on Sustainable Garments and Textile" in text
    assert "Companies taking part now: 0. Left: 2." in text
    assert "~Modehuis Amstel BV (demo)~" in text and "left on" in text and "Uitgesloten door de stuurgroep" in text
    assert button_ids(reply.args["blocks"]) == set()  # one page: no Next/Previous
    energy = reply_text(slack.command("/covenant", "bedrijven hernieuwbare-energie", SANNE))
    assert "Windkracht Energie BV (demo)* — sinds" in energy and "Andere partijen nu" in energy


def test_groups_of_a_covenant_one_group_and_your_own(slack: SlackHarness) -> None:
    listing = reply_text(slack.command("/covenant", "groups metaal", EMMA))
    assert "Groups of Metals Sector Agreement" in listing
    assert "Metals steering group" in listing and "Metals due diligence working group" in listing
    assert f"chair: <@{EMMA}>" in listing and "7 members" in listing and "<#CDEMOWG002>" in listing
    detail = reply_text(slack.command("/covenant", "groups leefbaar loon", FATIMA))
    assert "Werkgroep Leefbaar Loon" in detail and "Volgende vergaderingen" in detail and "maandoverleg" in detail
    assert "meet.example.org" not in detail  # the video link is for members (/meeting), not for everyone
    mine = reply_text(slack.command("/covenant", "groups", FATIMA))
    assert "Jouw groepen" in mine and "Taakgroep Grondstoffen Zonnepanelen" in mine
    unknown = reply_text(slack.command("/covenant", "groups ruimtevaart", FATIMA))
    assert "Ik ken geen convenant of groep" in unknown


def test_company_shows_plans_only_to_its_contacts_and_the_secretariat(slack: SlackHarness) -> None:
    own = reply_text(slack.command("/covenant", "company Windkracht", PIETER))
    assert "plannen van aanpak en beoordeling (vertrouwelijk)" in own and "Risicoanalyse van turbinecomponenten" in own
    assert "beoordeling: op koers" in own
    other = reply_text(slack.command("/covenant", "company Windkracht", EMMA))
    assert "Renewable Energy Agreement" in other and "adhering company" in other
    assert "Risicoanalyse" not in other and "confidential" not in other
    assert "only shown to its own contacts and to the covenant's secretariat" in other
    ngo = reply_text(slack.command("/covenant", "company Eerlijke Keten", EMMA))
    assert "NGO" in ngo and "only shown to its own contacts" not in ngo  # nothing to withhold
    assert "Gebruik `/covenant company <naam>`" in reply_text(slack.command("/covenant", "company", SANNE))


def test_plans_are_an_aggregate_for_everyone(slack: SlackHarness) -> None:
    for user in (SANNE, FATIMA, "UNKNOWN001"):
        text = reply_text(slack.command("/covenant", "plans metaal", user))
        assert ("3 van 4 ingediend" in text) or ("3 of 4 submitted" in text)
        assert "Staalwerk" not in text and "Volwassenheidsscore" not in text


def test_whoami_says_who_you_are_and_what_you_may_see(slack: SlackHarness) -> None:
    pieter = reply_text(slack.command("/covenant", "whoami", PIETER))
    assert "Pieter Bakker (demo)" in pieter and "Windkracht Energie BV (demo)" in pieter
    assert "contactpersoon van het bedrijf" in pieter and "Werkgroep Leefbaar Loon" in pieter
    assert "Als contactpersoon van Windkracht Energie BV (demo) zie je de eigen plannen" in pieter
    assert f"<@{SANNE}>" in pieter  # the secretariat contact of his covenant
    stranger = reply_text(slack.command("/covenant", "whoami", "UNKNOWN001"))
    assert "ask the secretariat to link your Slack account" in stranger and "America/New_York" in stranger
    assert "no single company's plans" in stranger


def test_contact_names_people_only_to_participants(slack: SlackHarness) -> None:
    assert f"<@{SANNE}>" in reply_text(slack.command("/covenant", "contact", FATIMA))
    outsider = reply_text(slack.command("/covenant", "contact hernieuwbare-energie", EMMA))
    assert "SER" in outsider and SANNE not in outsider and "shown to participants" in outsider


def test_lang_overrides_the_slack_locale_and_auto_restores_it(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    assert "From now on I answer you in English" in reply_text(slack.command("/covenant", "lang en", SANNE))
    assert "Covenants (13)" in reply_text(slack.command("/covenant", "list", SANNE))
    assert "Ik volg weer je Slack-taal" in reply_text(slack.command("/covenant", "lang auto", SANNE))
    assert "Convenanten (13)" in reply_text(slack.command("/covenant", "list", SANNE))
    assert "is not a language" in reply_text(slack.command("/covenant", "lang fr", EMMA))
    with session_factory() as session:
        assert [a.detail for a in session.scalars(select(AuditEntry).where(AuditEntry.action == "person.language"))]


def test_lang_for_an_unknown_user_keeps_the_choice_in_an_unlinked_person(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    assert "Vanaf nu antwoord ik je in het Nederlands" in reply_text(
        slack.command("/covenant", "taal nl", "UNKNOWN001")
    )
    with session_factory() as session:
        stranger = session.scalar(select(Person).where(Person.slack_user_id == "UNKNOWN001"))
        assert stranger is not None and stranger.language == "nl"
        assert stranger.organisation_id is None and stranger.roles == []
    whoami = reply_text(slack.command("/covenant", "whoami", "UNKNOWN001"))
    assert "Unknown Person" in whoami and "vraag het secretariaat" in whoami  # still not linked: sees nothing more
    assert "alleen de eigen" not in whoami
