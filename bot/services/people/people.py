"""People and their Slack profiles (time zone, locale) cached from users.info."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.enums import ContactRoute, RoleKind
from bot.db.models import Covenant, Person, Role, SlackProfile, WorkingGroup
from bot.services import locking
from bot.services.administration import audit
from bot.services.errors import UsageError
from bot.services.people import addresses

PROFILE_MAX_AGE = timedelta(hours=24)


@dataclass(frozen=True)
class Profile:
    """What Slack says about a user: the parts the bot needs."""

    slack_user_id: str
    real_name: str | None
    tz: str | None
    locale: str | None


def cached_profile(session: Session, slack_user_id: str, now: datetime) -> Profile | None:
    """The stored profile when it is fresh enough, else None (the caller asks Slack)."""
    row = session.get(SlackProfile, slack_user_id)
    if row is None or now - row.fetched_at > PROFILE_MAX_AGE:
        return None
    return Profile(row.slack_user_id, row.real_name, row.tz, row.locale)


def stale_profile(session: Session, slack_user_id: str) -> Profile | None:
    """Whatever profile is stored, however old (used when Slack cannot be asked)."""
    row = session.get(SlackProfile, slack_user_id)
    return None if row is None else Profile(row.slack_user_id, row.real_name, row.tz, row.locale)


def store_profile(session: Session, profile: Profile, now: datetime) -> None:
    """Insert or refresh the cached profile."""
    row = session.get(SlackProfile, profile.slack_user_id)
    if row is None:
        row = SlackProfile(slack_user_id=profile.slack_user_id, fetched_at=now)
        session.add(row)
    row.real_name, row.tz, row.locale, row.fetched_at = profile.real_name, profile.tz, profile.locale, now
    try:
        session.commit()
    except IntegrityError:
        # Two requests of a user the bot had not met yet, at once: the other one cached the same profile.
        session.rollback()


def person_by_slack_id(session: Session, slack_user_id: str) -> Person | None:
    """The person linked to a Slack user, if any."""
    return session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))


def language_of(session: Session, slack_id: str, default: str) -> str:
    """The language to write to a user in (their choice, else their Slack locale; for ``person:<id>``, someone
    reached by email, their choice else ``default``); a channel gets its
    audience's language: a working group's channel the group's (else its covenant's), a secretariat channel
    the covenant's; other channels ``default``."""
    from bot.i18n import language_for

    if addresses.is_person_address(slack_id):
        person = addresses.person_at(session, slack_id)
        return (person.language if person is not None else None) or default
    if not slack_id.startswith(("U", "W")):
        return channel_language(session, slack_id, default)
    person = person_by_slack_id(session, slack_id)
    if person is not None and person.language:
        return person.language
    profile = session.get(SlackProfile, slack_id)
    return language_for(profile.locale if profile else None, default)


def channel_language(session: Session, channel: str, default: str) -> str:
    """The language of the bot's messages in ``channel``: its working group's, else its covenant's (a group's
    covenant, or the covenant whose secretariat channel it is), else ``default``."""
    group = session.scalar(select(WorkingGroup).where(WorkingGroup.channel_id == channel))
    if group is not None:
        return group.language or group.covenant.language or default
    covenant_language = session.scalar(
        select(Covenant.language).where(Covenant.secretariat_channel == channel, Covenant.language.is_not(None))
    )
    return covenant_language or default


def ensure_person(session: Session, slack_user_id: str, name_hint: str | None = None) -> tuple[Person, bool]:
    """The person for a Slack user, created (unlinked: no organisation, no roles) when the bot has none yet.

    The new person's name comes from the cached Slack profile, else ``name_hint``, else the user id.
    Returns the person and whether it was created (flushed, not committed).
    """
    locking.serialise(session, "person", slack_user_id)  # two requests at once create one person
    person = person_by_slack_id(session, slack_user_id)
    if person is not None:
        return person, False
    profile = stale_profile(session, slack_user_id)
    name = (profile.real_name if profile else None) or name_hint or slack_user_id
    person = Person(slack_user_id=slack_user_id, name=name[:200])
    session.add(person)
    session.flush()
    return person, True


def set_language(session: Session, slack_user_id: str, language: str | None, now: datetime) -> Person:
    """Store the language a user chose (``None``: follow the Slack locale again), audited and committed.

    A Slack user the bot does not know yet gets an unlinked person row to hold the choice: it grants
    nothing (no organisation, no roles), and ``/covenant link`` later completes that same row.
    """
    person, created = ensure_person(session, slack_user_id)
    before = person.language
    person.language = language
    audit.record(
        session,
        at=now,
        actor=slack_user_id,
        action="person.language",
        entity="person",
        entity_id=person.id,
        detail={"from": before, "to": language, "created": created},
    )
    session.commit()
    return person


def set_route(session: Session, slack_user_id: str, route: ContactRoute, now: datetime) -> ContactRoute:
    """Store how a user wants to be reached (audited, committed); returns the route they had.

    ``email`` and ``both`` need a stored address: refused (UsageError ``account.route_needs_email``), nothing
    written. Choosing ``slack`` as someone the bot does not know yet keeps the choice on an unlinked person row.
    """
    known = person_by_slack_id(session, slack_user_id)
    if route != ContactRoute.SLACK and (known is None or not known.email):
        raise UsageError("account.route_needs_email")
    person, created = ensure_person(session, slack_user_id)
    before = person.route
    if before == route and not created:
        session.rollback()
        return before
    person.route = route
    audit.record(
        session,
        at=now,
        actor=slack_user_id,
        action="person.route",
        entity="person",
        entity_id=person.id,
        detail={"from": before.value if before else None, "to": route.value, "created": created},
    )
    session.commit()
    return before


def route_of(session: Session, slack_user_id: str) -> ContactRoute:
    """How the user is reached now (Slack for someone the bot has no row for)."""
    person = person_by_slack_id(session, slack_user_id)
    return person.route if person is not None else ContactRoute.SLACK


def secretariat_people(session: Session, covenant_ids: list[int]) -> dict[int, list[Person]]:
    """Per covenant, the people holding its secretariat role (by name)."""
    found: dict[int, list[Person]] = {covenant_id: [] for covenant_id in covenant_ids}
    if not covenant_ids:
        return found
    rows = session.execute(
        select(Role.covenant_id, Person)
        .join(Person, Role.person_id == Person.id)
        .where(Role.kind == RoleKind.SECRETARIAT, Role.covenant_id.in_(covenant_ids))
        .order_by(Person.name)
    ).all()
    for covenant_id, person in rows:
        found[covenant_id].append(person)
    return found


def delivery_language(session: Session, recipient: str, covenant_id: int | None, default: str) -> str:
    """The language of a message to ``recipient``: as :func:`language_of`, where a person reached by email who
    chose none gets their covenant's language, else ``default``."""
    if addresses.is_person_address(recipient) and covenant_id is not None:
        covenant = session.get(Covenant, covenant_id)
        if covenant is not None and covenant.language:
            default = covenant.language
    return language_of(session, recipient, default)
