"""Rows of an import file: reading the CSV (encoding, delimiter, header), typed cell values, and
applying a row's values to a model.

Every problem becomes a ``RowError`` with the row number a spreadsheet shows (the header is
row 1, the first data row is row 2) and the column it is in, so nothing stops at the first one.
"""

from __future__ import annotations

import csv
import enum
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Covenant, Organisation
from bot.parsing.dates import parse_date
from bot.parsing.text import normalise
from bot.services.administration import audit
from bot.services.administration.csv_cells import unguarded
from bot.services.covenants import covenants
from bot.services.covenants.matching import best_match
from bot.services.errors import UsageError

E = TypeVar("E", bound=enum.Enum)

HEADER_ROW = 1
SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")
DATE_HINT = "write 2027-03-15 or 15-03-2027"
_DELIMITERS = (",", ";", "\t")
# Year first, perhaps with the midnight time a spreadsheet adds to a date cell.
_YEAR_FIRST = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]0{1,2}:00(?::00)?)?$")
# Two far-apart "todays": a date that parses differently against them was incomplete or relative.
_PROBE_DAYS = (date(2001, 2, 3), date(2012, 11, 24))


class Outcome(enum.StrEnum):
    """What importing one row did (or, in a dry run, would do)."""

    INSERTED = "inserted"
    UPDATED = "updated"
    UNCHANGED = "unchanged"

    @staticmethod
    def strongest(*outcomes: Outcome) -> Outcome:
        """The largest change among ``outcomes``: inserted, else updated, else unchanged."""
        order = list(Outcome)
        return min(outcomes, key=order.index)


@dataclass(frozen=True)
class Column:
    """A column of an import file: its header name, whether it must be there, and what it holds."""

    name: str
    required: bool
    doc: str


@dataclass(frozen=True)
class RowError:
    """One problem in the file; ``row`` is None for a problem of the whole import (e.g. the commit)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = "file" if self.row is None else f"row {self.row}"
        return f"{where}, column {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass(frozen=True)
class CsvRow:
    """A data row: its spreadsheet row number and its stripped values by column name."""

    number: int
    values: dict[str, str]


def name_key(name: str) -> str:
    """How names are compared: case-insensitive, runs of spaces as one."""
    return " ".join(name.split()).casefold()


def quoted(value: str) -> str:
    """A value as error messages show it."""
    return '"' + value.replace('"', '\\"') + '"'


def _header_name(cell: str) -> str:
    return "_".join(cell.strip().lower().split())


def read_rows(data: bytes, columns: Sequence[Column]) -> tuple[list[CsvRow], list[RowError]]:
    """The file's non-blank data rows; UTF-8 with or without BOM, ``,`` or ``;`` (or tab) between values.

    A ``'`` before a formula start (``'=…``, as an export writes it) is taken off the value.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [], [RowError(line, None, "the file is not UTF-8 text: save it as CSV UTF-8")]
    first_line = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first_line.count)
    expected = ", ".join(column.name for column in columns)
    rows: list[CsvRow] = []
    errors: list[RowError] = []
    header: list[str] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=HEADER_ROW):
            if number == HEADER_ROW:
                header = [_header_name(cell) for cell in cells]
                while header and not header[-1]:
                    header.pop()  # spreadsheets write empty cells after the last named column
                errors += _header_errors(header, columns, expected)
                if errors:
                    return [], errors
                continue
            values = [unguarded(cell.strip()) for cell in cells]
            if not any(values):
                continue  # spreadsheets leave blank rows; they are not data
            if len(values) > len(header) and any(values[len(header) :]):
                errors.append(
                    RowError(number, None, f"{len(values)} values, but the header names {len(header)} columns")
                )
                continue
            rows.append(CsvRow(number, dict(zip(header, values + [""] * (len(header) - len(values)), strict=False))))
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, None, f"not readable as CSV: {exc}"))
    if reader.line_num == 0:
        errors.append(RowError(HEADER_ROW, None, f"the file is empty: its first row must name the columns {expected}"))
    return rows, errors


def _header_errors(header: list[str], columns: Sequence[Column], expected: str) -> list[RowError]:
    known = {column.name for column in columns}
    errors: list[RowError] = []
    missing = [column.name for column in columns if column.required and column.name not in header]
    if missing:
        message = f"missing columns: {', '.join(missing)} (the first row names the columns {expected})"
        errors.append(RowError(HEADER_ROW, None, message))
    for position, name in enumerate(header):
        if name and name not in known:
            errors.append(RowError(HEADER_ROW, name, f"unknown column (the columns are: {expected})"))
        elif not name:
            errors.append(RowError(HEADER_ROW, None, f"column {position + 1} has no name"))
        elif name in header[:position]:
            errors.append(RowError(HEADER_ROW, name, "named twice"))
    return errors


class Cells:
    """One row's values, read and checked column by column; problems are added to ``errors``."""

    def __init__(self, row: CsvRow, errors: list[RowError]) -> None:
        self.row = row
        self.errors = errors
        self.ok = True

    def error(self, column: str, message: str) -> None:
        """Record a problem in ``column`` of this row."""
        self.ok = False
        self.errors.append(RowError(self.row.number, column, message))

    def raw(self, column: str) -> str:
        """The stripped value, "" when empty or when the file has no such column."""
        return self.row.values.get(column, "")

    def text(self, column: str, *, required: bool = False, max_length: int = 200) -> str | None:
        """A free-text value (None when empty)."""
        value = self.raw(column)
        if not value:
            if required:
                self.error(column, "is empty")
            return None
        if len(value) > max_length:
            self.error(column, f"is {len(value)} characters long; at most {max_length} fit")
            return None
        return value

    def choice(self, column: str, choices: type[E], *, required: bool = False) -> E | None:
        """One of an enumeration's values (case-insensitive; spaces and hyphens read as underscores)."""
        value = self.raw(column)
        if not value:
            if required:
                self.error(column, f"is empty: use {', '.join(str(c.value) for c in choices)}")
            return None
        wanted = "_".join(value.lower().replace("-", " ").split())
        for member in choices:
            if member.value == wanted:
                return member
        self.error(column, f"{quoted(value)} is not a {column}: use {', '.join(str(c.value) for c in choices)}")
        return None

    def date(self, column: str, *, required: bool = False) -> date | None:
        """A complete calendar date (ISO or Dutch day-month-year); relative words such as "morgen" are refused."""
        value = self.raw(column)
        if not value:
            if required:
                self.error(column, f"is empty: {DATE_HINT}")
            return None
        readings: set[date] = set()
        try:
            year_first = _YEAR_FIRST.match(value)
            if year_first:
                # parse_date reads 2027-03-05 as 3 May (dateutil's dayfirst applies to year-first dates too).
                readings = {date(*(int(part) for part in year_first.groups()))}
            else:
                readings = {parse_date(value, today) for today in _PROBE_DAYS}
        except (UsageError, ValueError):
            readings = set()
        if len(readings) != 1:
            self.error(column, f"{quoted(value)} is not a date ({DATE_HINT})")
            return None
        return readings.pop()

    def slack_user_id(self, column: str, *, required: bool = False) -> str | None:
        """A Slack user id: U or W followed by capital letters and digits."""
        value = self.raw(column)
        if not value:
            if required:
                self.error(column, "is empty")
            return None
        if not SLACK_USER_ID.match(value):
            self.error(column, f"{quoted(value)} is not a Slack user id (U or W, then capitals and digits)")
            return None
        return value


def resolve_covenant(session: Session, name: str) -> Covenant | str:
    """The covenant with this slug, Dutch or English name or alias, else why not (with a suggestion).

    Stricter than ``covenants.resolve``: in a file of many rows a fuzzy match would file data under the
    wrong covenant unseen ("steenkool" is not "natuursteen"), so a near miss is an error that names it.
    """
    try:
        covenant = covenants.resolve(session, name)
    except UsageError as exc:
        suggestions = str(exc.values.get("suggestions") or "")
        return f"no covenant {quoted(name)}" + (f" (did you mean {suggestions}?)" if suggestions else "")
    names = [covenant.slug, covenant.name_nl, covenant.name_en, *(alias.alias for alias in covenant.aliases)]
    if normalise(name) not in {normalise(known) for known in names}:
        return f"no covenant {quoted(name)} (did you mean {covenant.slug}?)"
    return covenant


class Lookups:
    """Covenants and organisations by the names people write in a file, each distinct name looked up once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._covenants: dict[str, Covenant | str] = {}
        self._organisations: dict[str, list[Organisation]] | None = None

    def covenant(self, cells: Cells, column: str = "covenant", *, required: bool = False) -> Covenant | None:
        """The covenant named in ``column`` (see ``resolve_covenant``), else an error."""
        name = cells.raw(column)
        if not name:
            if required:
                cells.error(column, "is empty: name a covenant by its slug, e.g. textiel")
            return None
        key = name_key(name)
        if key not in self._covenants:
            self._covenants[key] = resolve_covenant(self.session, name)
        found = self._covenants[key]
        if isinstance(found, str):
            cells.error(column, found)
            return None
        return found

    def organisations_by_key(self) -> dict[str, list[Organisation]]:
        """Every organisation in the database by ``name_key`` (loaded once)."""
        if self._organisations is None:
            self._organisations = {}
            for organisation in self.session.scalars(select(Organisation).order_by(Organisation.id)):
                self._organisations.setdefault(name_key(organisation.name), []).append(organisation)
        return self._organisations

    def organisation(
        self, cells: Cells, column: str = "organisation", *, required: bool = False
    ) -> Organisation | None:
        """The organisation in the database whose name is ``column``'s value (case-insensitive), else an error."""
        name = cells.raw(column)
        if not name:
            if required:
                cells.error(column, "is empty")
            return None
        by_key = self.organisations_by_key()
        found = by_key.get(name_key(name), [])
        if len(found) == 1:
            return found[0]
        if found:
            cells.error(column, f"{quoted(name)} matches {len(found)} organisations that differ only in capitals")
            return None
        match = best_match(name, [(key, group[0].name) for key, group in by_key.items()])
        near = [by_key[key][0].name for key in ([match.key] if match.key else match.suggestions)]
        hint = f" (did you mean {', '.join(quoted(n) for n in near)}?)" if near else ""
        cells.error(column, f"no organisation {quoted(name)} in the database{hint}")
        return None


def _plain(value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def apply_changes(target: object, values: dict[str, object]) -> dict[str, object]:
    """Set the attributes whose value differs; returns ``{name: [old, new]}`` (JSON-ready, for the audit row)."""
    changes: dict[str, object] = {}
    for name, value in values.items():
        old = getattr(target, name)
        if old != value:
            changes[name] = [_plain(old), _plain(value)]
            setattr(target, name, value)
    return changes


class Upserter:
    """Base of the per-file upserters: the session, the import's moment, and who to name in the audit."""

    def __init__(self, session: Session, now: datetime, actor: str) -> None:
        self.session, self.now, self.actor = session, now, actor

    def audit(self, action: str, entity: str, entity_id: int, detail: dict[str, object]) -> None:
        """Add an audit row for a change this import makes."""
        session, at, actor = self.session, self.now, self.actor
        audit.record(session, at=at, actor=actor, action=action, entity=entity, entity_id=entity_id, detail=detail)
