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

from bot.db.enums import ContactRoute, RoleKind
from bot.db.models import Covenant, Person, Role
from bot.parsing.emails import email_address, looks_like_email
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


def _email(value: str) -> str:
    address = email_address(value)
    if address is None:
        raise OperatorError(f"{value!r} is not an email address (write it as name@organisation.nl)")
    return address


def _find(session: Session, who: str) -> Person | None:
    """The person named by a Slack member id or an email address (checked: OperatorError when neither)."""
    if looks_like_email(who):
        return session.scalar(select(Person).where(Person.email == _email(who)))
    return session.scalar(select(Person).where(Person.slack_user_id == _slack_id(who)))


def _new_person(who: str, name: str | None) -> Person:
    """A person the bot does not know yet: by Slack id (a name is needed), or email-only (the address names them
    until a name is given; they are linked to their Slack user when they first use the bot)."""
    if looks_like_email(who):
        address = _email(who)
        return Person(email=address, name=(name or "").strip() or address, route=ContactRoute.EMAIL)
    if not (name and name.strip()):
        raise OperatorError(f"nobody has Slack id {who} yet: give their name with --name")
    return Person(slack_user_id=who, name=name.strip())


def grant(session: Session, who: str, covenant: Covenant, now: datetime, name: str | None = None) -> bool:
    """Make the person with Slack id or email ``who`` a secretariat member of ``covenant`` (committed); False when
    they were one already. A Slack id the bot does not know yet needs a ``name``; an unknown email address makes
    an email-only person."""
    who = who.strip()
    person = _find(session, who)
    created = person is None
    if person is None:
        person = _new_person(who, name)
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
    detail: dict[str, object] = {"covenant": covenant.slug}
    if created:
        detail["created"] = True
    audit.record(
        session,
        at=now,
        actor=OPERATOR,
        action="person.grant_secretariat",
        entity="person",
        entity_id=person.id,
        detail=detail,
    )
    session.commit()
    return True


def revoke(session: Session, who: str, covenant: Covenant, now: datetime) -> bool:
    """Take the secretariat role in ``covenant`` from the person with Slack id or email ``who`` (committed); False
    when they had none."""
    person = _find(session, who.strip())
    role = (
        None
        if person is None
        else session.scalar(
            select(Role).where(
                Role.person_id == person.id, Role.covenant_id == covenant.id, Role.kind == RoleKind.SECRETARIAT
            )
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
