"""contacts.csv with email, route and time zone: people without Slack, checked by row and column, idempotent."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.db.engine import SessionFactory
from bot.db.enums import ContactRoute, RoleKind
from bot.db.models import AuditEntry, Person, Role
from bot.services.imports import ImportReport, import_csv
from tests.support.demo import NOW

HEADER = "slack_user_id,name,organisation,covenant,role,language,email,route,timezone"
WINDKRACHT = "Windkracht Energie BV (demo)"


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def _import(session_factory: SessionFactory, *lines: str) -> ImportReport:
    with session_factory() as session:
        return import_csv(session, "contacts", _csv(HEADER, *lines), source="contacts.csv", now=NOW)


def _errors(report: ImportReport) -> dict[tuple[int | None, str | None], str]:
    return {(error.row, error.column): error.message for error in report.errors}


def _people(session_factory: SessionFactory) -> list[tuple[Any, ...]]:
    with session_factory() as session:
        rows = session.execute(
            select(Person.id, Person.slack_user_id, Person.email, Person.route, Person.timezone, Person.name)
        )
        counts = (session.scalar(select(func.count()).select_from(model)) for model in (Role, AuditEntry))
        return [*sorted(tuple(row) for row in rows), tuple(counts)]


def _by_email(session_factory: SessionFactory, email: str) -> Person:
    with session_factory() as session:
        person = session.scalars(select(Person).where(Person.email == email)).one()
        session.expunge(person)
        return person


def test_an_email_only_contact_is_imported_lower_cased_with_route_email_and_again_unchanged(
    session_factory: SessionFactory,
) -> None:
    rows = (
        f",Jan Zonder Slack (demo),{WINDKRACHT},wind,company_contact,nl,Jan.Zonder@Windkracht.example,,Europe/Brussels",
        f",Jan Zonder Slack (demo),{WINDKRACHT},metaal,member,nl,jan.zonder@windkracht.example,,Europe/Brussels",
        f"UNEWMAIL01,Mila Mail (demo),{WINDKRACHT},wind,company_contact,,mila@windkracht.example,both,",
    )
    first = _import(session_factory, *rows)
    assert first.ok, first.errors
    assert first.inserted == 3
    jan = _by_email(session_factory, "jan.zonder@windkracht.example")
    assert (jan.slack_user_id, jan.route, jan.timezone, jan.language) == (
        None,
        ContactRoute.EMAIL,
        "Europe/Brussels",
        "nl",
    )
    mila = _by_email(session_factory, "mila@windkracht.example")
    assert (mila.slack_user_id, mila.route) == ("UNEWMAIL01", ContactRoute.BOTH)
    with session_factory() as session:
        kinds = session.scalars(select(Role.kind).where(Role.person_id == jan.id)).all()
        assert sorted(kinds) == [RoleKind.COMPANY_CONTACT, RoleKind.MEMBER]
    before = _people(session_factory)
    again = _import(session_factory, *rows)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert _people(session_factory) == before


def test_a_new_contact_with_a_slack_id_defaults_to_the_slack_route(session_factory: SessionFactory) -> None:
    report = _import(session_factory, f"UNEWMAIL02,Sem Slack (demo),{WINDKRACHT},wind,member,,sem@windkracht.example,,")
    assert report.ok, report.errors
    assert _by_email(session_factory, "sem@windkracht.example").route == ContactRoute.SLACK


def test_a_row_with_slack_id_and_email_links_the_email_only_person(session_factory: SessionFactory) -> None:
    assert _import(session_factory, f",Jan (demo),{WINDKRACHT},wind,company_contact,,jan@windkracht.example,,").ok
    jan = _by_email(session_factory, "jan@windkracht.example")
    row = f"UJANSLACK1,Jan (demo),{WINDKRACHT},wind,company_contact,,JAN@windkracht.example,,"
    report = _import(session_factory, row)
    assert report.ok, report.errors
    assert report.updated == 1
    linked = _by_email(session_factory, "jan@windkracht.example")
    assert (linked.id, linked.slack_user_id, linked.route) == (jan.id, "UJANSLACK1", ContactRoute.EMAIL)
    with session_factory() as session:
        detail = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "person.updated", AuditEntry.entity_id == jan.id)
        ).one()
        assert detail == {"slack_user_id": [None, "UJANSLACK1"]}


def test_bad_emails_routes_and_zones_are_errors_by_row_and_column_and_nothing_is_imported(
    session_factory: SessionFactory,
) -> None:
    existing = f"UBESTAAND1,Bestaand (demo),{WINDKRACHT},wind,member,,bestaand@windkracht.example,,"
    assert _import(session_factory, existing).ok
    before = _people(session_factory)
    report = _import(
        session_factory,
        f",Geen Apenstaart,{WINDKRACHT},wind,member,,jan.windkracht.example,,",  # 2
        f",Twee Apen,{WINDKRACHT},wind,member,,jan@@windkracht.example,,",  # 3
        f",Spatie,{WINDKRACHT},wind,member,,jan de@windkracht.example,,",  # 4
        f",Geen Punt,{WINDKRACHT},wind,member,,jan@windkracht,,",  # 5
        f",Route,{WINDKRACHT},wind,member,,route@windkracht.example,pigeon,",  # 6
        f",Zone,{WINDKRACHT},wind,member,,zone@windkracht.example,,Europe/Amsterdamm",  # 7
        f",Zone Klein,{WINDKRACHT},wind,member,,klein@windkracht.example,,europe/amsterdam",  # 8
        f",Niemand,{WINDKRACHT},wind,member,,,,",  # 9
        f"UNOMAIL001,Geen Adres,{WINDKRACHT},wind,member,,,email,",  # 10
        f"UDUBBEL001,Een,{WINDKRACHT},wind,member,,dubbel@windkracht.example,,",  # 11
        f"UDUBBEL002,Twee,{WINDKRACHT},wind,member,,Dubbel@windkracht.example,,",  # 12
        f"UANDER0001,Ander,{WINDKRACHT},wind,member,,bestaand@windkracht.example,,",  # 13
        f"UDEMOCOM01,Pieter Bakker (demo),{WINDKRACHT},wind,company_contact,,pieter@windkracht.example,,",
    )
    errors = _errors(report)
    hint = "is not an email address (write it as name@organisation.nl)"
    assert errors[(2, "email")] == f'"jan.windkracht.example" {hint}'
    assert errors[(3, "email")] == f'"jan@@windkracht.example" {hint}'
    assert errors[(4, "email")] == f'"jan de@windkracht.example" {hint}'
    assert errors[(5, "email")] == f'"jan@windkracht" {hint}'
    assert errors[(6, "route")] == '"pigeon" is not a route: use slack, email, both'
    assert errors[(7, "timezone")] == (
        '"Europe/Amsterdamm" is not a time zone (write an IANA name such as Europe/Amsterdam)'
    )
    assert errors[(8, "timezone")] == '"europe/amsterdam" is not a time zone (did you mean Europe/Amsterdam?)'
    assert errors[(9, "slack_user_id")] == "is empty, and so is email: give a Slack member id or an email address"
    assert errors[(10, "route")] == "email needs an email address: fill in the email column"
    assert errors[(12, "email")] == "dubbel@windkracht.example is on row 11 already, for another person"
    taken = "bestaand@windkracht.example belongs to another person in the database (Bestaand (demo))"
    assert errors[(13, "email")] == taken
    assert len(errors) == 11
    assert report.summary() == "contacts.csv: 11 problems in 13 rows; nothing was imported"
    assert _people(session_factory) == before


def test_an_address_of_someone_with_another_slack_id_is_refused(session_factory: SessionFactory) -> None:
    assert _import(session_factory, f"UFIRST0001,Eerste,{WINDKRACHT},wind,member,,gedeeld@windkracht.example,,").ok
    report = _import(session_factory, f"USECOND001,Tweede,{WINDKRACHT},wind,member,,gedeeld@windkracht.example,,")
    assert _errors(report) == {
        (2, "email"): "gedeeld@windkracht.example belongs to another person in the database (Eerste)"
    }


def test_an_empty_route_keeps_the_persons_own_choice(session_factory: SessionFactory) -> None:
    row = f",Keuze (demo),{WINDKRACHT},wind,member,,keuze@windkracht.example,,"
    assert _import(session_factory, row).ok
    with session_factory() as session:
        person = session.scalars(select(Person).where(Person.email == "keuze@windkracht.example")).one()
        person.route = ContactRoute.BOTH  # as /covenant route both would
        session.commit()
    assert _import(session_factory, row).unchanged == 1
    assert _by_email(session_factory, "keuze@windkracht.example").route == ContactRoute.BOTH
