"""signatories.csv and commitments.csv: a charter's signatories (by charter and organisation) and their
commitments (by charter, organisation and number). Written through the charter service, so a new commitment
asks for its yearly progress update like one recorded with ``/charter commit``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.enums import CommitmentKind, CovenantKind
from bot.db.models import CharterSignatory, Commitment, Covenant, Organisation
from bot.services.charters import signatories as charters
from bot.services.imports.rows import Cells, Column, CsvRow, Lookups, Outcome, RowError, Upserter, apply_changes, quoted

SIGNATORY_COLUMNS = (
    Column("charter", True, "charter: slug, name or alias (e.g. decent-work-charter)"),
    Column("organisation", True, "the signatory, as named in the database (import organisations first)"),
    Column("signed_on", True, "date of signing"),
    Column("signed_by", False, "name of the person who signed (empty: left as it is)"),
    Column("signed_by_role", False, "their role (e.g. CEO)"),
)
SIGNATORY_KEY = "a signatory by charter and organisation"
COMMITMENT_COLUMNS = (
    Column("charter", True, "charter: slug, name or alias"),
    Column("organisation", True, "the signatory (import signatories first)"),
    Column("number", True, "the commitment's number for this signatory: 1, 2, ..."),
    Column("kind", True, "internships, coaching, free_services, hiring or other"),
    Column("text", True, "what the signatory commits to"),
    Column("target_number", False, "a number to reach (e.g. 10 internships)"),
    Column("target_on", False, "the date to reach it by"),
)
COMMITMENT_KEY = "a commitment by charter, organisation and number"
_COUNT = re.compile(r"^\d{1,6}$")


def _count(cells: Cells, column: str, *, required: bool = False) -> int | None:
    value = cells.raw(column)
    if not value:
        if required:
            cells.error(column, "is empty")
        return None
    if not _COUNT.match(value):
        cells.error(column, f"{quoted(value)} is not a whole number (at most six digits)")
        return None
    return int(value)


def _charter(lookups: Lookups, cells: Cells) -> Covenant | None:
    found = lookups.covenant(cells, "charter", required=True)
    if found is not None and found.kind != CovenantKind.CHARTER:
        cells.error("charter", f"{quoted(found.slug)} is a {found.kind.value}, not a charter")
        return None
    return found


@dataclass(frozen=True)
class SignatoryRow:
    row: int
    charter: Covenant
    organisation: Organisation
    signed_on: date
    signed_by: str | None
    role: str | None


def validate_signatories(session: Session, rows: list[CsvRow], errors: list[RowError]) -> list[SignatoryRow]:
    """Check every row of signatories.csv; problems go to ``errors``."""
    lookups = Lookups(session)
    seen: dict[tuple[int, int], int] = {}
    checked: list[SignatoryRow] = []
    for row in rows:
        cells = Cells(row, errors)
        charter = _charter(lookups, cells)
        organisation = lookups.organisation(cells, required=True)
        signed_on = cells.date("signed_on", required=True)
        signed_by = cells.text("signed_by")
        role = cells.text("signed_by_role")
        if role and not signed_by:
            cells.error("signed_by_role", "has a role but signed_by names no one")
        if charter is None or organisation is None or signed_on is None or not cells.ok:
            continue
        key = (charter.id, organisation.id)
        if key in seen:
            cells.error("organisation", f"{quoted(organisation.name)} is on row {seen[key]} already")
            continue
        seen[key] = row.number
        checked.append(SignatoryRow(row.number, charter, organisation, signed_on, signed_by, role))
    return checked


class SignatoryUpsert(Upserter):
    """Records a signature through the charter service (a signatory participation, audited)."""

    def __call__(self, row: SignatoryRow) -> Outcome:
        existing = charters.signatory_of(self.session, row.charter, row.organisation)
        same_signer = row.signed_by is None or (
            existing is not None and existing.signed_by_name == row.signed_by and existing.signed_by_role == row.role
        )
        if existing is not None and existing.signed_on == row.signed_on and same_signer:
            return Outcome.UNCHANGED
        signed_by = (row.signed_by, row.role) if row.signed_by else None
        _, new = charters.sign(
            self.session, row.charter, row.organisation, row.signed_on, signed_by, self.now, self.actor
        )
        return Outcome.INSERTED if new else Outcome.UPDATED


@dataclass(frozen=True)
class CommitmentRow:
    row: int
    charter: Covenant
    signatory_id: int
    number: int
    kind: CommitmentKind
    text: str
    target_number: int | None
    target_on: date | None


def validate_commitments(session: Session, rows: list[CsvRow], errors: list[RowError]) -> list[CommitmentRow]:
    """Check every row of commitments.csv (each signatory must be in the database); problems go to ``errors``."""
    lookups = Lookups(session)
    seen: dict[tuple[int, int], int] = {}
    checked: list[CommitmentRow] = []
    for row in rows:
        cells = Cells(row, errors)
        charter = _charter(lookups, cells)
        organisation = lookups.organisation(cells, required=True)
        number = _count(cells, "number", required=True)
        if number == 0:
            cells.error("number", "commitments are numbered from 1")
        kind = cells.choice("kind", CommitmentKind, required=True)
        text = cells.text("text", required=True, max_length=2000)
        target_number = _count(cells, "target_number")
        target_on = cells.date("target_on")
        if charter is None or organisation is None or number is None or kind is None or text is None:
            continue
        signatory = charters.signatory_of(session, charter, organisation)
        if signatory is None:
            cells.error(
                "organisation",
                f"{quoted(organisation.name)} has not signed {charter.slug}: import it in signatories.csv first",
            )
        if not cells.ok or signatory is None:
            continue
        key = (signatory.id, number)
        if key in seen:
            cells.error("number", f"commitment {number} of {quoted(organisation.name)} is on row {seen[key]} already")
            continue
        seen[key] = row.number
        checked.append(CommitmentRow(row.number, charter, signatory.id, number, kind, text, target_number, target_on))
    return checked


class CommitmentUpsert(Upserter):
    """Adds a commitment (and its first yearly update request), or changes what differs; audited."""

    def __call__(self, row: CommitmentRow) -> Outcome:
        signatory = self.session.get(CharterSignatory, row.signatory_id)
        assert signatory is not None
        existing = self.session.scalar(
            select(Commitment).where(Commitment.signatory_id == row.signatory_id, Commitment.number == row.number)
        )
        fields: dict[str, object] = {
            "kind": row.kind,
            "text": row.text,
            "target_number": row.target_number,
            "target_on": row.target_on,
        }
        if existing is None:
            commitment = Commitment(signatory=signatory, number=row.number, **fields)
            self.session.add(commitment)
            self.session.flush()
            due = charters.first_update_due(signatory.signed_on, self.now.date())
            charters.request_update(self.session, commitment, row.charter, due, self.now, self.actor)
            self.audit("charter.commitment_added", "charter_commitment", commitment.id, {"number": row.number})
            return Outcome.INSERTED
        changes = apply_changes(existing, fields)
        if not changes:
            return Outcome.UNCHANGED
        self.audit("charter.commitment_updated", "charter_commitment", existing.id, changes)
        return Outcome.UPDATED
