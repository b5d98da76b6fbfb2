"""cohort_participants.csv: the organisations taking part in a programme's cohort (upsert key: programme, year and
organisation). Joining goes through the cohort service, so contacts join the cohort's group and get its milestones'
deadlines as when the coordinator types ``/cohort join``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.enums import CovenantKind
from bot.db.models import Cohort, Organisation
from bot.services.cohorts import cohorts
from bot.services.imports.rows import Cells, Column, CsvRow, Lookups, Outcome, RowError, Upserter

COLUMNS = (
    Column("programme", True, "cohort programme: slug, name or alias (e.g. bhr-accelerator)"),
    Column("year", True, "the cohort's year (the cohort must exist: /cohort new)"),
    Column("organisation", True, "participating organisation, as named in the database"),
    Column("joined_on", False, "date it joined (empty: the cohort's start)"),
)
KEY = "a participant by programme, year and organisation"


@dataclass(frozen=True)
class CohortParticipantRow:
    """A checked row of cohort_participants.csv."""

    row: int
    cohort_id: int
    organisation_id: int
    joined_on: date | None


def validate(session: Session, rows: list[CsvRow], errors: list[RowError]) -> list[CohortParticipantRow]:
    """Check every row against the database and the rows before it; problems go to ``errors``."""
    lookups = Lookups(session)
    seen: dict[tuple[int, int], int] = {}
    checked: list[CohortParticipantRow] = []
    for row in rows:
        cells = Cells(row, errors)
        programme = lookups.covenant(cells, "programme", required=True)
        if programme is not None and programme.kind != CovenantKind.PROGRAMME:
            cells.error("programme", f"{programme.slug} is a {programme.kind.value}, not a cohort programme")
            programme = None
        year_text = cells.raw("year")
        cohort = None
        if not (year_text.isdigit() and len(year_text) == 4):
            cells.error("year", "is not a year such as 2026")
        elif programme is not None:
            cohort = session.scalar(
                select(Cohort).where(Cohort.covenant_id == programme.id, Cohort.year == int(year_text))
            )
            if cohort is None:
                cells.error("year", f"{programme.slug} has no cohort {year_text} (create it with /cohort new)")
        organisation = lookups.organisation(cells, required=True)
        joined_on = cells.date("joined_on")
        if cohort is None or organisation is None or not cells.ok:
            continue
        key = (cohort.id, organisation.id)
        if key in seen:
            cells.error("organisation", f"repeats row {seen[key]} (same cohort and organisation)")
            continue
        seen[key] = row.number
        checked.append(CohortParticipantRow(row.number, cohort.id, organisation.id, joined_on))
    return checked


class Upsert(Upserter):
    """Adds one checked participant at a time, with an audit row by ``actor``."""

    def __init__(self, session: Session, now: datetime, actor: str) -> None:
        super().__init__(session, now, actor)

    def __call__(self, row: CohortParticipantRow) -> Outcome:
        """Add the participant, or leave it (a participant already is one)."""
        cohort = self.session.get(Cohort, row.cohort_id)
        organisation = self.session.get(Organisation, row.organisation_id)
        assert cohort is not None and organisation is not None  # checked
        if any(p.organisation_id == organisation.id for p in cohort.participants):
            return Outcome.UNCHANGED
        joined_on = row.joined_on or cohort.starts_on
        cohorts.add_participant(self.session, cohort, organisation, joined_on, self.now, self.actor)
        self.audit("cohort.joined", "cohort", cohort.id, {"organisation": organisation.id, "import": True})
        return Outcome.INSERTED
