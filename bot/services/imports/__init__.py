"""Operators' CSV imports of organisations, contacts, deadlines, charter signatories and commitments: all or
nothing, and idempotent.

Every row is read and checked first; when any row is wrong nothing is written and the report lists
each problem by row and column. Otherwise every row is upserted in one transaction that is committed
once (a dry run rolls it back), so a file is never half imported, and importing it again changes
nothing. No Slack and no command line here: the CLI passes the file's bytes and a progress wrapper.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.services.imports import charter_rows, cohort_rows, contact_rows, deadline_rows, organisation_rows
from bot.services.imports.rows import Column, CsvRow, Outcome, RowError, read_rows, resolve_covenant

__all__ = [
    "KINDS",
    "Column",
    "ImportKind",
    "ImportReport",
    "Outcome",
    "Progress",
    "RowError",
    "file_formats",
    "import_csv",
    "resolve_covenant",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")


class _Checked(Protocol):
    @property
    def row(self) -> int: ...


R = TypeVar("R", bound=_Checked)


class Progress(Protocol):
    """Wraps the rows being written, e.g. in a progress bar; must yield every row in order."""

    def __call__(self, rows: Sequence[T], /) -> Iterable[T]: ...


def no_progress(rows: Sequence[T], /) -> Iterable[T]:
    """The default: no progress display."""
    return rows


@dataclass(frozen=True)
class ImportKind(Generic[R]):
    """One kind of import file: its columns, upsert key, how rows are checked and how they are written."""

    name: str
    columns: tuple[Column, ...]
    key: str
    validate: Callable[[Session, list[CsvRow], list[RowError]], list[R]]
    upserter: Callable[[Session, datetime, str], Callable[[R], Outcome]]


KINDS: dict[str, ImportKind[Any]] = {
    "organisations": ImportKind(
        "organisations",
        organisation_rows.COLUMNS,
        organisation_rows.KEY,
        organisation_rows.validate,
        organisation_rows.Upsert,
    ),
    "contacts": ImportKind(
        "contacts", contact_rows.COLUMNS, contact_rows.KEY, contact_rows.validate, contact_rows.Upsert
    ),
    "deadlines": ImportKind(
        "deadlines", deadline_rows.COLUMNS, deadline_rows.KEY, deadline_rows.validate, deadline_rows.Upsert
    ),
    "signatories": ImportKind(
        "signatories",
        charter_rows.SIGNATORY_COLUMNS,
        charter_rows.SIGNATORY_KEY,
        charter_rows.validate_signatories,
        charter_rows.SignatoryUpsert,
    ),
    "commitments": ImportKind(
        "commitments",
        charter_rows.COMMITMENT_COLUMNS,
        charter_rows.COMMITMENT_KEY,
        charter_rows.validate_commitments,
        charter_rows.CommitmentUpsert,
    ),
    "cohort_participants": ImportKind(
        "cohort_participants", cohort_rows.COLUMNS, cohort_rows.KEY, cohort_rows.validate, cohort_rows.Upsert
    ),
}


def file_formats() -> str:
    """The columns of each import file, as plain text for ``covenant-bot import --help``."""
    lines = [
        'Files are UTF-8 (with or without BOM) with "," or ";" between values; the first row names the',
        'columns (* = required). Dates: 2027-03-15 or 15-03-2027. Empty cells mean "no value".',
        "Rows are inserted or updated, never deleted.",
    ]
    for spec in KINDS.values():
        lines += ["", f"{spec.name}.csv (upsert key: {spec.key})"]
        lines += [f"  {column.name + ('*' if column.required else ''):<16} {column.doc}" for column in spec.columns]
    return "\n".join(lines)


@dataclass
class ImportReport:
    """What an import found and did: the problems by row, else how many rows it inserted, updated or left."""

    kind: str
    source: str
    dry_run: bool = False
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    counts: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))

    @property
    def ok(self) -> bool:
        """True when the file was imported (or, in a dry run, would be)."""
        return not self.errors

    @property
    def inserted(self) -> int:
        return self.counts[Outcome.INSERTED]

    @property
    def updated(self) -> int:
        return self.counts[Outcome.UPDATED]

    @property
    def unchanged(self) -> int:
        return self.counts[Outcome.UNCHANGED]

    def summary(self) -> str:
        """One line for the operator, e.g. ``deadlines.csv: 40 rows: 3 inserted, 2 updated, 35 unchanged``."""
        if self.errors:
            problems = f"{len(self.errors)} problem{'s' if len(self.errors) != 1 else ''}"
            where = f" in {self.rows} rows" if self.rows else ""
            return f"{self.source}: {problems}{where}; nothing was imported"
        if self.dry_run:
            return (
                f"{self.source}: {self.rows} rows are fine; a real import would insert {self.inserted}, "
                f"update {self.updated} and leave {self.unchanged} unchanged (dry run: nothing written)"
            )
        return (
            f"{self.source}: {self.rows} rows: {self.inserted} inserted, {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )


def actor_for(source: str) -> str:
    """The audit actor of an import: ``import:<file name>`` (cut to fit the column)."""
    return f"import:{PurePath(source).name}"[:64]


def import_csv(
    session: Session,
    kind: str,
    data: bytes,
    *,
    source: str,
    now: datetime,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Check every row of ``data`` (a CSV file of ``kind``), then upsert them all in one transaction.

    Writes nothing when any row is wrong, in a dry run, or when the database refuses a row (rolled back).
    """
    spec = KINDS[kind]
    report = ImportReport(kind, PurePath(source).name, dry_run)
    rows, report.errors = read_rows(data, spec.columns)
    report.rows = len(rows)
    checked = spec.validate(session, rows, report.errors) if not report.errors else []
    if report.errors:
        report.errors.sort(key=lambda error: error.row or 0)
        session.rollback()
        return report
    upsert = spec.upserter(session, now, actor_for(source))
    current: int | None = None
    try:
        for row in progress(checked):
            current = row.row
            report.counts[upsert(row)] += 1
            session.flush()  # so a database error is reported at the row that caused it
        current = None
        if dry_run:
            session.rollback()
        else:
            session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        logger.debug("import of %s rolled back", source, exc_info=True)
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        where = "the database refused this row" if current is not None else "the database refused the commit"
        report.errors.append(RowError(current, None, f"{where} ({reason}); nothing was imported"))
        report.counts = dict.fromkeys(Outcome, 0)
    except BaseException:
        session.rollback()
        raise
    return report
