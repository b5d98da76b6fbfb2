"""`/covenant link` with email addresses (contacts without Slack) and `/covenant route`, through signed requests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.db.engine import SessionFactory
from bot.db.enums import ContactRoute, RoleKind
from bot.db.models import AuditEntry, Person, Role
from tests.support.demo import person
from tests.support.harness import SlackHarness, reply_text

TOM = person("tom").slack_user_id  # secretariat of metaal, English
SANNE = person("sanne").slack_user_id  # secretariat of hernieuwbare-energie and metaal, Dutch
PIETER = person("pieter").slack_user_id  # company contact of Windkracht, Dutch
DELTA = "Delta Alloys BV (demo)"


def _mailto(address: str) -> str:
    """An address as Slack sends it in a command's text (should_escape)."""
    return f"<mailto:{address}|{address}>"


def _state(session_factory: SessionFactory) -> tuple[Any, ...]:
    with session_factory() as session:
        people = sorted(tuple(row) for row in session.execute(select(Person.id, Person.slack_user_id, Person.email)))
        counts = tuple(session.scalar(select(func.count()).select_from(m)) for m in (Role, AuditEntry))
        return (*people, counts)


def _by_email(session_factory: SessionFactory, email: str) -> Person:
    with session_factory() as session:
        found = session.scalars(select(Person).where(Person.email == email)).one()
        found.roles  # noqa: B018 - loaded before the session closes
        session.expunge_all()
        return found


def test_the_secretariat_links_a_contact_without_slack_by_email_with_a_quoted_name(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    text = f'link {_mailto("Jan.Staal@Delta.example")} "Jan Staal" {DELTA} metaal'
    answer = reply_text(slack.command("/covenant", text, TOM))
    assert "Jan Staal (jan.staal@delta.example) is now company contact for Delta Alloys BV (demo)" in answer
    assert "They have no Slack account here: reminders reach them by email" in answer
    jan = _by_email(session_factory, "jan.staal@delta.example")
    assert (jan.name, jan.slack_user_id, jan.route) == ("Jan Staal", None, ContactRoute.EMAIL)
    assert [role.kind for role in jan.roles] == [RoleKind.COMPANY_CONTACT]
    with session_factory() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "person.link", AuditEntry.entity_id == jan.id)
        ).one()
        assert entry.actor == TOM and entry.detail is not None
        assert entry.detail["person"] == f"person:{jan.id}" and entry.detail["email_set"] is True
    again = reply_text(slack.command("/covenant", text, TOM))
    assert "was already company contact" in again


def test_without_a_name_the_address_names_them_and_a_quoted_organisation_stays_the_organisation(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    answer = reply_text(slack.command("/covenant", f'link kees@delta.example "{DELTA}" metaal', TOM))
    assert "kees@delta.example (kees@delta.example) is now company contact for Delta Alloys BV (demo)" in answer
    assert _by_email(session_factory, "kees@delta.example").name == "kees@delta.example"


def test_a_slack_user_gets_an_email_address_with_their_link(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    text = f"link <@{PIETER}|pieter> Windkracht hernieuwbare-energie {_mailto('Pieter@Windkracht.example')}"
    answer = reply_text(slack.command("/covenant", text, SANNE))
    assert f"<@{PIETER}>" in answer and "is nu contactpersoon" in answer.replace("was al", "is nu")
    pieter = _by_email(session_factory, "pieter@windkracht.example")
    assert pieter.slack_user_id == PIETER and pieter.route == ContactRoute.SLACK


def test_bad_or_taken_addresses_and_other_peoples_covenants_change_nothing(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    assert "is nu" in reply_text(slack.command("/covenant", f"link <@{PIETER}> Windkracht pieter@wk.example", SANNE))
    before = _state(session_factory)
    cases = [
        (TOM, f"link jan@delta {DELTA} metaal", "“jan@delta” is not an email address"),
        (TOM, f"link {_mailto('jan@@delta.example')} {DELTA} metaal", "is not an email address"),
        (TOM, f"link <@{person('tom').slack_user_id}> {DELTA} metaal pieter@wk.example", "already belongs to someone"),
        (TOM, f"link pieter@wk.example {DELTA} metaal", "already belongs to someone else"),
        (TOM, "link nieuw@windkracht.example Windkracht hernieuwbare-energie", "Only the secretariat of"),
        (PIETER, "link nieuw@windkracht.example Windkracht hernieuwbare-energie", "Alleen het secretariaat"),
    ]
    for user, text, says in cases:
        answer = reply_text(slack.command("/covenant", text, user))
        assert says in answer, (text, answer)
    assert _state(session_factory) == before


def test_a_person_chooses_their_route_and_email_needs_an_address(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    assert "Slack direct message" in reply_text(slack.command("/covenant", "route", TOM))
    refused = reply_text(slack.command("/covenant", "route email", TOM))
    assert "I have no email address for you" in refused and "Nothing was changed" in refused
    assert "I have no email address for you" in reply_text(slack.command("/covenant", "route both", TOM))
    assert "“pigeon” is not a way I can reach you" in reply_text(slack.command("/covenant", "route pigeon", TOM))
    with session_factory() as session:
        assert session.scalars(select(Person.route).where(Person.slack_user_id == TOM)).one() == ContactRoute.SLACK
    desk = '"SER Secretariat Metals Desk (demo)"'
    linked = slack.command("/covenant", f"link <@{TOM}> {desk} secretariat metaal tom@ser.example", SANNE)
    assert "is nu" in reply_text(linked), reply_text(linked)
    chosen = reply_text(slack.command("/covenant", "route e-mail", TOM))
    assert "From now on your reminders reach you by email" in chosen
    assert "already reach you by email" in reply_text(slack.command("/covenant", "route email", TOM))
    both = reply_text(slack.command("/covenant", "route both", TOM))
    assert "Slack direct message and email" in both
    whoami = reply_text(slack.command("/covenant", "whoami", TOM))
    assert "Reminders reach you by" in whoami and "Slack direct message and email · tom@ser.example" in whoami
    assert "tom@ser.example" not in reply_text(slack.command("/covenant", "whoami", PIETER))
    dutch = reply_text(slack.command("/covenant", "route beide", SANNE))
    assert "Ik heb geen e-mailadres van je" in dutch
    with session_factory() as session:
        assert session.scalars(select(Person.route).where(Person.slack_user_id == TOM)).one() == ContactRoute.BOTH
        routes = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "person.route")).all()
        assert [(d or {}).get("to") for d in routes] == ["email", "both"]


def test_linking_a_slack_user_to_an_email_contact_merges_their_language_only_row(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    newcomer = "UNKNOWN001"
    assert "Delta" in reply_text(slack.command("/covenant", f"link kees@delta.example {DELTA} metaal", TOM))
    assert "From now on I answer you in English" in reply_text(slack.command("/covenant", "lang en", newcomer))
    answer = reply_text(slack.command("/covenant", f"link <@{newcomer}> {DELTA} metaal kees@delta.example", TOM))
    assert f"<@{newcomer}> is now company contact" in answer
    with session_factory() as session:
        rows = session.scalars(select(Person).where(Person.name.in_(["kees@delta.example", "Unknown Person"]))).all()
        assert [(p.slack_user_id, p.email, p.language) for p in rows] == [(newcomer, "kees@delta.example", "en")]
