"""contacts.csv: people by Slack user id, their organisation, and a role in a covenant (one per row)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.enums import DeadlineStatus, RoleKind
from bot.db.models import Deadline, Person, Role
from bot.services.imports.rows import Cells, Column, CsvRow, Lookups, Outcome, RowError, Upserter, apply_changes
from bot.services.plans import deadlines

COLUMNS = (
    Column("slack_user_id", True, "Slack member id: U or W, then capitals and digits (profile > Copy member ID)"),
    Column("name", True, "the person's name"),
    Column("organisation", True, "their organisation, as named in the database (import organisations.csv first)"),
    Column("covenant", True, "covenant of the role: slug, name or alias"),
    Column("role", True, "secretariat, steering_group, working_group_chair, company_contact or member"),
    Column("language", False, "nl or en (empty: keep the person's own choice, else their Slack locale)"),
)
KEY = "a person by slack_user_id; a role by person, covenant and role"


class Language(enum.StrEnum):
    NL = "nl"
    EN = "en"


@dataclass(frozen=True)
class ContactRow:
    """A checked row of contacts.csv."""

    row: int
    slack_user_id: str
    name: str
    organisation_id: int
    covenant_id: int
    role: RoleKind
    language: str | None


def validate(session: Session, rows: list[CsvRow], errors: list[RowError]) -> list[ContactRow]:
    """Check every row against the database and the rows before it; problems go to ``errors``."""
    lookups = Lookups(session)
    first: dict[str, ContactRow] = {}
    seen: dict[tuple[str, int, RoleKind], int] = {}
    checked: list[ContactRow] = []
    for row in rows:
        cells = Cells(row, errors)
        slack_user_id = cells.slack_user_id("slack_user_id", required=True)
        name = cells.text("name", required=True)
        organisation = lookups.organisation(cells, required=True)
        covenant = lookups.covenant(cells, required=True)
        role = cells.choice("role", RoleKind, required=True)
        language = cells.choice("language", Language)
        if slack_user_id is None or name is None or organisation is None or covenant is None or role is None:
            continue
        if not cells.ok:
            continue
        contact = ContactRow(
            row.number, slack_user_id, name, organisation.id, covenant.id, role, language.value if language else None
        )
        earlier = first.setdefault(slack_user_id, contact)
        for column, mine, theirs in (
            ("name", contact.name, earlier.name),
            ("organisation", contact.organisation_id, earlier.organisation_id),
            ("language", contact.language, earlier.language),
        ):
            if mine != theirs:
                cells.error(column, f"differs from row {earlier.row} for the same slack_user_id")
        key = (slack_user_id, covenant.id, role)
        if key in seen:
            cells.error("role", f"repeats row {seen[key]} (same person, covenant and role)")
        if cells.ok:
            seen[key] = row.number
            checked.append(contact)
    return checked


class Upsert(Upserter):
    """Inserts or updates one checked row at a time, with audit rows by ``actor``."""

    def __call__(self, row: ContactRow) -> Outcome:
        """Upsert the person, then add the role when they lack it; the row's outcome is the larger change."""
        person = self.session.scalar(select(Person).where(Person.slack_user_id == row.slack_user_id))
        former_organisation_id: int | None = None
        if person is None:
            person = Person(
                slack_user_id=row.slack_user_id,
                name=row.name,
                organisation_id=row.organisation_id,
                language=row.language,
                fictional=False,
            )
            self.session.add(person)
            self.session.flush()
            self.audit("person.created", "person", person.id, {"slack_user_id": row.slack_user_id})
            outcome = Outcome.INSERTED
        else:
            former_organisation_id = person.organisation_id
            values: dict[str, object] = {"name": row.name, "organisation_id": row.organisation_id}
            if row.language is not None:
                values["language"] = row.language
            changes = apply_changes(person, values)
            if changes:
                self.audit("person.updated", "person", person.id, changes)
            outcome = Outcome.UPDATED if changes else Outcome.UNCHANGED
        role_added = self._add_role(person, row)
        moved = former_organisation_id is not None and former_organisation_id != row.organisation_id
        if moved or (role_added and row.role == RoleKind.COMPANY_CONTACT):
            self._replan_company_deadlines(person, row.slack_user_id, former_organisation_id)
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
        detail: dict[str, object] = {"slack_user_id": row.slack_user_id, "covenant_id": row.covenant_id}
        self.audit("role.added", "role", role.id, detail | {"role": row.role.value})
        return True

    def _replan_company_deadlines(self, person: Person, slack_user_id: str, former_organisation_id: int | None) -> None:
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
                deadlines.drop_stale(self.session, deadline.id, former_recipients={slack_user_id})
