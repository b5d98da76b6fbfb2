"""The demo data's cohort programmes (``cohorts:`` in config/seed/demo.yml): their organisations, people,
cohorts with participants, sessions, materials, milestones and check-ins. Loaded once, by ``seed.load_demo``."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.enums import DeadlineKind, DeadlineStatus, OrganisationKind, ParticipationType, RoleKind
from bot.db.models import (
    Cohort,
    CohortMaterial,
    CohortMilestone,
    CohortParticipant,
    Covenant,
    Deadline,
    Meeting,
    MilestoneCheckin,
    Organisation,
    Participation,
    Person,
    Role,
    SlackProfile,
    WorkingGroup,
    WorkingGroupMember,
)
from bot.services.meetings import groups
from bot.services.meetings.meetings import holiday_name

_RELATIVE = re.compile(r"^([+-]\d+)d(?:\s+(\d{1,2}):(\d{2}))?$")


def _day(value: Any, today: date) -> date:
    match = _RELATIVE.match(str(value).strip())
    return today + timedelta(days=int(match.group(1))) if match else date.fromisoformat(str(value))


def _working(day: date) -> date:
    """The first Dutch working day from ``day`` on (demo sessions never fall on a weekend or a holiday)."""
    while day.weekday() >= 5 or holiday_name(day, "nl"):
        day += timedelta(days=1)
    return day


def people_entries(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The people the ``cohorts:`` section adds to the demo workspace."""
    return list((data.get("cohorts") or {}).get("people") or [])


def channel_entries(data: dict[str, Any]) -> list[tuple[str, str, tuple[str, ...]]]:
    """(channel id, name, member Slack ids) of the cohorts' group channels."""
    section = data.get("cohorts") or {}
    people = {p["key"]: p for p in section.get("people") or []}
    found = []
    for entry in section.get("programmes") or []:
        if not entry.get("channel_id"):
            continue
        members = tuple(
            p["slack_user_id"]
            for p in people.values()
            if p.get("organisation") in entry.get("participants", []) or p["key"] == entry.get("coordinator")
        )
        found.append((entry["channel_id"], f"{entry['programme']}-{entry['year']}", members))
    return found


def load(session: Session, data: dict[str, Any], today: date, now: datetime) -> None:
    """Insert the demo cohorts (once: nothing when the programme already has a cohort of that year)."""
    section = data.get("cohorts") or {}
    slugs = {c.slug: c for c in session.scalars(select(Covenant))}
    orgs = {o.name: o for o in session.scalars(select(Organisation))}
    for entry in section.get("organisations") or []:
        if entry["name"] not in orgs:
            org = Organisation(name=entry["name"], kind=OrganisationKind(entry["kind"]), fictional=True)
            session.add(org)
            orgs[org.name] = org
    session.flush()
    people: dict[str, Person] = {}
    for entry in section.get("people") or []:
        person = session.scalar(select(Person).where(Person.slack_user_id == entry["slack_user_id"]))
        if person is None:
            person = Person(
                slack_user_id=entry["slack_user_id"],
                name=entry["name"],
                organisation_id=orgs[entry["organisation"]].id,
                fictional=True,
            )
            session.add(person)
            session.flush()
            for role in entry.get("roles", []):
                session.add(
                    Role(person_id=person.id, covenant_id=slugs[role["covenant"]].id, kind=RoleKind(role["kind"]))
                )
            if session.get(SlackProfile, entry["slack_user_id"]) is None:
                session.add(
                    SlackProfile(
                        slack_user_id=entry["slack_user_id"],
                        real_name=entry["name"],
                        tz=entry.get("tz"),
                        locale=entry.get("locale"),
                        fetched_at=now,
                    )
                )
        people[entry["key"]] = person
    session.flush()
    for entry in section.get("programmes") or []:
        programme = slugs[entry["programme"]]
        exists = session.scalar(
            select(Cohort.id).where(Cohort.covenant_id == programme.id, Cohort.year == entry["year"])
        )
        if exists is None:
            _cohort(session, programme, entry, orgs, people, today, now)
    session.flush()


def _cohort(
    session: Session,
    programme: Covenant,
    entry: dict[str, Any],
    orgs: dict[str, Organisation],
    people: dict[str, Person],
    today: date,
    now: datetime,
) -> None:
    year = int(entry["year"])
    group = WorkingGroup(
        covenant_id=programme.id,
        name=f"{programme.name_nl} {year}",
        name_en=f"{programme.name_en} {year}",
        channel_id=entry.get("channel_id"),
        language="nl",
        calendar_token=groups.new_token(),
    )
    session.add(group)
    session.flush()
    coordinator = people.get(entry.get("coordinator", ""))
    cohort = Cohort(
        covenant_id=programme.id,
        year=year,
        starts_on=_day(entry["starts_on"], today),
        ends_on=_day(entry["ends_on"], today),
        coordinator_id=coordinator.id if coordinator else None,
        working_group_id=group.id,
    )
    session.add(cohort)
    session.flush()
    if coordinator is not None:
        session.add(WorkingGroupMember(group_id=group.id, person_id=coordinator.id, is_chair=True))
    for name in entry.get("participants", []):
        org = orgs[name]
        session.add(CohortParticipant(cohort_id=cohort.id, organisation_id=org.id, joined_on=cohort.starts_on))
        session.add(
            Participation(
                organisation_id=org.id,
                covenant_id=programme.id,
                type=ParticipationType.ADHERING_COMPANY,
                joined_on=cohort.starts_on,
            )
        )
        for person in people.values():
            if person.organisation_id == org.id:
                session.add(WorkingGroupMember(group_id=group.id, person_id=person.id))
    for position, material in enumerate(entry.get("materials", []), start=1):
        session.add(
            CohortMaterial(cohort_id=cohort.id, position=position, title=material["title"], url=material["url"])
        )
    tz = ZoneInfo(programme.timezone)
    for sitting in entry.get("sessions", []):
        match = _RELATIVE.match(sitting["start"])
        assert match is not None and match.group(2) is not None, sitting["start"]
        day = _working(today + timedelta(days=int(match.group(1))))
        starts = datetime.combine(day, time(int(match.group(2)), int(match.group(3))), tzinfo=tz).astimezone(UTC)
        session.add(
            Meeting(
                uid=f"demo-cohort-{uuid.uuid4()}",
                working_group_id=group.id,
                title=sitting["title"],
                starts_at=starts,
                ends_at=starts + timedelta(minutes=int(sitting.get("duration_minutes", 60))),
                timezone=programme.timezone,
            )
        )
    milestones = []
    for position, item in enumerate(entry.get("milestones", []), start=1):
        milestone = CohortMilestone(
            cohort_id=cohort.id,
            position=position,
            title=item["title"],
            due_on=_day(item["due"], today) if item.get("due") else None,
        )
        session.add(milestone)
        milestones.append(milestone)
    session.flush()
    done: set[tuple[int, int]] = set()
    for checkin in entry.get("checkins", []):
        org = orgs[checkin["organisation"]]
        milestone = milestones[int(checkin["milestone"]) - 1]
        on = _day(checkin["date"], today)
        session.add(
            MilestoneCheckin(
                milestone_id=milestone.id,
                organisation_id=org.id,
                checked_on=on,
                note=checkin.get("note"),
                done=bool(checkin.get("done")),
                recorded_by=coordinator.slack_user_id or "" if coordinator else "",
                recorded_at=datetime.combine(on, time(12), tzinfo=UTC),
            )
        )
        if checkin.get("done"):
            done.add((milestone.id, org.id))
    for milestone in milestones:
        if milestone.due_on is None:
            continue
        for name in entry.get("participants", []):
            org = orgs[name]
            reached = (milestone.id, org.id) in done
            session.add(
                Deadline(
                    ref=f"cohort-milestone:{milestone.id}:{org.id}",
                    covenant_id=programme.id,
                    kind=DeadlineKind.MILESTONE,
                    title=milestone.title,
                    organisation_id=org.id,
                    due_on=milestone.due_on,
                    status=DeadlineStatus.DONE if reached else DeadlineStatus.OPEN,
                    done_at=now if reached else None,
                )
            )
