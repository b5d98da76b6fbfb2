"""Changes the secretariat makes from Slack: link and unlink people, record joining and leaving, set a covenant's
phase, register organisations.

Each function checks permission and every precondition first, then writes, adds its audit row and commits:
a refused or impossible change writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.enums import ContactRoute, CovenantPhase, DeadlineStatus, OrganisationKind, ParticipationType, RoleKind
from bot.db.models import (
    Covenant,
    Deadline,
    Organisation,
    Participation,
    Person,
    Role,
    WorkingGroup,
    WorkingGroupMember,
)
from bot.parsing.text import normalise
from bot.services import locking
from bot.services.administration import audit
from bot.services.covenants.organisations import short_name
from bot.services.errors import UsageError
from bot.services.people import email_links, people
from bot.services.people.access import Viewer
from bot.services.people.addresses import address_of
from bot.services.plans import deadlines


def _require_secretariat(actor: Viewer, covenant: Covenant) -> None:
    if not actor.may_administer(covenant.id):
        raise UsageError("admin.not_secretariat", covenant=covenant.name(actor.language))


def _current_participation(session: Session, organisation: Organisation, covenant: Covenant) -> Participation | None:
    return session.scalar(
        select(Participation).where(
            Participation.organisation_id == organisation.id,
            Participation.covenant_id == covenant.id,
            Participation.left_on.is_(None),
        )
    )


@dataclass(frozen=True)
class LinkResult:
    """What ``link`` did: the person, their organisation, the role granted in which covenants."""

    person: Person
    organisation: Organisation
    role: RoleKind
    covenants: list[Covenant]
    created: bool
    dropped: list[str]
    changed: bool


def default_role(organisation: Organisation) -> RoleKind:
    """Company contact for a company, secretariat for a secretariat, member for anyone else."""
    if organisation.kind == OrganisationKind.COMPANY:
        return RoleKind.COMPANY_CONTACT
    if organisation.kind == OrganisationKind.SECRETARIAT:
        return RoleKind.SECRETARIAT
    return RoleKind.MEMBER


def link(
    session: Session,
    actor: Viewer,
    *,
    slack_user_id: str | None,
    name_hint: str | None,
    organisation: Organisation,
    role: RoleKind | None,
    covenant: Covenant | None,
    now: datetime,
    email: str | None = None,
) -> LinkResult:
    """Link a Slack user (or, without ``slack_user_id``, the person with ``email``: someone without Slack) to
    ``organisation`` with ``role`` in ``covenant`` (default: every covenant the organisation takes part in that
    ``actor`` runs), storing ``email`` as their address. Moving someone to another organisation drops the company
    contact roles they held for the old one."""
    if slack_user_id is None and email is None:
        raise UsageError("admin.link.no_user")
    role = role or default_role(organisation)
    if role == RoleKind.COMPANY_CONTACT and organisation.kind != OrganisationKind.COMPANY:
        raise UsageError("admin.link.contact_needs_company", organisation=organisation.name)
    if covenant is not None:
        targets = [covenant]
    else:
        taking_part = list(
            session.scalars(
                select(Covenant)
                .join(Participation, Participation.covenant_id == Covenant.id)
                .where(Participation.organisation_id == organisation.id, Participation.left_on.is_(None))
                .order_by(Covenant.slug)
            )
        )
        if not taking_part:
            raise UsageError("admin.link.which_covenant", organisation=organisation.name)
        targets = [c for c in taking_part if actor.may_administer(c.id)] or taking_part[:1]
    for target in targets:
        _require_secretariat(actor, target)
        if role == RoleKind.COMPANY_CONTACT and _current_participation(session, organisation, target) is None:
            raise UsageError(
                "admin.link.not_participating", organisation=organisation.name, covenant=target.name(actor.language)
            )
    # Two links of the same person at once take turns: the second sees the first's person and roles.
    locking.serialise(session, "person", slack_user_id or f"email:{email}")
    existing = _person_to_link(session, slack_user_id, email)
    dropped: list[Role] = []
    if existing is not None and existing.organisation_id not in (None, organisation.id):
        dropped = [r for r in existing.roles if r.kind == RoleKind.COMPANY_CONTACT]
        for old in dropped:
            if not actor.may_administer(old.covenant_id):
                raise UsageError("admin.link.moving_elsewhere", name=existing.name)
    # Everything is checked: write.
    slack_attached = slack_user_id is not None and existing is not None and existing.slack_user_id is None
    person, created = _ensure_linked_person(session, existing, slack_user_id, email, name_hint)
    changed = created or slack_attached or person.organisation_id != organisation.id
    email_set = email is not None and (created or person.email != email)
    if email_set:
        person.email = email
        changed = True
    dropped_slugs = [r.covenant.slug for r in dropped]
    for old in dropped:
        person.roles.remove(old)
    # Delete the old roles before inserting new ones: the same (covenant, kind) may come back for the new company.
    session.flush()
    person.organisation_id = organisation.id
    held = {(r.covenant_id, r.kind) for r in person.roles}
    for target in targets:
        if (target.id, role) not in held:
            person.roles.append(Role(covenant_id=target.id, kind=role))
            changed = True
    if not changed:  # already linked so (perhaps a moment ago, by someone else): nothing to record
        session.commit()
        return LinkResult(person, organisation, role, targets, created, dropped_slugs, changed)
    audit.record(
        session,
        at=now,
        actor=actor.slack_user_id,
        action="person.link",
        entity="person",
        entity_id=person.id,
        detail={
            "slack_user_id": person.slack_user_id,
            "person": address_of(person),
            "email_set": email_set,
            "organisation": organisation.name,
            "role": role.value,
            "covenants": [c.slug for c in targets],
            "created": created,
            "dropped_company_contact_roles": dropped_slugs,
        },
    )
    session.commit()
    return LinkResult(person, organisation, role, targets, created, dropped_slugs, changed)


def _person_to_link(session: Session, slack_user_id: str | None, email: str | None) -> Person | None:
    """The person a link is about: by Slack id, else by email. The address must not be someone else's: a person
    with another Slack id, or (for a Slack user who has a row of their own) any other person."""
    existing = people.person_by_slack_id(session, slack_user_id) if slack_user_id else None
    holder = session.scalar(select(Person).where(Person.email == email)) if email else None
    if holder is None or holder is existing:
        return existing
    if holder.slack_user_id is not None or (
        existing is not None and not email_links.is_unlinked_placeholder(session, existing)
    ):
        raise UsageError("admin.link.email_taken", email=email)
    if existing is not None:  # only a language choice so far: it goes into the contact known by email
        email_links.absorb_unlinked(session, existing, holder)
    return holder  # known by this email only so far: this Slack user is that person


def _ensure_linked_person(
    session: Session, existing: Person | None, slack_user_id: str | None, email: str | None, name_hint: str | None
) -> tuple[Person, bool]:
    """The person to link, created when new: a Slack user's row (unlinked until now), or an email-only person
    named by ``name_hint`` or their address. Returns it and whether it was created (flushed, not committed)."""
    if existing is not None:
        if slack_user_id is not None and existing.slack_user_id is None:
            existing.slack_user_id = slack_user_id
        return existing, False
    if slack_user_id is not None:
        return people.ensure_person(session, slack_user_id, name_hint)
    assert email is not None
    person = Person(email=email, name=(name_hint or email)[:200], route=ContactRoute.EMAIL)
    session.add(person)
    session.flush()
    return person, True


def join(
    session: Session, actor: Viewer, organisation: Organisation, covenant: Covenant, joined_on: date, now: datetime
) -> Participation:
    """Record that ``organisation`` joined ``covenant`` on ``joined_on`` (a company adheres; others are parties)."""
    _require_secretariat(actor, covenant)
    # Two joins of the same organisation at once take turns: the second finds the first's participation.
    locking.serialise(session, "participation", organisation.id, covenant.id)
    current = _current_participation(session, organisation, covenant)
    if current is not None:
        raise UsageError("admin.join.already", organisation=organisation.name, covenant=covenant.name(actor.language))
    clash = session.scalar(
        select(Participation.id).where(
            Participation.organisation_id == organisation.id,
            Participation.covenant_id == covenant.id,
            Participation.joined_on == joined_on,
        )
    )
    if clash is not None:
        raise UsageError("admin.join.same_day", organisation=organisation.name)
    kind = (
        ParticipationType.ADHERING_COMPANY if organisation.kind == OrganisationKind.COMPANY else ParticipationType.PARTY
    )
    participation = Participation(
        organisation_id=organisation.id, covenant_id=covenant.id, type=kind, joined_on=joined_on
    )
    try:
        with session.begin_nested():
            session.add(participation)
            session.flush()
    except IntegrityError:
        # The same join written a moment ago by a writer that did not take turns (e.g. an import): not an error.
        if _current_participation(session, organisation, covenant) is None:
            raise
        raise UsageError(
            "admin.join.already", organisation=organisation.name, covenant=covenant.name(actor.language)
        ) from None
    audit.record(
        session,
        at=now,
        actor=actor.slack_user_id,
        action="participation.join",
        entity="participation",
        entity_id=participation.id,
        detail={"organisation": organisation.name, "covenant": covenant.slug, "joined_on": joined_on.isoformat()},
    )
    session.commit()
    return participation


def leave(
    session: Session,
    actor: Viewer,
    organisation: Organisation,
    covenant: Covenant,
    left_on: date,
    reason: str | None,
    now: datetime,
) -> Participation:
    """Record that ``organisation`` left ``covenant`` on ``left_on``, and why (public information)."""
    _require_secretariat(actor, covenant)
    locking.serialise(session, "participation", organisation.id, covenant.id)
    current = _current_participation(session, organisation, covenant)
    if current is None:
        raise UsageError(
            "admin.leave.not_participating", organisation=organisation.name, covenant=covenant.name(actor.language)
        )
    if current.joined_on is not None and left_on < current.joined_on:
        raise UsageError("admin.leave.before_join", joined=current.joined_on.isoformat())
    current.left_on = left_on
    current.left_reason = reason or None
    audit.record(
        session,
        at=now,
        actor=actor.slack_user_id,
        action="participation.leave",
        entity="participation",
        entity_id=current.id,
        detail={
            "organisation": organisation.name,
            "covenant": covenant.slug,
            "left_on": left_on.isoformat(),
            "reason": reason,
        },
    )
    session.commit()
    return current


def set_phase(
    session: Session, actor: Viewer, covenant: Covenant, phase: CovenantPhase, now: datetime
) -> CovenantPhase:
    """Move ``covenant`` to ``phase``; returns the phase it was in (equal to ``phase`` when nothing changed)."""
    _require_secretariat(actor, covenant)
    locking.serialise(session, "covenant", covenant.id)
    session.refresh(covenant)  # the phase as it is now, after anyone changing it at the same moment
    before = covenant.phase
    if before == phase:
        return before
    covenant.phase = phase
    audit.record(
        session,
        at=now,
        actor=actor.slack_user_id,
        action="covenant.phase",
        entity="covenant",
        entity_id=covenant.id,
        detail={"covenant": covenant.slug, "from": before.value, "to": phase.value},
    )
    session.commit()
    return before


def set_language(session: Session, actor: Viewer, covenant: Covenant, language: str, now: datetime) -> str | None:
    """Choose the language of the bot's messages in the covenant's secretariat channel (``nl``/``en``); returns
    the language before (None: the bot's default). UsageError for another language, nothing written."""
    _require_secretariat(actor, covenant)
    if language not in ("nl", "en"):
        raise UsageError("group.bad_language", language=language)
    locking.serialise(session, "covenant", covenant.id)
    session.refresh(covenant)  # the language as it is now, after anyone changing it at the same moment
    before = covenant.language
    if before == language:
        return before
    covenant.language = language
    audit.record(
        session,
        at=now,
        actor=actor.slack_user_id,
        action="covenant.language",
        entity="covenant",
        entity_id=covenant.id,
        detail={"covenant": covenant.slug, "from": before, "to": language},
    )
    session.commit()
    return before


MAX_NAME = 200


def add_organisation(session: Session, actor: Viewer, name: str, kind: OrganisationKind, now: datetime) -> Organisation:
    """Register a new organisation; refused when one with the same name (ignoring case, accents, legal form and
    "(demo)") exists."""
    if not actor.may_add_organisations:
        raise UsageError("admin.not_any_secretariat")
    name = " ".join(name.split())
    if not name:
        raise UsageError("admin.usage.add_org")
    if len(name) > MAX_NAME:
        raise UsageError("admin.add_org.too_long", limit=MAX_NAME)
    locking.serialise(session, "organisation names")  # two adding the same name at once: one adds it
    wanted = {normalise(name), normalise(short_name(name))}
    for existing in session.scalars(select(Organisation)):
        if {normalise(existing.name), normalise(short_name(existing.name))} & wanted:
            raise UsageError("admin.add_org.exists", name=existing.name)
    organisation = Organisation(name=name, kind=kind, fictional=False)
    session.add(organisation)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor.slack_user_id,
        action="organisation.add",
        entity="organisation",
        entity_id=organisation.id,
        detail={"name": name, "kind": kind.value},
    )
    session.commit()
    return organisation


@dataclass(frozen=True)
class UnlinkResult:
    """What ``unlink`` did: whose roles went in which covenants, the groups they left, and the organisations left
    without a contact there (their deadlines' reminders go to the secretariat as a no-contact notice)."""

    person: Person
    covenants: list[Covenant]
    groups: list[str]
    uncontacted: list[str]


def unlink(
    session: Session,
    actor: Viewer,
    *,
    covenant: Covenant | None,
    now: datetime,
    slack_user_id: str | None = None,
    email: str | None = None,
) -> UnlinkResult:
    """Offboard a person from ``covenant`` (default: every covenant ``actor`` runs where they hold a role): their
    roles there go, and their places in its working groups. The reminders of their company's deadlines are
    planned again, so the remaining contacts get them, or the secretariat is told that nobody is left; a reminder
    already planned for them is dropped when it comes due (:mod:`bot.delivery.families.deadlines`)."""
    # A person is named by their Slack id, or (someone without Slack) by their email address.
    shown = f"<@{slack_user_id}>" if slack_user_id else (email or "?")
    found = session.scalar(select(Person).where(Person.email == email)) if email else None
    slack_user_id = slack_user_id or (found.slack_user_id if found else None) or ""
    # Two offboardings (or a link) of the same person at once take turns: the second reads the first's roles.
    locking.serialise(session, "person", slack_user_id or f"email:{email}")
    person = people.person_by_slack_id(session, slack_user_id) if slack_user_id else found
    if person is None:
        raise UsageError("admin.unlink.unknown", user=shown)
    held = sorted({role.covenant_id for role in person.roles})
    if covenant is not None:
        _require_secretariat(actor, covenant)
        targets = [covenant] if covenant.id in held else []
    else:
        targets = [c for c in (session.get(Covenant, i) for i in held) if c is not None and actor.may_administer(c.id)]
    if not targets:
        raise UsageError("admin.unlink.nothing", user=shown)
    ids = {c.id for c in targets}
    was_contact = {r.covenant_id for r in person.roles if r.kind == RoleKind.COMPANY_CONTACT and r.covenant_id in ids}
    for role in [r for r in person.roles if r.covenant_id in ids]:
        person.roles.remove(role)
    memberships = session.scalars(
        select(WorkingGroupMember)
        .join(WorkingGroup, WorkingGroup.id == WorkingGroupMember.group_id)
        .where(WorkingGroupMember.person_id == person.id, WorkingGroup.covenant_id.in_(ids))
    ).all()
    groups = sorted(m.group.name for m in memberships)
    for membership in memberships:
        session.delete(membership)
    session.flush()
    owned = or_(
        Deadline.owner_person_id == person.id, *([Deadline.owner_slack_id == slack_user_id] if slack_user_id else [])
    )
    theirs = [owned]
    if person.organisation_id is not None and was_contact:
        theirs.append(and_(Deadline.organisation_id == person.organisation_id, Deadline.covenant_id.in_(was_contact)))
    for deadline in session.scalars(
        select(Deadline).where(Deadline.status == DeadlineStatus.OPEN, Deadline.covenant_id.in_(ids), or_(*theirs))
    ):
        deadlines.needs_planning(deadline)
    uncontacted = [
        c.slug
        for c in targets
        if c.id in was_contact
        and person.organisation_id is not None
        and not deadlines.company_contacts(session, person.organisation_id, c.id)
    ]
    audit.record(
        session,
        at=now,
        actor=actor.slack_user_id,
        action="person.unlink",
        entity="person",
        entity_id=person.id,
        detail={
            "slack_user_id": slack_user_id or None,
            "covenants": [c.slug for c in targets],
            "groups": groups,
            **({"email": person.email} if person.email else {}),
        },
    )
    session.commit()
    return UnlinkResult(person, targets, groups, uncontacted)
