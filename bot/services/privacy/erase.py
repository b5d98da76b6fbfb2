"""Erase one person's personal data everywhere, in one transaction (AVG/GDPR article 17).

What is only theirs goes (Slack profile cache, RSVPs, roles, group places, what is still owed to them); what
the covenant must keep stays with the person taken out of it: their person row keeps its id under a pseudonym
("a former participant"), approved minutes, decisions, action items and audit rows keep their text with every
mention of the person (name, Slack id and mention, email, ``person:<id>``) replaced. The replacement is made in
every text and JSON column of every table (found from the models' metadata), so tables added later are covered.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, String, Table, delete, or_, update
from sqlalchemy.orm import Session

from bot.db.enums import ContactRoute, DeliveryStatus
from bot.db.models import AckedWork, Deadline, Person, ReminderDelivery, Role, Rsvp, SlackProfile, WorkingGroupMember
from bot.services import acked_work, locking
from bot.services.administration import audit
from bot.services.privacy.subjects import ERASED_ACTION, Subject, naming_rows, pattern, was_erased

REASON = "erased on request"


@dataclass(frozen=True)
class Erasure:
    """What an erasure did: rows changed or removed per table (empty when the person was erased before)."""

    person_id: int | None
    already_erased: bool = False
    rows: dict[str, int] = field(default_factory=dict)


def erase(session: Session, subject: Subject, pseudonym: str, now: datetime, actor: str) -> Erasure:
    """Remove or pseudonymise everything naming ``subject`` and commit; a person erased before is left as is."""
    if subject.person_id is not None:
        locking.serialise(session, "person", subject.person_id)
    if was_erased(session, subject):
        return Erasure(subject.person_id, already_erased=True)
    rows: Counter[str] = Counter()
    ids = [value for value in (subject.slack_id, subject.address) if value]
    _remove_what_is_only_theirs(session, subject, ids, rows, now)
    for found in list(naming_rows(session, subject)):
        if found.table.name == "person":
            continue
        changes = {
            name: _scrubbed(found.table, name, found.values[name], subject, pseudonym)
            for name in found.naming
            if not _is_person_key(found.table, name)
        }
        changes = {name: value for name, value in changes.items() if value != found.values[name]}
        if changes:
            primary = list(found.table.primary_key.columns)
            where = [column == value for column, value in zip(primary, found.key, strict=True)]
            session.execute(update(found.table).where(*where).values(**changes))
            rows[found.table.name] += 1
    if subject.person_id is not None:
        person = session.get(Person, subject.person_id)
        if person is not None:
            person.name, person.slack_user_id, person.email = pseudonym, None, None
            person.language, person.timezone, person.organisation_id = None, None, None
            person.route = ContactRoute.SLACK
            rows["person"] += 1
    # The record of the erasure names the person row only by its id, which no longer leads to anyone.
    audit.record(
        session,
        at=now,
        actor=actor,
        action=ERASED_ACTION,
        entity="person",
        entity_id=subject.person_id,
        detail={"reason": REASON, "rows": dict(sorted(rows.items()))},
    )
    session.commit()
    return Erasure(subject.person_id, rows=dict(rows))


def _remove_what_is_only_theirs(
    session: Session, subject: Subject, ids: list[str], rows: Counter[str], now: datetime
) -> None:
    """Delete the rows that are theirs alone, and stop what is still owed to them or run for them."""

    def count(table: str, result: Any) -> None:
        if result.rowcount:
            rows[table] += result.rowcount

    if subject.slack_id:
        count(
            "slack_profile", session.execute(delete(SlackProfile).where(SlackProfile.slack_user_id == subject.slack_id))
        )
    if ids:
        count("rsvp", session.execute(delete(Rsvp).where(Rsvp.slack_user_id.in_(ids))))
        count(
            "reminder_delivery",
            session.execute(
                update(ReminderDelivery)
                .where(
                    ReminderDelivery.recipient.in_(ids),
                    ReminderDelivery.status.in_((DeliveryStatus.PLANNED, DeliveryStatus.CLAIMED)),
                )
                .values(status=DeliveryStatus.SKIPPED, last_error=REASON, claimed_by=None, lease_until=None)
            ),
        )
    owner: list[ColumnElement[bool]] = [Deadline.owner_slack_id.in_(ids)] if ids else []
    if subject.person_id is not None:
        owner.append(Deadline.owner_person_id == subject.person_id)
        count("role", session.execute(delete(Role).where(Role.person_id == subject.person_id)))
        count(
            "working_group_member",
            session.execute(delete(WorkingGroupMember).where(WorkingGroupMember.person_id == subject.person_id)),
        )
    if owner:
        count(
            "deadline",
            session.execute(update(Deadline).where(or_(*owner)).values(owner_slack_id=None, owner_person_id=None)),
        )
    # A stored request of theirs is dropped, not rewritten: run again it would act for someone else.
    for found in list(naming_rows(session, subject)):
        if found.table.name == AckedWork.__tablename__ and "request" in found.naming:
            values: dict[str, Any] = {"request": None}
            if found.values["status"] == acked_work.PENDING:
                values |= {"status": acked_work.FAILED, "lease_until": None, "finished_at": now, "last_error": REASON}
            session.execute(update(AckedWork).where(AckedWork.id == found.key[0]).values(**values))
            rows["acked_work"] += 1


def _is_person_key(table: Table, name: str) -> bool:
    return any(fk.column.table.name == "person" for fk in table.c[name].foreign_keys)


def _scrubbed(table: Table, name: str, value: object, subject: Subject, pseudonym: str) -> object:
    """``value`` with every mention of the subject replaced: ids by the erased token, names by the pseudonym."""
    column = table.c[name]
    if isinstance(value, str):
        length = getattr(column.type, "length", None) if isinstance(column.type, String) else None
        short = length is not None and length <= 64
        return _text(value, subject, pseudonym, short)[: length or None]
    if isinstance(column.type, JSON) or value is not None:
        return _json(value, subject, pseudonym)
    return value


def _text(value: str, subject: Subject, pseudonym: str, short: bool) -> str:
    if subject.slack_id:
        # A Slack mention, with or without the label Slack adds: the whole mention becomes the pseudonym.
        value = re.sub(rf"<@{re.escape(subject.slack_id)}(\|[^>]*)?>", pseudonym, value)
    if subject.email:
        value = re.sub(rf"<mailto:{re.escape(subject.email)}(\|[^>]*)?>", pseudonym, value, flags=re.IGNORECASE)
    for marker in subject.markers():
        is_id = marker in (subject.slack_id, subject.address) or (short and marker == subject.email)
        value = pattern(marker).sub(subject.token(marker) if is_id else pseudonym, value)
    return value


def _json(value: object, subject: Subject, pseudonym: str) -> object:
    if isinstance(value, str):
        return _text(value, subject, pseudonym, short=len(value) <= 64)
    if isinstance(value, dict):
        return {_json(key, subject, pseudonym): _json(item, subject, pseudonym) for key, item in value.items()}
    if isinstance(value, list):
        return [_json(item, subject, pseudonym) for item in value]
    return value


def describe(erasure: Erasure) -> str:
    """One line for the operator: what was erased, or that nothing was left to erase."""
    if erasure.already_erased:
        return f"person:{erasure.person_id} was erased before; nothing changed"
    rows = ", ".join(f"{table} {count}" for table, count in sorted(erasure.rows.items())) or "no rows"
    who = f"person:{erasure.person_id}" if erasure.person_id is not None else "the Slack user"
    return f"{who} erased ({REASON}): {rows}"
