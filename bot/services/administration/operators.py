"""What the operator does from the command line: make (and unmake) secretariat members.

A fresh installation has nobody who may run the secretariat's commands, and every Slack command that grants a
role needs the secretariat already: ``covenant-bot admin grant`` is the way in. Each change is audited with the
operator as actor, as a change in Slack is audited with its Slack user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import RoleKind
from bot.db.models import Covenant, Person, Role
from bot.services.administration import audit

OPERATOR = "operator (command line)"
# A Slack member id: U… (or W… on Enterprise Grid), upper-case letters and digits.
SLACK_ID = re.compile(r"^[UW][A-Z0-9]{6,20}$")


class OperatorError(Exception):
    """A grant or revoke that cannot be done, with the one line the operator reads."""


@dataclass(frozen=True)
class Member:
    """One secretariat member of one covenant."""

    covenant: Covenant
    person: Person


def _slack_id(value: str) -> str:
    if not SLACK_ID.match(value):
        raise OperatorError(f"{value!r} is not a Slack member id (U… or W…, as in the profile's 'Copy member ID')")
    return value


def grant(session: Session, slack_user_id: str, covenant: Covenant, now: datetime, name: str | None = None) -> bool:
    """Make the person with ``slack_user_id`` a secretariat member of ``covenant`` (committed); False when they
    were one already. A person the bot does not know yet needs a ``name``."""
    slack_user_id = _slack_id(slack_user_id)
    person = session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))
    if person is None:
        if not (name and name.strip()):
            raise OperatorError(f"nobody has Slack id {slack_user_id} yet: give their name with --name")
        person = Person(slack_user_id=slack_user_id, name=name.strip())
        session.add(person)
        session.flush()
    exists = session.scalar(
        select(Role.id).where(
            Role.person_id == person.id, Role.covenant_id == covenant.id, Role.kind == RoleKind.SECRETARIAT
        )
    )
    if exists is not None:
        session.rollback()
        return False
    session.add(Role(person_id=person.id, covenant_id=covenant.id, kind=RoleKind.SECRETARIAT))
    audit.record(
        session,
        at=now,
        actor=OPERATOR,
        action="person.grant_secretariat",
        entity="person",
        entity_id=person.id,
        detail={"covenant": covenant.slug},
    )
    session.commit()
    return True


def revoke(session: Session, slack_user_id: str, covenant: Covenant, now: datetime) -> bool:
    """Take the secretariat role in ``covenant`` from this person (committed); False when they had none."""
    slack_user_id = _slack_id(slack_user_id)
    role = session.scalar(
        select(Role)
        .join(Person, Person.id == Role.person_id)
        .where(
            Person.slack_user_id == slack_user_id, Role.covenant_id == covenant.id, Role.kind == RoleKind.SECRETARIAT
        )
    )
    if role is None:
        return False
    session.delete(role)
    audit.record(
        session,
        at=now,
        actor=OPERATOR,
        action="person.revoke_secretariat",
        entity="person",
        entity_id=role.person_id,
        detail={"covenant": covenant.slug},
    )
    session.commit()
    return True


def members(session: Session, covenant: Covenant | None = None) -> list[Member]:
    """The secretariat members of every covenant (or of one), by covenant then name."""
    query = (
        select(Role)
        .options(selectinload(Role.person), selectinload(Role.covenant))
        .join(Covenant, Covenant.id == Role.covenant_id)
        .join(Person, Person.id == Role.person_id)
        .where(Role.kind == RoleKind.SECRETARIAT)
        .order_by(Covenant.slug, Person.name)
    )
    if covenant is not None:
        query = query.where(Role.covenant_id == covenant.id)
    return [Member(role.covenant, role.person) for role in session.scalars(query)]
