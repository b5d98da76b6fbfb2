"""Collective projects: creating them and recording their parties, milestones, updates and working group.

A project is a covenant row of kind PROJECT (so status, aliases, roles and groups work for it) plus a
:class:`Project` row. Its coordinators are the secretariat on that row and the parent covenant's secretariat;
a party organisation's people act on it as company contacts on the project's row.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import CovenantKind, CovenantPhase, DeadlineKind, DeadlineStatus, RoleKind
from bot.db.models import (
    Covenant,
    Deadline,
    Organisation,
    Person,
    Project,
    ProjectParty,
    ProjectUpdate,
    Role,
    WorkingGroup,
)
from bot.services.administration import audit
from bot.services.covenants import covenants
from bot.services.errors import UsageError
from bot.services.meetings import groups
from bot.services.meetings.occurrences import Occurrence
from bot.services.people.access import Viewer, meeting_filter
from bot.services.plans import deadlines

MAX_NAME = 200
MAX_ROLE = 200
MAX_TITLE = 300
MAX_UPDATE = 2000
LATEST_UPDATES = 3


@dataclass(frozen=True)
class PartyLine:
    """A party organisation with its role in the project (``role`` empty: none given)."""

    name: str
    role: str
    is_lead: bool


@dataclass(frozen=True)
class ProjectView:
    """What one viewer may see of a project: the public picture, plus parties-only updates when allowed."""

    project: Project
    covenant: Covenant
    parent: Covenant | None
    lead: str | None
    parties: list[PartyLine]
    milestones: list[Deadline]
    updates: list[ProjectUpdate]
    # Milestone notes by milestone id: empty unless the viewer may read parties-only text.
    notes: dict[int, str]
    internal_visible: bool
    group: WorkingGroup | None
    next_meeting: Occurrence | None


def slug_for(name: str) -> str:
    """A covenant slug for a project's name: lower-case ASCII words joined by hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:64].strip("-")


def of_covenant(session: Session, covenant_id: int) -> Project | None:
    """The project whose covenant row is ``covenant_id``, if that row is a project."""
    return session.scalar(
        select(Project).options(selectinload(Project.parties)).where(Project.covenant_id == covenant_id)
    )


def resolve(session: Session, name: str) -> Project:
    """The project meant by ``name`` (any of its row's names); UsageError ``project.not_a_project`` otherwise."""
    covenant = covenants.resolve(session, name)
    project = of_covenant(session, covenant.id) if covenant.kind == CovenantKind.PROJECT else None
    if project is None:
        raise UsageError("project.not_a_project", name=covenant.slug)
    return project


def party_ids(project: Project) -> frozenset[int]:
    return frozenset(party.organisation_id for party in project.parties)


def may_coordinate(viewer: Viewer, project: Project) -> bool:
    """Changes to a project: its coordinator or the parent covenant's secretariat."""
    return viewer.is_secretariat(project.covenant_id) or (
        project.parent_covenant_id is not None and viewer.is_secretariat(project.parent_covenant_id)
    )


def may_see_internal(viewer: Viewer, project: Project) -> bool:
    return viewer.may_see_project_internal(project.covenant_id, project.parent_covenant_id, party_ids(project))


def children(session: Session, parent_id: int | None) -> list[Project]:
    """The projects of a covenant (``None``: every project), by name."""
    query = select(Project).options(selectinload(Project.covenant), selectinload(Project.lead))
    if parent_id is not None:
        query = query.where(Project.parent_covenant_id == parent_id)
    return sorted(session.scalars(query), key=lambda p: p.covenant.name_nl.lower())


def create(
    session: Session, parent: Covenant, name: str, lead: Organisation | None, viewer: Viewer, now: datetime
) -> Project:
    """A new project under ``parent`` (its secretariat only); the creator becomes its coordinator."""
    if not viewer.is_secretariat(parent.id):
        raise UsageError("project.secretariat_only", covenant=parent.name(viewer.language))
    name = " ".join(name.split())
    slug = slug_for(name)
    if not slug or len(name) > MAX_NAME:
        raise UsageError("project.bad_name", limit=MAX_NAME)
    if session.scalar(select(Covenant.id).where(Covenant.slug == slug)) is not None or covenants.match_exact(
        session, name
    ):
        raise UsageError("project.exists", name=name)
    row = Covenant(
        slug=slug,
        kind=CovenantKind.PROJECT,
        name_nl=name,
        name_en=name,
        phase=CovenantPhase.IMPLEMENTING,
        timezone=parent.timezone,
        secretariat=parent.secretariat,
        facilitator=parent.facilitator,
        secretariat_channel=parent.secretariat_channel,
        language=parent.language,
    )
    session.add(row)
    session.flush()
    project = Project(covenant_id=row.id, parent_covenant_id=parent.id, lead_organisation_id=lead.id if lead else None)
    session.add(project)
    if viewer.person_id is not None:
        session.add(Role(person_id=viewer.person_id, covenant_id=row.id, kind=RoleKind.SECRETARIAT))
    session.flush()
    _audit(session, viewer, now, "project.created", project, {"slug": slug, "parent": parent.slug})
    if lead is not None:
        add_party(session, project, lead, "", viewer, now)
    return project


def add_party(
    session: Session, project: Project, organisation: Organisation, role: str, viewer: Viewer, now: datetime
) -> bool:
    """Record ``organisation`` as a party with ``role`` (or change its role); True when it is new.

    Its people who act for it in the parent covenant become its contacts on the project's row, so milestones it
    owns remind them and they read its parties-only updates.
    """
    _require_coordinator(viewer, project)
    role = " ".join(role.split())
    if len(role) > MAX_ROLE:
        raise UsageError("project.role_too_long", limit=MAX_ROLE)
    party = next((p for p in project.parties if p.organisation_id == organisation.id), None)
    if party is not None:
        previous, party.role = party.role, role
        _audit(session, viewer, now, "project.party_role", project, {"organisation": organisation.id, "from": previous})
        return False
    record_party(session, project, organisation, role)
    _audit(session, viewer, now, "project.party_added", project, {"organisation": organisation.id, "role": role})
    return True


def record_party(session: Session, project: Project, organisation: Organisation, role: str) -> None:
    """Write a new party (no checks, no audit: for :func:`add_party` and the demo data)."""
    # No Participation row: that is membership of a covenant with action plans (``/plan`` would then ask which
    # covenant a party's plan is for); a project's parties are its ProjectParty rows.
    project.parties.append(ProjectParty(organisation_id=organisation.id, role=role))
    for person in _acting_for(session, organisation.id, project.parent_covenant_id):
        if not session.scalar(
            select(Role.id).where(
                Role.person_id == person.id,
                Role.covenant_id == project.covenant_id,
                Role.kind == RoleKind.COMPANY_CONTACT,
            )
        ):
            session.add(Role(person_id=person.id, covenant_id=project.covenant_id, kind=RoleKind.COMPANY_CONTACT))
    session.flush()


def add_milestone(
    session: Session,
    project: Project,
    title: str,
    due_on: date,
    owner: Organisation | None,
    viewer: Viewer,
    now: datetime,
    note: str | None = None,
) -> Deadline:
    """A milestone: a deadline of the reminder engine, owned by a party organisation (or the coordinators);
    its ``note`` is for the parties and coordinators only."""
    _require_coordinator(viewer, project)
    title = " ".join(title.split())
    if not title or len(title) > MAX_TITLE:
        raise UsageError("project.bad_title", limit=MAX_TITLE)
    if owner is not None and owner.id not in party_ids(project):
        raise UsageError("project.owner_not_party", organisation=owner.name)
    deadline = deadlines.create(
        session,
        covenant_id=project.covenant_id,
        kind=DeadlineKind.PROJECT_MILESTONE,
        title=title,
        due_on=due_on,
        now=now,
        actor=viewer.slack_user_id,
        organisation_id=owner.id if owner else None,
        owner_slack_id=None if owner else viewer.slack_user_id,
    )
    if note is not None:
        note = note.strip()
        if not note or len(note) > MAX_UPDATE:
            raise UsageError("project.bad_update", limit=MAX_UPDATE)
        session.add(
            ProjectUpdate(
                project_id=project.id,
                milestone_id=deadline.id,
                on=now.date(),
                text=note,
                internal=True,
                author_slack_id=viewer.slack_user_id,
                author_name=viewer.name,
            )
        )
    _audit(session, viewer, now, "project.milestone_added", project, {"deadline": deadline.id, "note": bool(note)})
    return deadline


def add_update(
    session: Session, project: Project, text: str, internal: bool, viewer: Viewer, now: datetime, today: date
) -> ProjectUpdate:
    """A status update, public or for the parties only."""
    _require_coordinator(viewer, project)
    text = text.strip()
    if not text or len(text) > MAX_UPDATE:
        raise UsageError("project.bad_update", limit=MAX_UPDATE)
    update = ProjectUpdate(
        project_id=project.id,
        on=today,
        text=text,
        internal=internal,
        author_slack_id=viewer.slack_user_id,
        author_name=viewer.name,
    )
    session.add(update)
    session.flush()
    _audit(session, viewer, now, "project.update_added", project, {"update": update.id, "internal": internal})
    return update


def link_group(session: Session, project: Project, group: WorkingGroup, viewer: Viewer, now: datetime) -> None:
    """Link a working group of the project or of its parent covenant."""
    _require_coordinator(viewer, project)
    if group.covenant_id not in (project.covenant_id, project.parent_covenant_id):
        raise UsageError("project.group_elsewhere", group=group.name)
    previous = project.working_group_id
    project.working_group_id = group.id
    _audit(session, viewer, now, "project.group_linked", project, {"from": previous, "to": group.id})


def view(session: Session, project: Project, viewer: Viewer | None, now: datetime) -> ProjectView:
    """The project as ``viewer`` may see it (``None``: the public, e.g. a status shared in a channel)."""
    internal = viewer is not None and may_see_internal(viewer, project)
    names = {o.id: o.name for o in session.scalars(select(Organisation).where(Organisation.id.in_(party_ids(project))))}
    parties = [
        PartyLine(names[p.organisation_id], p.role, p.organisation_id == project.lead_organisation_id)
        for p in project.parties
    ]
    milestones = list(
        session.scalars(
            select(Deadline)
            .options(selectinload(Deadline.covenant), selectinload(Deadline.organisation))
            .where(Deadline.covenant_id == project.covenant_id, Deadline.kind == DeadlineKind.PROJECT_MILESTONE)
            .order_by(Deadline.due_on, Deadline.id)
            .limit(20)
        )
    )
    notes: dict[int, str] = {}
    if internal:
        for milestone_id, text in session.execute(
            select(ProjectUpdate.milestone_id, ProjectUpdate.text)
            .where(ProjectUpdate.project_id == project.id, ProjectUpdate.milestone_id.is_not(None))
            .order_by(ProjectUpdate.id)
        ):
            notes[milestone_id] = text
    query = select(ProjectUpdate).where(ProjectUpdate.project_id == project.id, ProjectUpdate.milestone_id.is_(None))
    if not internal:
        query = query.where(ProjectUpdate.internal.is_(False))
    updates = list(
        session.scalars(query.order_by(ProjectUpdate.on.desc(), ProjectUpdate.id.desc()).limit(LATEST_UPDATES))
    )
    group = project.working_group
    upcoming = groups.next_meetings(session, [group], now, meeting_filter(viewer), limit=1) if group else []
    return ProjectView(
        project=project,
        covenant=project.covenant,
        parent=project.parent,
        lead=project.lead.name if project.lead else None,
        parties=parties,
        milestones=milestones,
        updates=updates,
        notes=notes,
        internal_visible=internal,
        group=group,
        next_meeting=upcoming[0] if upcoming else None,
    )


def tasks_for(session: Session, viewer: Viewer) -> list[Deadline]:
    """Open milestones owned by the viewer, or by their organisation in a project where they act for it."""
    mine = [Deadline.owner_slack_id == viewer.slack_user_id]
    if viewer.person_id is not None:
        mine.append(Deadline.owner_person_id == viewer.person_id)
    contact_of = viewer.covenants_with(RoleKind.COMPANY_CONTACT)
    if viewer.organisation_id is not None and contact_of:
        mine.append((Deadline.organisation_id == viewer.organisation_id) & Deadline.covenant_id.in_(contact_of))
    return list(
        session.scalars(
            select(Deadline)
            .options(selectinload(Deadline.covenant))
            .where(
                Deadline.kind == DeadlineKind.PROJECT_MILESTONE,
                Deadline.status == DeadlineStatus.OPEN,
                or_(*mine),
            )
            .order_by(Deadline.due_on, Deadline.id)
            .limit(10)
        )
    )


def _acting_for(session: Session, organisation_id: int, covenant_id: int | None) -> list[Person]:
    if covenant_id is None:
        return []
    return list(
        session.scalars(
            select(Person)
            .join(Role, Role.person_id == Person.id)
            .where(Person.organisation_id == organisation_id, Role.covenant_id == covenant_id)
            .distinct()
        )
    )


def _require_coordinator(viewer: Viewer, project: Project) -> None:
    if not may_coordinate(viewer, project):
        raise UsageError("project.coordinator_only", project=project.covenant.name(viewer.language))


def _audit(
    session: Session, viewer: Viewer, now: datetime, action: str, project: Project, detail: dict[str, object]
) -> None:
    audit.record(
        session,
        at=now,
        actor=viewer.slack_user_id,
        action=action,
        entity="project",
        entity_id=project.id,
        detail=detail,
    )
