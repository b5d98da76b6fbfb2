"""Linking a Slack user to a contact the bot knows only by email (imported, linked or granted without a Slack id).

Two ways find the match, both outside any ack: the first time an unknown Slack user uses the bot, users.info
gives their profile's email (with the ``users:read.email`` scope); and the scheduler's directory job asks
users.lookupByEmail for contacts that have an email but no Slack id yet. Either way the rule is the same:

- only a person with that email and **no** Slack id is linked; a person who already has another Slack id never
  is (their address is someone else's now, or it was shared);
- a Slack user who already has a person row of their own is not linked to a second one, unless that row only
  holds a language choice (no organisation, roles, groups or email: what ``/covenant lang`` leaves for someone
  the bot did not know): then it is merged into the contact (:func:`absorb_unlinked`);
- the route stays what it was: an email-only contact keeps ``email`` until they choose
  ``/covenant route slack`` (or an import says so), because someone who asked for email may not read Slack.

Each link is audited as ``person.linked_by_email``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.db.models import Base, Person, WorkingGroupMember
from bot.parsing.emails import email_address
from bot.services import locking
from bot.services.administration import audit
from bot.services.people.people import person_by_slack_id

FIRST_USE = "first_use"
LOOKUP = "users.lookupByEmail"


def link_by_email(session: Session, slack_user_id: str, email: str | None, now: datetime, *, via: str) -> Person | None:
    """Give the email-only person with ``email`` this Slack id (committed); None when nobody may be linked."""
    address = email_address(email or "")
    if address is None:
        return None
    locking.serialise(session, "person", slack_user_id)
    person = session.scalar(select(Person).where(Person.email == address))
    if person is None or person.slack_user_id is not None:
        session.rollback()
        return None
    own = person_by_slack_id(session, slack_user_id)
    if own is not None and not absorb_unlinked(session, own, person):
        session.rollback()
        return None
    person.slack_user_id = slack_user_id
    audit.record(
        session,
        at=now,
        actor=via if via == FIRST_USE else "directory",
        action="person.linked_by_email",
        entity="person",
        entity_id=person.id,
        detail={"slack_user_id": slack_user_id, "via": via},
    )
    session.commit()
    return person


def is_unlinked_placeholder(session: Session, person: Person) -> bool:
    """True for a row that holds nothing but a Slack id, a name and perhaps a language choice."""
    if person.organisation_id is not None or person.roles or person.email:
        return False
    memberships = select(func.count()).where(WorkingGroupMember.person_id == person.id)
    return not session.scalar(memberships)


def absorb_unlinked(session: Session, placeholder: Person, into: Person) -> bool:
    """Merge an unlinked placeholder row into ``into`` (flushed): its language choice (when ``into`` has none)
    and whatever points at it move over, and it is deleted, freeing its Slack id. False (nothing done) when the
    row holds more than a placeholder does."""
    if placeholder.id == into.id or not is_unlinked_placeholder(session, placeholder):
        return False
    into.language = into.language or placeholder.language
    person_id = Person.__table__.c.id
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if table.name != "role" and any(fk.column is person_id for fk in column.foreign_keys):
                session.execute(update(table).where(column == placeholder.id).values({column.name: into.id}))
    session.delete(placeholder)
    session.flush()
    return True


def awaiting_slack(session: Session, *, after: int = 0, limit: int = 20) -> list[tuple[int, str]]:
    """Up to ``limit`` people with an email and no Slack id, as (id, email) by id, past id ``after``."""
    query = (
        select(Person.id, Person.email)
        .where(Person.slack_user_id.is_(None), Person.email.is_not(None), Person.id > after)
        .order_by(Person.id)
        .limit(limit)
    )
    return [(person_id, email) for person_id, email in session.execute(query) if email]
