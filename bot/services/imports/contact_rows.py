"""contacts.csv: people by Slack user id or email address, their organisation, and a role in a covenant (one per
row); how each is reached (``route``) and, for people without Slack, their time zone."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import available_timezones

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.enums import ContactRoute, DeadlineStatus, RoleKind
from bot.db.models import Deadline, Person, Role
from bot.parsing.emails import email_address
from bot.services.imports.rows import (
    Cells,
    Column,
    CsvRow,
    Lookups,
    Outcome,
    RowError,
    Upserter,
    apply_changes,
    quoted,
)
from bot.services.people.addresses import address_of
from bot.services.plans import deadlines

COLUMNS = (
    Column(
        "slack_user_id",
        False,
        "Slack member id: U or W, then capitals and digits (profile > Copy member ID); a row needs it or an email",
    ),
    Column("name", True, "the person's name"),
    Column("organisation", True, "their organisation, as named in the database (import organisations.csv first)"),
    Column("covenant", True, "covenant of the role: slug, name or alias"),
    Column("role", True, "secretariat, steering_group, working_group_chair, company_contact or member"),
    Column("language", False, "nl or en (empty: keep the person's own choice, else their Slack locale)"),
    Column("email", False, "their email address (stored lower-cased; unique); a row needs it or a slack_user_id"),
    Column(
        "route",
        False,
        "slack, email or both (empty: the person's own choice; for a new person slack with a Slack id, else email)",
    ),
    Column("timezone", False, "IANA time zone such as Europe/Amsterdam, for people without Slack (empty: keep)"),
)
KEY = "a person by slack_user_id, else by email; a role by person, covenant and role"


class Language(enum.StrEnum):
    NL = "nl"
    EN = "en"


@dataclass(frozen=True)
class ContactRow:
    """A checked row of contacts.csv; ``key`` names the person the same way on every row about them."""

    row: int
    key: str
    slack_user_id: str | None
    email: str | None
    name: str
    organisation_id: int
    covenant_id: int
    role: RoleKind
    language: str | None
    route: ContactRoute | None
    timezone: str | None


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _timezone(cells: Cells) -> str | None:
    value = cells.raw("timezone")
    if not value:
        return None
    if value in _zones():
        return value
    near = next((zone for zone in sorted(_zones()) if zone.lower() == value.lower()), None)
    hint = f" (did you mean {near}?)" if near else " (write an IANA name such as Europe/Amsterdam)"
    cells.error("timezone", f"{quoted(value)} is not a time zone{hint}")
    return None


def _email(cells: Cells) -> str | None:
    value = cells.raw("email")
    if not value:
        return None
    address = email_address(value)
    if address is None:
        cells.error("email", f"{quoted(value)} is not an email address (write it as name@organisation.nl)")
    return address


def _slack_ids_by_email(rows: list[CsvRow]) -> dict[str, str]:
    """Which Slack id each email address goes with in the file (from the rows that give both)."""
    found: dict[str, str] = {}
    for row in rows:
        address = email_address(row.values.get("email", "")) or ""
        slack_user_id = row.values.get("slack_user_id", "")
        if address and slack_user_id:
            found.setdefault(address, slack_user_id)
    return found


def _stored_people(session: Session, rows: list[CsvRow]) -> tuple[dict[str, Person], dict[str, Person]]:
    """The people the file may name, by Slack id and by email (two queries, not one per row)."""
    slack_ids = {row.values.get("slack_user_id", "") for row in rows} - {""}
    emails = {email_address(row.values.get("email", "")) for row in rows} - {None}
    by_slack = {p.slack_user_id: p for p in session.scalars(select(Person).where(Person.slack_user_id.in_(slack_ids)))}
    by_email = {p.email: p for p in session.scalars(select(Person).where(Person.email.in_(emails)))}
    return {k: v for k, v in by_slack.items() if k}, {k: v for k, v in by_email.items() if k}


def _database_conflict(
    cells: Cells, slack_user_id: str | None, email: str | None, people: tuple[dict[str, Person], dict[str, Person]]
) -> Person | None:
    """The stored person this row is about, after checking the email belongs to nobody else."""
    by_slack, by_email = people
    mine = by_slack.get(slack_user_id) if slack_user_id else None
    holder = by_email.get(email) if email else None
    someone_else = holder is not None and (
        (mine is not None and holder.id != mine.id)
        or (slack_user_id is not None and holder.slack_user_id not in (None, slack_user_id))
    )
    if holder is not None and someone_else:
        cells.error("email", f"{email} belongs to another person in the database ({holder.name})")
    return mine or holder


def validate(session: Session, rows: list[CsvRow], errors: list[RowError]) -> list[ContactRow]:
    """Check every row against the database and the rows before it; problems go to ``errors``."""
    lookups = Lookups(session)
    slack_ids_by_email = _slack_ids_by_email(rows)
    stored = _stored_people(session, rows)
    first: dict[str, ContactRow] = {}
    email_rows: dict[str, tuple[str, int]] = {}
    seen: dict[tuple[str, int, RoleKind], int] = {}
    checked: list[ContactRow] = []
    for row in rows:
        cells = Cells(row, errors)
        slack_user_id = cells.slack_user_id("slack_user_id")
        email = _email(cells)
        name = cells.text("name", required=True)
        organisation = lookups.organisation(cells, required=True)
        covenant = lookups.covenant(cells, required=True)
        role = cells.choice("role", RoleKind, required=True)
        language = cells.choice("language", Language)
        route = cells.choice("route", ContactRoute)
        timezone = _timezone(cells)
        if not cells.raw("slack_user_id") and not cells.raw("email"):
            cells.error("slack_user_id", "is empty, and so is email: give a Slack member id or an email address")
        if name is None or organisation is None or covenant is None or role is None or not cells.ok:
            continue
        person = _database_conflict(cells, slack_user_id, email, stored)
        if route in (ContactRoute.EMAIL, ContactRoute.BOTH) and not (email or (person and person.email)):
            cells.error("route", f"{route} needs an email address: fill in the email column")
        key = slack_user_id or slack_ids_by_email.get(email or "") or f"email:{email}"
        if email is not None:
            owner, owner_row = email_rows.setdefault(email, (key, row.number))
            if owner != key:
                cells.error("email", f"{email} is on row {owner_row} already, for another person")
        if not cells.ok:
            continue
        contact = ContactRow(
            row.number,
            key,
            slack_user_id,
            email,
            name,
            organisation.id,
            covenant.id,
            role,
            language.value if language else None,
            route,
            timezone,
        )
        earlier = first.setdefault(key, contact)
        what = "slack_user_id" if slack_user_id else "email"
        for column, mine, theirs in (
            ("name", contact.name, earlier.name),
            ("organisation", contact.organisation_id, earlier.organisation_id),
            ("language", contact.language, earlier.language),
            ("route", contact.route, earlier.route),
            ("timezone", contact.timezone, earlier.timezone),
        ):
            if mine != theirs:
                cells.error(column, f"differs from row {earlier.row} for the same {what}")
        role_key = (key, covenant.id, role)
        if role_key in seen:
            cells.error("role", f"repeats row {seen[role_key]} (same person, covenant and role)")
        if cells.ok:
            seen[role_key] = row.number
            checked.append(contact)
    return checked


def _default_route(row: ContactRow) -> ContactRoute:
    return ContactRoute.SLACK if row.slack_user_id else ContactRoute.EMAIL


class Upsert(Upserter):
    """Inserts or updates one checked row at a time, with audit rows by ``actor``."""

    def _find(self, row: ContactRow) -> Person | None:
        if row.slack_user_id:
            person = self.session.scalar(select(Person).where(Person.slack_user_id == row.slack_user_id))
            if person is not None:
                return person
        if row.email:
            return self.session.scalar(select(Person).where(Person.email == row.email))
        if row.key.startswith("email:"):
            return None
        # A row without its own email, about a person another row names by both: found by that Slack id.
        return self.session.scalar(select(Person).where(Person.slack_user_id == row.key))

    def __call__(self, row: ContactRow) -> Outcome:
        """Upsert the person, then add the role when they lack it; the row's outcome is the larger change."""
        person = self._find(row)
        former_organisation_id: int | None = None
        if person is None:
            person = Person(
                slack_user_id=row.slack_user_id,
                email=row.email,
                route=row.route or _default_route(row),
                timezone=row.timezone,
                name=row.name,
                organisation_id=row.organisation_id,
                language=row.language,
                fictional=False,
            )
            self.session.add(person)
            self.session.flush()
            created: dict[str, object] = {"slack_user_id": row.slack_user_id, "email": row.email}
            self.audit("person.created", "person", person.id, created | {"route": person.route.value})
            outcome = Outcome.INSERTED
        else:
            former_organisation_id = person.organisation_id
            values: dict[str, object] = {"name": row.name, "organisation_id": row.organisation_id}
            for attribute, value in (
                ("language", row.language),
                ("email", row.email),
                ("route", row.route),
                ("timezone", row.timezone),
                ("slack_user_id", row.slack_user_id),
            ):
                if value is not None:
                    values[attribute] = value
            changes = apply_changes(person, values)
            if changes:
                self.audit("person.updated", "person", person.id, changes)
            outcome = Outcome.UPDATED if changes else Outcome.UNCHANGED
        role_added = self._add_role(person, row)
        moved = former_organisation_id is not None and former_organisation_id != row.organisation_id
        if moved or (role_added and row.role == RoleKind.COMPANY_CONTACT):
            self._replan_company_deadlines(person, address_of(person), former_organisation_id)
        return Outcome.INSERTED if role_added else outcome

    def _add_role(self, person: Person, row: ContactRow) -> bool:
        role = self.session.scalar(
            select(Role).where(Role.person_id == person.id, Role.covenant_id == row.covenant_id, Role.kind == row.role)
        )
        if role is not None:
            return False
        role = Role(person_id=person.id, covenant_id=row.covenant_id, kind=row.role)
        self.session.add(role)
        self.session.flush()
        detail: dict[str, object] = {"slack_user_id": person.slack_user_id, "covenant_id": row.covenant_id}
        if person.slack_user_id is None:
            detail["person"] = address_of(person)
        self.audit("role.added", "role", role.id, detail | {"role": row.role.value})
        return True

    def _replan_company_deadlines(self, person: Person, address: str, former_organisation_id: int | None) -> None:
        """A company's contacts changed: the sweep plans its open deadlines again, so a new contact is reminded
        from now on, and a contact who moved to another organisation is no longer reminded of the old one's."""
        contact_roles = (Role.person_id == person.id, Role.kind == RoleKind.COMPANY_CONTACT)
        covenant_ids = select(Role.covenant_id).where(*contact_roles)
        organisation_ids = [o for o in (person.organisation_id, former_organisation_id) if o is not None]
        for deadline in self.session.scalars(
            select(Deadline).where(
                Deadline.organisation_id.in_(organisation_ids),
                Deadline.covenant_id.in_(covenant_ids),
                Deadline.status == DeadlineStatus.OPEN,
            )
        ):
            deadlines.needs_planning(deadline)
            company_reminded = deadline.owner_slack_id is None and deadline.owner_person_id is None
            if deadline.organisation_id == former_organisation_id and company_reminded:
                deadlines.drop_stale(self.session, deadline.id, former_recipients={address})
