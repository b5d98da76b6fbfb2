"""organisations.csv: organisations and, optionally, their participation in a covenant (one per row)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.enums import OrganisationKind, ParticipationType
from bot.db.models import Organisation, Participation
from bot.services.imports.rows import (
    Cells,
    Column,
    CsvRow,
    Lookups,
    Outcome,
    RowError,
    Upserter,
    apply_changes,
    name_key,
)

COLUMNS = (
    Column("name", True, "the organisation; matched case-insensitively, the stored spelling is kept"),
    Column("kind", True, "company, trade_association, union, ngo, government, secretariat or other"),
    Column("covenant", False, "covenant it takes part in: slug, name or alias (empty: the organisation only)"),
    Column("participation", False, "party, adhering_company, supporter or observer (needed with a covenant)"),
    Column("joined_on", False, "date it joined the covenant"),
    Column("left_on", False, "date it left (empty: still taking part)"),
    Column("left_reason", False, "why it left (public)"),
)
KEY = "an organisation by name; a participation by organisation, covenant and joined_on"
_PARTICIPATION_COLUMNS = ("participation", "joined_on", "left_on", "left_reason")
# A charter's signatory comes with its signing details: signatories.csv records it, not this file.
_TYPES = ", ".join(t.value for t in ParticipationType if t != ParticipationType.SIGNATORY)


@dataclass(frozen=True)
class OrganisationRow:
    """A checked row of organisations.csv."""

    row: int
    name: str
    kind: OrganisationKind
    covenant_id: int | None
    participation: ParticipationType | None
    joined_on: date | None
    left_on: date | None
    left_reason: str | None


def validate(session: Session, rows: list[CsvRow], errors: list[RowError]) -> list[OrganisationRow]:
    """Check every row against the database and the rows before it; problems go to ``errors``."""
    lookups = Lookups(session)
    first_kind: dict[str, tuple[int, OrganisationKind]] = {}
    seen: dict[tuple[str, int | None, date | None], int] = {}
    checked: list[OrganisationRow] = []
    for row in rows:
        cells = Cells(row, errors)
        name = cells.text("name", required=True)
        kind = cells.choice("kind", OrganisationKind, required=True)
        covenant = lookups.covenant(cells)
        participation = cells.choice("participation", ParticipationType)
        if participation == ParticipationType.SIGNATORY:
            cells.error("participation", "signatory: a charter's signatories are imported with signatories.csv")
            participation = None
        joined_on, left_on = cells.date("joined_on"), cells.date("left_on")
        left_reason = cells.text("left_reason", max_length=2000)
        if not cells.raw("covenant"):
            for column in _PARTICIPATION_COLUMNS:
                if cells.raw(column):
                    cells.error(column, "needs a covenant in the same row")
        elif not cells.raw("participation"):
            cells.error("participation", f"is empty: with a covenant, use {_TYPES}")
        if joined_on and left_on and left_on < joined_on:
            cells.error("left_on", f"{left_on.isoformat()} is before joined_on {joined_on.isoformat()}")
        if cells.raw("left_reason") and not cells.raw("left_on"):
            cells.error("left_reason", "needs left_on (when it left)")
        if name is not None and len(lookups.organisations_by_key().get(name_key(name), [])) > 1:
            cells.error("name", "matches several organisations in the database that differ only in capitals")
        if name is not None and kind is not None:
            earlier_row, earlier_kind = first_kind.setdefault(name_key(name), (row.number, kind))
            if earlier_kind != kind:
                cells.error("kind", f"{kind.value} differs from row {earlier_row} ({earlier_kind.value})")
        if name is None or kind is None or not cells.ok:
            continue
        key = name_key(name)
        duplicate = (key, covenant.id if covenant else None, joined_on)
        if duplicate in seen:
            cells.error("name", f"repeats row {seen[duplicate]} (same organisation, covenant and joined_on)")
            continue
        seen[duplicate] = row.number
        checked.append(
            OrganisationRow(
                row.number,
                name,
                kind,
                covenant.id if covenant else None,
                participation,
                joined_on,
                left_on,
                left_reason,
            )
        )
    return checked


class Upsert(Upserter):
    """Inserts or updates one checked row at a time, with audit rows by ``actor``."""

    def __init__(self, session: Session, now: datetime, actor: str) -> None:
        super().__init__(session, now, actor)
        self.by_key = {name_key(o.name): o for o in session.scalars(select(Organisation).order_by(Organisation.id))}

    def __call__(self, row: OrganisationRow) -> Outcome:
        """Upsert the organisation, then its participation; the row's outcome is the larger change."""
        organisation = self.by_key.get(name_key(row.name))
        if organisation is None:
            organisation = Organisation(name=row.name, kind=row.kind, fictional=False)
            self.session.add(organisation)
            self.session.flush()
            self.by_key[name_key(row.name)] = organisation
            self.audit("organisation.created", "organisation", organisation.id, {"name": row.name})
            outcome = Outcome.INSERTED
        else:
            changes = apply_changes(organisation, {"kind": row.kind})
            if changes:
                self.audit("organisation.updated", "organisation", organisation.id, changes)
            outcome = Outcome.UPDATED if changes else Outcome.UNCHANGED
        if row.covenant_id is None:
            return outcome
        return Outcome.strongest(outcome, self._participation(organisation, row, row.covenant_id))

    def _participation(self, organisation: Organisation, row: OrganisationRow, covenant_id: int) -> Outcome:
        assert row.participation is not None  # checked: a covenant comes with a participation type
        participation = self.session.scalar(
            select(Participation).where(
                Participation.organisation_id == organisation.id,
                Participation.covenant_id == covenant_id,
                Participation.joined_on == row.joined_on,
            )
        )
        values: dict[str, object] = {"type": row.participation, "left_on": row.left_on, "left_reason": row.left_reason}
        if participation is None:
            participation = Participation(
                organisation_id=organisation.id, covenant_id=covenant_id, joined_on=row.joined_on
            )
            apply_changes(participation, values)
            self.session.add(participation)
            self.session.flush()
            detail = {"organisation": organisation.name, "covenant_id": covenant_id, "type": row.participation.value}
            self.audit("participation.created", "participation", participation.id, detail)
            return Outcome.INSERTED
        changes = apply_changes(participation, values)
        if not changes:
            return Outcome.UNCHANGED
        self.audit("participation.updated", "participation", participation.id, changes)
        return Outcome.UPDATED
