"""People reached by email, made directly (the contacts.csv ``email``/``route`` columns and ``/covenant link …
email`` are another part's): a company contact, a group member, or a demo person given an address."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.engine import SessionFactory
from bot.db.enums import ContactRoute, RoleKind
from bot.db.models import Covenant, Organisation, Person, Role, WorkingGroup, WorkingGroupMember


def email_contact(
    session_factory: SessionFactory,
    *,
    name: str,
    email: str,
    organisation: str = "Windkracht",
    covenant: str = "hernieuwbare-energie",
    route: ContactRoute = ContactRoute.EMAIL,
    language: str | None = None,
    timezone: str | None = None,
    slack_user_id: str | None = None,
    group: str | None = None,
    role: RoleKind = RoleKind.COMPANY_CONTACT,
) -> int:
    """A company contact (or ``role``) of ``organisation`` in ``covenant`` without Slack (by default), reached by
    email; with ``group`` also a member of that working group. Returns the person's id."""
    with session_factory() as session:
        company = session.scalar(select(Organisation).where(Organisation.name.like(f"{organisation}%")))
        found = session.scalar(select(Covenant).where(Covenant.slug == covenant))
        assert company is not None and found is not None
        person = Person(
            name=name,
            email=email.lower(),
            route=route,
            language=language,
            timezone=timezone,
            slack_user_id=slack_user_id,
            organisation_id=company.id,
        )
        session.add(person)
        session.flush()
        session.add(Role(person_id=person.id, covenant_id=found.id, kind=role))
        if group is not None:
            working_group = session.scalar(select(WorkingGroup).where(WorkingGroup.name == group))
            assert working_group is not None
            session.add(WorkingGroupMember(group_id=working_group.id, person_id=person.id))
        session.commit()
        return person.id


def give_email(session_factory: SessionFactory, slack_user_id: str, email: str, route: ContactRoute) -> int:
    """Give a demo person (by Slack id) an email address and a route; returns their id."""
    with session_factory() as session:
        person = session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))
        assert person is not None
        person.email, person.route = email.lower(), route
        session.commit()
        return person.id
