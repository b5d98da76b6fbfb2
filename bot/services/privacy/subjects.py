"""Who a privacy request is about, and where the database names them.

A person is named by their Slack id, their email address, the address ``person:<id>``, their person row's id in
a column that refers to ``person.id``, and their name. :func:`naming_rows` finds every row of every table that
names them, from the models' metadata, so a table added later is searched without changes here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import JSON, Column, Enum, String, Table, Text, cast, or_, select
from sqlalchemy.orm import Session

from bot.db.models import AuditEntry, Base, Person
from bot.services.minutes.minutes_search import fold
from bot.services.people import addresses

# A name shorter than this is not looked for in free text: it would match too much that is not theirs.
MIN_NAME_LENGTH = 4
ERASED_ACTION = "privacy.erased"
# Columns that never name the person however they read: the other people's names, organisations' names.
NOT_SEARCHED = {("person", "name"), ("person", "email"), ("person", "slack_user_id"), ("organisation", "name")}


class UnknownPerson(Exception):
    """No person and no trace of this Slack id: the message says what was looked for."""


@dataclass(frozen=True)
class Subject:
    """The person a request is about: their row (if any) and the values that name them."""

    person_id: int | None
    slack_id: str | None
    email: str | None
    name: str | None

    @property
    def address(self) -> str | None:
        """``person:<id>``, how the bot names someone without Slack."""
        return None if self.person_id is None else f"{addresses.PERSON_PREFIX}{self.person_id}"

    def token(self, marker: str) -> str:
        """What one of their ids becomes once erased: it names nobody (the pseudonymous person row at most).

        Each kind of id gets its own token, so two rows unique by one of them (a reminder to their Slack id and
        one to their address) stay unique."""
        base = f"erased:{self.person_id}" if self.person_id is not None else "erased"
        if marker == self.slack_id:
            return base
        return f"{base}:address" if marker == self.address else f"{base}:email"

    def markers(self) -> list[str]:
        """The values searched for in text, longest first (so a name is matched before a part of it)."""
        found = [self.slack_id, self.email, self.address]
        if self.name and len(self.name) >= MIN_NAME_LENGTH:
            found += [self.name, fold(self.name)]
        return sorted({m for m in found if m}, key=len, reverse=True)


def resolve(session: Session, who: str) -> Subject:
    """The subject named by a Slack id (U…/W…), an email address or ``person:<id>``; UnknownPerson if none."""
    text = who.strip()
    person_id = addresses.person_id_of(text)
    if person_id is not None:
        person = session.get(Person, person_id)
    elif "@" in text:
        person = session.scalar(select(Person).where(Person.email == text.lower()))
    else:
        person = session.scalar(select(Person).where(Person.slack_user_id == text))
    if person is None:
        if re.fullmatch(r"[UW][A-Z0-9]{2,31}", text) and _traces(session, text):
            return Subject(None, text, None, None)
        raise UnknownPerson(f"no person known as {text!r} (a Slack id, an email address or person:<id>)")
    return of_person(person)


def of_person(person: Person) -> Subject:
    """The subject for a person row."""
    return Subject(person.id, person.slack_user_id, person.email, person.name)


def of_slack_user(session: Session, slack_id: str) -> Subject:
    """The subject for a Slack user, linked or not (an unlinked one is named by the Slack id alone)."""
    person = session.scalar(select(Person).where(Person.slack_user_id == slack_id))
    return of_person(person) if person is not None else Subject(None, slack_id, None, None)


def was_erased(session: Session, subject: Subject) -> bool:
    """True when this person row was erased already (the audit row "erased on request" names its id only)."""
    if subject.person_id is None:
        return False
    found = select(AuditEntry.id).where(
        AuditEntry.action == ERASED_ACTION, AuditEntry.entity == "person", AuditEntry.entity_id == subject.person_id
    )
    return session.scalar(found.limit(1)) is not None


def text_columns(table: Table) -> list[Column[object]]:
    """The columns of a table that can hold text naming someone: strings, text and JSON (not enums)."""
    found = []
    for column in table.columns:
        if (table.name, column.name) in NOT_SEARCHED or isinstance(column.type, Enum):
            continue
        if isinstance(column.type, String | Text | JSON) or _is_json(column):
            found.append(column)
    return found


def person_columns(table: Table) -> list[Column[object]]:
    """The columns of a table that refer to ``person.id``."""
    return [c for c in table.columns if any(fk.column.table.name == "person" for fk in c.foreign_keys)]


def _is_json(column: Column[object]) -> bool:
    return isinstance(getattr(column.type, "impl", None), JSON) or "JSON" in type(column.type).__name__.upper()


def pattern(marker: str) -> re.Pattern[str]:
    """A marker as a whole word, in any case (``person:1`` does not match ``person:12``)."""
    return re.compile(rf"(?<!\w){re.escape(marker)}(?!\w|[.@]\w)", re.IGNORECASE)


def mentions(text: str, subject: Subject) -> bool:
    """True when ``text`` names the subject."""
    return any(pattern(marker).search(text) for marker in subject.markers())


@dataclass(frozen=True)
class NamingRow:
    """One row that names the subject: its table, primary key and values, and the columns that name them."""

    table: Table
    key: tuple[object, ...]
    values: dict[str, object]
    naming: tuple[str, ...]


def naming_rows(session: Session, subject: Subject) -> Iterator[NamingRow]:
    """Every row of every table that names the subject (person-id columns, then text mentions), each once."""
    # JSON stored as text (SQLite) escapes what is not ASCII: "Zoë" is "Zo\u00eb" there.
    searched = sorted({escaped for m in subject.markers() for escaped in (m, json.dumps(m)[1:-1])})
    for table in Base.metadata.sorted_tables:
        by_id = person_columns(table) if subject.person_id is not None else []
        texts = text_columns(table)
        conditions = [c == subject.person_id for c in by_id]
        conditions += [cast(c, Text).icontains(m, autoescape=True) for c in texts for m in searched]
        if table.name == "person" and subject.person_id is not None:
            conditions.append(table.c.id == subject.person_id)
        if not conditions:
            continue
        primary = list(table.primary_key.columns)
        for row in session.execute(select(table).where(or_(*conditions)).order_by(*primary)).mappings():
            values = dict(row)
            naming = [c.name for c in by_id if values[c.name] == subject.person_id]
            naming += [
                c.name for c in texts if values[c.name] is not None and mentions(_as_text(values[c.name]), subject)
            ]
            if table.name == "person" and values.get("id") == subject.person_id:
                naming.insert(0, "id")
            if naming:
                yield NamingRow(table, tuple(values[c.name] for c in primary), values, tuple(naming))


def _names(value: object, subject: Subject) -> bool:
    return value is not None and mentions(_as_text(value), subject)


def _as_text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _traces(session: Session, slack_id: str) -> bool:
    """True when some row still names this Slack id (someone who used the bot without being linked)."""
    subject = Subject(None, slack_id, None, None)
    return next(naming_rows(session, subject), None) is not None
