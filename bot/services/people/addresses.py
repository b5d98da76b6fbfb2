"""How the bot addresses a person: by Slack user id, or, for someone without one, as ``person:<id>``.

Wherever a Slack user id is expected (a delivery's recipient, a deadline's owner, a viewer) a person without
Slack is named by their address instead; the delivery engine sends to such an address by email.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.enums import ContactRoute
from bot.db.models import Person, WorkingGroupMember

PERSON_PREFIX = "person:"


def address_of(person: Person) -> str:
    """The person's Slack user id, else ``person:<id>``."""
    return person.slack_user_id or f"{PERSON_PREFIX}{person.id}"


def is_person_address(address: str) -> bool:
    """True for ``person:<id>`` (a person reached without Slack)."""
    return address.startswith(PERSON_PREFIX)


def person_id_of(address: str) -> int | None:
    """The id in ``person:<id>``; None for anything else (a Slack id, a malformed address)."""
    digits = address.removeprefix(PERSON_PREFIX) if is_person_address(address) else ""
    return int(digits) if digits.isdigit() and len(digits) < 12 else None


def person_at(session: Session, address: str) -> Person | None:
    """The person an address names: by ``person:<id>``, else by Slack user id."""
    person_id = person_id_of(address)
    if person_id is not None:
        return session.get(Person, person_id)
    if is_person_address(address):
        return None
    return session.scalar(select(Person).where(Person.slack_user_id == address))


def reached_by_email(slack_user_id: str | None, email: str | None, route: ContactRoute) -> bool:
    """True for route email or both, or no Slack id but an address (the columns of :func:`reaches_by_email`)."""
    if route in (ContactRoute.EMAIL, ContactRoute.BOTH):
        return True
    return slack_user_id is None and email is not None


def email_only(slack_user_id: str | None, email: str | None, route: ContactRoute) -> bool:
    """Reached by email and not by Slack: reads no channel."""
    return reached_by_email(slack_user_id, email, route) and (slack_user_id is None or route == ContactRoute.EMAIL)


def reaches_by_email(person: Person) -> bool:
    """True when the person is to be reached by email: route email or both, or no Slack id but an address."""
    return reached_by_email(person.slack_user_id, person.email, person.route)


def routes_of(person: Person) -> list[str]:
    """Every address a message to the person goes to, each its own delivery: the Slack id (route slack or
    both), ``person:<id>`` (route email or both, or no Slack id but an email address); empty when neither."""
    found: list[str] = []
    if person.slack_user_id and person.route != ContactRoute.EMAIL:
        found.append(person.slack_user_id)
    if reaches_by_email(person):
        found.append(f"{PERSON_PREFIX}{person.id}")
    return found


def members_by_email(session: Session, group_ids: set[int]) -> dict[int, list[str]]:
    """Per working group, the addresses (``person:<id>``) of its members reached by email (who read no channel)."""
    if not group_ids:
        return {}
    rows = session.execute(
        select(WorkingGroupMember.group_id, Person)
        .join(Person, WorkingGroupMember.person_id == Person.id)
        .where(WorkingGroupMember.group_id.in_(sorted(group_ids)), Person.email.is_not(None))
        .order_by(Person.id)
    ).all()
    found: dict[int, list[str]] = {}
    for group_id, person in rows:
        if reaches_by_email(person):
            found.setdefault(group_id, []).append(f"{PERSON_PREFIX}{person.id}")
    return found
