"""Changes to a programme's cohorts, for its coordinator (the secretariat role on the programme row).

Every change is audited and written in the caller's transaction, so a mistake (a UsageError) leaves nothing.
A cohort's sessions are meetings of its own working group, whose members are the participants' contacts; each
milestone with a due date is a deadline per participant (kind milestone), reminded to that company's contacts.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.enums import CovenantKind, DeadlineKind, DeadlineStatus, ParticipationType, RoleKind
from bot.db.models import (
    Cohort,
    CohortMaterial,
    CohortMilestone,
    CohortParticipant,
    Covenant,
    Deadline,
    MilestoneCheckin,
    Organisation,
    Participation,
    WorkingGroup,
    WorkingGroupMember,
)
from bot.services import locking
from bot.services.administration import audit
from bot.services.covenants import covenants
from bot.services.errors import UsageError
from bot.services.meetings import groups
from bot.services.people.access import Viewer
from bot.services.plans import deadlines

MAX_TITLE = 200
MAX_URL = 500
MAX_NOTE = 2000
_URL = re.compile(r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:\d{1,5})?(/\S*)?$")


def programme(session: Session, name: str) -> Covenant:
    """The programme meant by ``name``; UsageError ``cohort.not_a_programme`` for a covenant of another kind."""
    found = covenants.resolve(session, name)
    if found.kind != CovenantKind.PROGRAMME:
        raise UsageError("cohort.not_a_programme", name=found.slug)
    return found


def cohorts_of(session: Session, programme_id: int) -> list[Cohort]:
    """The programme's cohorts, newest year first."""
    return list(session.scalars(select(Cohort).where(Cohort.covenant_id == programme_id).order_by(Cohort.year.desc())))


def get(session: Session, programme_: Covenant, year: int) -> Cohort:
    """The programme's cohort of ``year``; UsageError ``cohort.unknown`` (naming the years there are) otherwise."""
    cohort = session.scalar(select(Cohort).where(Cohort.covenant_id == programme_.id, Cohort.year == year))
    if cohort is None:
        years = ", ".join(str(c.year) for c in cohorts_of(session, programme_.id)) or "—"
        raise UsageError("cohort.unknown", programme=programme_.slug, year=year, years=years)
    return cohort


def require_coordinator(viewer: Viewer, programme_: Covenant) -> None:
    """Changes are for the programme's coordinator (the secretariat role on it) only."""
    if not viewer.is_secretariat(programme_.id):
        raise UsageError("cohort.coordinator_only", programme=programme_.name(viewer.language))


def _audit(
    session: Session, viewer: Viewer, now: datetime, action: str, entity: str, entity_id: int, **detail: object
) -> None:
    audit.record(
        session, at=now, actor=viewer.slack_user_id, action=action, entity=entity, entity_id=entity_id, detail=detail
    )


def create(
    session: Session, programme_: Covenant, year: int, starts_on: date, ends_on: date, viewer: Viewer, now: datetime
) -> Cohort:
    """A new cohort with its own working group; the asker (the coordinator) coordinates it."""
    require_coordinator(viewer, programme_)
    if not 2000 <= year <= 2100:
        raise UsageError("cohort.bad_year", year=year)
    if ends_on <= starts_on:
        raise UsageError("cohort.end_before_start")
    locking.serialise(session, "cohorts", programme_.id)
    if session.scalar(select(Cohort.id).where(Cohort.covenant_id == programme_.id, Cohort.year == year)) is not None:
        raise UsageError("cohort.exists", programme=programme_.slug, year=year)
    name, name_en = f"{programme_.name_nl} {year}", f"{programme_.name_en} {year}"
    group = session.scalar(
        select(WorkingGroup).where(WorkingGroup.covenant_id == programme_.id, WorkingGroup.name == name)
    )
    if group is None:
        group = WorkingGroup(
            covenant_id=programme_.id,
            name=name,
            name_en=name_en,
            language=viewer.language,
            calendar_token=groups.new_token(),
        )
        session.add(group)
        session.flush()
    cohort = Cohort(
        covenant_id=programme_.id,
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
        coordinator_id=viewer.person_id,
        working_group_id=group.id,
        participants=[],
        materials=[],
        milestones=[],
    )
    session.add(cohort)
    session.flush()
    _audit(session, viewer, now, "cohort.created", "cohort", cohort.id, year=year, group=group.id)
    return cohort


def contacts(session: Session, cohort: Cohort, organisation_id: int) -> list[int]:
    """Person ids of the organisation's contacts for the programme."""
    return [p.id for p in deadlines.company_contacts(session, organisation_id, cohort.covenant_id)]


def sync_members(session: Session, cohort: Cohort) -> int:
    """Make every participant's contact a member of the cohort's group; returns how many were added."""
    if cohort.working_group_id is None:
        return 0
    present = set(
        session.scalars(
            select(WorkingGroupMember.person_id).where(WorkingGroupMember.group_id == cohort.working_group_id)
        )
    )
    added = 0
    for participant in cohort.participants:
        for person_id in contacts(session, cohort, participant.organisation_id):
            if person_id not in present:
                session.add(WorkingGroupMember(group_id=cohort.working_group_id, person_id=person_id))
                present.add(person_id)
                added += 1
    session.flush()
    return added


def _deadline_ref(milestone: CohortMilestone, organisation_id: int) -> str:
    return f"cohort-milestone:{milestone.id}:{organisation_id}"


def milestone_deadline(session: Session, milestone: CohortMilestone, organisation_id: int) -> Deadline | None:
    """The reminder engine's deadline of this participant's milestone (None without a due date)."""
    return session.scalar(select(Deadline).where(Deadline.ref == _deadline_ref(milestone, organisation_id)))


def _plan_deadline(
    session: Session, cohort: Cohort, milestone: CohortMilestone, organisation_id: int, actor: str, now: datetime
) -> None:
    if milestone.due_on is None or milestone_deadline(session, milestone, organisation_id) is not None:
        return
    deadlines.create(
        session,
        covenant_id=cohort.covenant_id,
        kind=DeadlineKind.MILESTONE,
        title=milestone.title,
        due_on=milestone.due_on,
        now=now,
        actor=actor,
        organisation_id=organisation_id,
        ref=_deadline_ref(milestone, organisation_id),
    )


def join(
    session: Session, cohort: Cohort, organisation: Organisation, viewer: Viewer, today: date, now: datetime
) -> tuple[CohortParticipant, int]:
    """Add the organisation to the cohort (and to the programme's participants); its contacts join the cohort's
    group and get its milestones' deadlines. Returns the participant and how many contacts joined the group."""
    require_coordinator(viewer, cohort.covenant)
    locking.serialise(session, "cohort", cohort.id)
    if any(p.organisation_id == organisation.id for p in cohort.participants):
        raise UsageError("cohort.already_joined", organisation=organisation.name, year=cohort.year)
    participant, added = add_participant(session, cohort, organisation, today, now, viewer.slack_user_id)
    _audit(session, viewer, now, "cohort.joined", "cohort", cohort.id, organisation=organisation.id)
    return participant, added


def add_participant(
    session: Session, cohort: Cohort, organisation: Organisation, joined_on: date, now: datetime, actor: str
) -> tuple[CohortParticipant, int]:
    """Add a participant (no permission check: :func:`join` checks; an operator's CSV import needs none)."""
    participant = CohortParticipant(cohort_id=cohort.id, organisation_id=organisation.id, joined_on=joined_on)
    participant.organisation = organisation
    cohort.participants.append(participant)
    current = session.scalar(
        select(Participation.id).where(
            Participation.organisation_id == organisation.id,
            Participation.covenant_id == cohort.covenant_id,
            Participation.left_on.is_(None),
        )
    )
    if current is None:
        session.add(
            Participation(
                organisation_id=organisation.id,
                covenant_id=cohort.covenant_id,
                type=ParticipationType.ADHERING_COMPANY,
                joined_on=joined_on,
            )
        )
    session.flush()
    for milestone in cohort.milestones:
        _plan_deadline(session, cohort, milestone, organisation.id, actor, now)
    added = sync_members(session, cohort)
    return participant, added


def add_material(
    session: Session, cohort: Cohort, title: str, url: str, viewer: Viewer, now: datetime
) -> CohortMaterial:
    """A link (https only) for the cohort's participants."""
    require_coordinator(viewer, cohort.covenant)
    title = title.strip()
    if not title:
        raise UsageError("cohort.missing_title")
    if len(title) > MAX_TITLE or len(url) > MAX_URL:
        raise UsageError("cohort.too_long", limit=MAX_TITLE)
    if not _URL.match(url):
        raise UsageError("cohort.bad_url", url=url)
    material = CohortMaterial(cohort_id=cohort.id, position=len(cohort.materials) + 1, title=title, url=url)
    cohort.materials.append(material)
    session.flush()
    _audit(session, viewer, now, "cohort.material", "cohort", cohort.id, material=material.id, url=url)
    return material


def add_milestone(
    session: Session, cohort: Cohort, title: str, due_on: date | None, viewer: Viewer, now: datetime
) -> CohortMilestone:
    """A milestone for every participant; with a due date a deadline per participant that the engine reminds."""
    require_coordinator(viewer, cohort.covenant)
    title = title.strip()
    if not title:
        raise UsageError("cohort.missing_title")
    if len(title) > MAX_TITLE:
        raise UsageError("cohort.too_long", limit=MAX_TITLE)
    locking.serialise(session, "cohort", cohort.id)
    milestone = CohortMilestone(cohort_id=cohort.id, position=len(cohort.milestones) + 1, title=title, due_on=due_on)
    cohort.milestones.append(milestone)
    session.flush()
    for participant in cohort.participants:
        _plan_deadline(session, cohort, milestone, participant.organisation_id, viewer.slack_user_id, now)
    _audit(
        session,
        viewer,
        now,
        "cohort.milestone",
        "cohort",
        cohort.id,
        milestone=milestone.id,
        due_on=due_on.isoformat() if due_on else None,
    )
    return milestone


def milestone_at(cohort: Cohort, number: int) -> CohortMilestone:
    """The cohort's milestone with this number; UsageError ``cohort.unknown_milestone`` otherwise."""
    found = next((m for m in cohort.milestones if m.position == number), None)
    if found is None:
        raise UsageError("cohort.unknown_milestone", number=number, count=len(cohort.milestones))
    return found


def may_check_in(viewer: Viewer, cohort: Cohort, organisation_id: int) -> bool:
    """A check-in is the company's own data: its contacts and the coordinator record it."""
    return viewer.may_see_company(cohort.covenant_id, organisation_id)


def check_in(
    session: Session,
    cohort: Cohort,
    organisation: Organisation,
    milestone: CohortMilestone,
    done: bool,
    note: str | None,
    viewer: Viewer,
    today: date,
    now: datetime,
) -> tuple[MilestoneCheckin, bool]:
    """Record a check-in; ``done`` closes the participant's milestone deadline. Returns it and whether this
    check-in completed the milestone (False when it already was)."""
    if not any(p.organisation_id == organisation.id for p in cohort.participants):
        raise UsageError("cohort.not_participating", organisation=organisation.name, year=cohort.year)
    if not may_check_in(viewer, cohort, organisation.id):
        raise UsageError("cohort.checkin_not_allowed", organisation=organisation.name)
    if note is not None and len(note) > MAX_NOTE:
        raise UsageError("cohort.too_long", limit=MAX_NOTE)
    locking.serialise(session, "cohort", cohort.id)
    was_done = is_done(session, milestone, organisation.id)
    checkin = MilestoneCheckin(
        milestone_id=milestone.id,
        organisation_id=organisation.id,
        checked_on=today,
        note=note,
        done=done,
        recorded_by=viewer.slack_user_id,
        recorded_at=now,
    )
    session.add(checkin)
    session.flush()
    deadline = milestone_deadline(session, milestone, organisation.id)
    if done and deadline is not None and deadline.status == DeadlineStatus.OPEN:
        deadlines.close(session, deadline, DeadlineStatus.DONE, now, viewer.slack_user_id)
    _audit(session, viewer, now, "cohort.checkin", "milestone_checkin", checkin.id, milestone=milestone.id, done=done)
    return checkin, done and not was_done


def is_done(session: Session, milestone: CohortMilestone, organisation_id: int) -> bool:
    """Whether any check-in of the participant marked the milestone done."""
    return (
        session.scalar(
            select(MilestoneCheckin.id)
            .where(
                MilestoneCheckin.milestone_id == milestone.id,
                MilestoneCheckin.organisation_id == organisation_id,
                MilestoneCheckin.done.is_(True),
            )
            .limit(1)
        )
        is not None
    )


def person_cohorts(session: Session, viewer: Viewer) -> list[tuple[Cohort, int]]:
    """The cohorts the viewer's organisation takes part in where they are its contact: (cohort, organisation id)."""
    if viewer.organisation_id is None:
        return []
    programmes = viewer.covenants_with(RoleKind.COMPANY_CONTACT)
    if not programmes:
        return []
    found = session.scalars(
        select(Cohort)
        .join(CohortParticipant, CohortParticipant.cohort_id == Cohort.id)
        .where(CohortParticipant.organisation_id == viewer.organisation_id, Cohort.covenant_id.in_(programmes))
        .order_by(Cohort.year.desc())
    )
    return [(cohort, viewer.organisation_id) for cohort in found]


def done_from_reminder(session: Session, deadline: Deadline, actor: str, today: date, now: datetime) -> None:
    """**Mark done** on a milestone's reminder: the participant's milestone is reached (a check-in without a note),
    so the cohort's progress and the engine agree."""
    parts = (deadline.ref or "").split(":")
    if len(parts) != 3 or parts[0] != "cohort-milestone" or deadline.organisation_id is None:
        return
    milestone = session.get(CohortMilestone, int(parts[1])) if parts[1].isdigit() else None
    if milestone is None or is_done(session, milestone, deadline.organisation_id):
        return
    checkin = MilestoneCheckin(
        milestone_id=milestone.id,
        organisation_id=deadline.organisation_id,
        checked_on=today,
        note=None,
        done=True,
        recorded_by=actor,
        recorded_at=now,
    )
    session.add(checkin)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="cohort.checkin",
        entity="milestone_checkin",
        entity_id=checkin.id,
        detail={"milestone": milestone.id, "done": True, "from": "reminder"},
    )
