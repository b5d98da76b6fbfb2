"""deadlines.csv: deadlines by a stable ``ref``; changes go through the deadline service so reminders are re-planned.

This is also the file ``covenant-bot export deadlines`` writes, so an export imports again as "unchanged".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.enums import DeadlineKind, DeadlineStatus
from bot.db.models import Deadline, Person
from bot.services.imports.rows import Cells, Column, CsvRow, Lookups, Outcome, RowError, Upserter, apply_changes, quoted
from bot.services.plans import deadlines

COLUMNS = (
    Column("ref", True, "your stable key for the deadline (e.g. plan-2027-windkracht); id:N names one made in Slack"),
    Column("covenant", True, "covenant: slug, Dutch or English name, or alias (e.g. metaal, wind)"),
    Column("kind", True, "action_plan, assessment, action_item, minutes or custom"),
    Column("title", True, "what is due"),
    Column("organisation", False, "company it is for, as named in the database (its contacts are reminded)"),
    Column("owner_slack_id", False, "Slack member id of the one person to remind instead"),
    Column("due_on", True, "due date"),
    Column("status", False, "open, done or waived (empty: open when new, else left as it is)"),
)
KEY = "a deadline by ref"
ID_REF = re.compile(r"^id:(\d{1,9})$")


@dataclass(frozen=True)
class DeadlineRow:
    """A checked row of deadlines.csv."""

    row: int
    ref: str
    covenant_id: int
    kind: DeadlineKind
    title: str
    organisation_id: int | None
    owner_slack_id: str | None
    due_on: date
    status: DeadlineStatus | None


def ref_of(deadline: Deadline) -> str:
    """The deadline's key in a file: its own ref, else ``id:N`` (a deadline made in Slack has no ref)."""
    return deadline.ref or f"id:{deadline.id}"


def owner_of(deadline: Deadline) -> str | None:
    """The Slack id of the person the deadline names as its owner, if any."""
    if deadline.owner_slack_id:
        return deadline.owner_slack_id
    return deadline.owner_person.slack_user_id if deadline.owner_person is not None else None


def _find(session: Session, ref: str) -> Deadline | None:
    by_id = ID_REF.match(ref)
    if by_id:
        return session.get(Deadline, int(by_id.group(1)))
    return session.scalar(select(Deadline).where(Deadline.ref == ref))


def _check_ref(session: Session, cells: Cells, ref: str) -> None:
    if ref.startswith("id:"):
        found = _find(session, ref) if ID_REF.match(ref) else None
        if found is None:
            cells.error("ref", f"no deadline {quoted(ref)} in the database (id:N is only for deadlines made in Slack)")
        elif found.ref is not None:
            cells.error("ref", f"deadline {ref} has its own ref {quoted(found.ref)}: use that")


def validate(session: Session, rows: list[CsvRow], errors: list[RowError]) -> list[DeadlineRow]:
    """Check every row against the database and the rows before it; problems go to ``errors``."""
    lookups = Lookups(session)
    seen: dict[str, int] = {}
    checked: list[DeadlineRow] = []
    for row in rows:
        cells = Cells(row, errors)
        ref = cells.text("ref", required=True, max_length=128)
        if ref is not None:
            _check_ref(session, cells, ref)
            if ref in seen:
                cells.error("ref", f"{quoted(ref)} is on row {seen[ref]} already")
            seen.setdefault(ref, row.number)
        covenant = lookups.covenant(cells, required=True)
        kind = cells.choice("kind", DeadlineKind, required=True)
        title = cells.text("title", required=True, max_length=300)
        organisation = lookups.organisation(cells)
        owner = cells.slack_user_id("owner_slack_id")
        due_on = cells.date("due_on", required=True)
        status = cells.choice("status", DeadlineStatus)
        if ref is None or covenant is None or kind is None or title is None or due_on is None or not cells.ok:
            continue
        organisation_id = organisation.id if organisation else None
        checked.append(DeadlineRow(row.number, ref, covenant.id, kind, title, organisation_id, owner, due_on, status))
    return checked


class Upsert(Upserter):
    """Creates or changes one deadline at a time through the deadline service (audited, re-planned)."""

    def __call__(self, row: DeadlineRow) -> Outcome:
        """Insert the deadline, or apply what differs; unchanged rows are not touched at all."""
        deadline = _find(self.session, row.ref)
        if deadline is None:
            return self._insert(row)
        changed = self._change_fields(deadline, row)
        if row.due_on != deadline.due_on:
            former_due_on = deadline.due_on
            deadlines.set_due(self.session, deadline, row.due_on, self.now, self.actor)
            deadlines.drop_stale(self.session, deadline.id, former_due_on=former_due_on)
            changed = True
        if row.status is not None and row.status != deadline.status:
            if row.status == DeadlineStatus.OPEN:
                deadlines.reopen(self.session, deadline, self.now, self.actor)
            else:
                deadlines.close(self.session, deadline, row.status, self.now, self.actor)
            changed = True
        return Outcome.UPDATED if changed else Outcome.UNCHANGED

    def _insert(self, row: DeadlineRow) -> Outcome:
        deadline = deadlines.create(
            self.session,
            covenant_id=row.covenant_id,
            kind=row.kind,
            title=row.title,
            due_on=row.due_on,
            now=self.now,
            actor=self.actor,
            organisation_id=row.organisation_id,
            owner_slack_id=row.owner_slack_id,
            ref=row.ref,
        )
        deadline.owner_person_id = self._person_id(row.owner_slack_id)
        if row.status in (DeadlineStatus.DONE, DeadlineStatus.WAIVED):
            deadlines.close(self.session, deadline, row.status, self.now, self.actor)
        return Outcome.INSERTED

    def _change_fields(self, deadline: Deadline, row: DeadlineRow) -> bool:
        """Apply the row's covenant, kind, title, organisation and owner; stale reminders of people no longer
        reminded are dropped, and the sweep plans for the new ones."""
        fields: dict[str, object] = {
            "covenant_id": row.covenant_id,
            "kind": row.kind,
            "title": row.title,
            "organisation_id": row.organisation_id,
        }
        owner = owner_of(deadline)
        if row.owner_slack_id == owner and all(getattr(deadline, name) == value for name, value in fields.items()):
            return False
        audience = self._audience(deadline)
        changes = apply_changes(deadline, fields)
        if row.owner_slack_id != owner:
            changes["owner_slack_id"] = [owner, row.owner_slack_id]
            deadline.owner_slack_id = row.owner_slack_id
            deadline.owner_person_id = self._person_id(row.owner_slack_id)
        deadlines.needs_planning(deadline)
        self.audit("deadline.updated", "deadline", deadline.id, changes)
        self.session.flush()
        self.session.expire(deadline, ["covenant", "organisation", "owner_person"])
        deadlines.drop_stale(self.session, deadline.id, former_recipients=audience - self._audience(deadline))
        return True

    def _audience(self, deadline: Deadline) -> set[str]:
        """Everyone the deadline's reminders go to: its recipients and the secretariat channel."""
        audience = {recipient.slack_id for recipient in deadlines.recipients(self.session, deadline)}
        if deadline.covenant.secretariat_channel:
            audience.add(deadline.covenant.secretariat_channel)
        return audience

    def _person_id(self, slack_user_id: str | None) -> int | None:
        if slack_user_id is None:
            return None
        return self.session.scalar(select(Person.id).where(Person.slack_user_id == slack_user_id))
