"""Loading the public covenant list and the fictional demo data, idempotently (safe to run again)."""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import (
    AssessmentOutcome,
    CovenantKind,
    CovenantPhase,
    DeadlineKind,
    DeadlineStatus,
    GroupKind,
    MeetingStatus,
    OrganisationKind,
    ParticipationType,
    RoleKind,
)
from bot.db.models import (
    ActionPlan,
    Covenant,
    CovenantAlias,
    CovenantFact,
    Deadline,
    Meeting,
    MeetingException,
    Organisation,
    Participation,
    Person,
    Role,
    SlackProfile,
    WorkingGroup,
    WorkingGroupMember,
)
from bot.services.charters import demo as charter_demo
from bot.services.cohorts import demo as cohort_demo
from bot.services.covenants import target_seed
from bot.services.meetings import meetings as meetings_service
from bot.services.plans.plans import plan_title
from bot.services.projects import demo as project_demo
from config import CONFIG_DIR, read_yaml

SEED_DIR = CONFIG_DIR / "seed"
PUBLIC_FILES = ("covenants.yml", "initiatives.yml")
DEMO_FILE = "demo.yml"
_RELATIVE = re.compile(r"^([+-]\d+)d(?:\s+(\d{1,2}):(\d{2}))?$")


@dataclass(frozen=True)
class DemoPerson:
    """A demo person the console can act as (``--as key``)."""

    key: str
    slack_user_id: str
    name: str
    locale: str
    tz: str


def _read(name: str) -> dict[str, Any]:
    data: dict[str, Any] = read_yaml(SEED_DIR / name)
    return data


def _date(value: Any, today: date) -> date | None:
    if value is None or isinstance(value, date):
        return value
    match = _RELATIVE.match(str(value).strip())
    if match:
        return today + timedelta(days=int(match.group(1)))
    return date.fromisoformat(str(value))


def _year(value: Any, today: date) -> int:
    text = str(value).strip()
    return today.year + int(text) if text[0] in "+-" else int(text)


def _moment(value: str, today: date, tz: str) -> datetime:
    match = _RELATIVE.match(value.strip())
    if not match or match.group(2) is None:
        raise ValueError(f"meeting start must look like '+7d 14:00', got {value!r}")
    day = today + timedelta(days=int(match.group(1)))
    return datetime.combine(day, time(int(match.group(2)), int(match.group(3))), tzinfo=ZoneInfo(tz))


def public_entries() -> list[dict[str, Any]]:
    """The public covenants and initiatives as the seed files give them, in file order."""
    return [entry for name in PUBLIC_FILES for entry in _read(name)["covenants"]]


def load_public(session: Session) -> int:
    """Insert or update the public covenants and initiatives; returns how many there are."""
    # One read of what is there (runs at every console start): no query per covenant, alias or fact.
    stored = {
        covenant.slug: covenant
        for covenant in session.scalars(
            select(Covenant).options(selectinload(Covenant.aliases), selectinload(Covenant.facts))
        )
    }
    entries = public_entries()
    for entry in entries:
        stored[entry["slug"]] = _upsert_covenant(session, entry, stored.get(entry["slug"]))
    session.flush()
    target_seed.load(session, stored)
    session.commit()
    return len(entries)


def _upsert_covenant(session: Session, entry: dict[str, Any], covenant: Covenant | None) -> Covenant:
    if covenant is None:
        covenant = Covenant(slug=entry["slug"])
        session.add(covenant)
    covenant.kind = CovenantKind(entry.get("kind", "covenant"))
    covenant.name_nl, covenant.name_en = entry["name_nl"], entry["name_en"]
    covenant.sector = entry.get("sector")
    covenant.phase = CovenantPhase(entry["phase"])
    covenant.signed_on = _date(entry.get("signed_on"), date.today())
    covenant.in_force_on = _date(entry.get("in_force_on"), date.today())
    covenant.ends_on = _date(entry.get("ends_on"), date.today())
    covenant.term_nl, covenant.term_en = entry.get("term_nl"), entry.get("term_en")
    covenant.facilitator, covenant.secretariat = entry.get("facilitator"), entry.get("secretariat")
    wanted_aliases = sorted({str(alias).lower() for alias in entry.get("aliases", [])})
    if [a.alias for a in covenant.aliases] != wanted_aliases:
        if covenant.aliases:
            covenant.aliases.clear()
            session.flush()  # the old aliases go before new ones take their (unique) names
        covenant.aliases.extend(CovenantAlias(alias=alias) for alias in wanted_aliases)
    facts = entry.get("facts", [])
    current = [(f.topic, f.text_nl, f.text_en, f.uncertain) for f in covenant.facts]
    wanted = [(f["topic"], f["nl"], f["en"], bool(f.get("uncertain", False))) for f in facts]
    if current != wanted:
        if covenant.facts:
            covenant.facts.clear()
            session.flush()
        covenant.facts.extend(
            CovenantFact(position=i, topic=topic, text_nl=nl, text_en=en, uncertain=uncertain)
            for i, (topic, nl, en, uncertain) in enumerate(wanted)
        )
    return covenant


@dataclass(frozen=True)
class DemoChannel:
    """A Slack channel of the demo workspace: a group's channel or a covenant's secretariat channel, with the
    Slack ids of its members (the bot is invited to every one)."""

    channel_id: str
    name: str
    members: tuple[str, ...]


def demo_channels() -> list[DemoChannel]:
    """The channels the demo data names, with their members (group members; the covenant's secretariat)."""
    data = _read(DEMO_FILE)
    ids = {p["key"]: p["slack_user_id"] for p in data["people"]}
    channels = [
        DemoChannel(
            group["channel_id"],
            group.get("name_en", group["name"]).lower().replace(" ", "-"),
            tuple(ids[member["person"]] for member in group.get("members", [])),
        )
        for group in data["working_groups"]
        if group.get("channel_id")
    ]
    for slug, values in (data.get("covenant_settings") or {}).items():
        secretariat = tuple(
            p["slack_user_id"]
            for p in data["people"]
            if any(r["covenant"] == slug and r["kind"] == "secretariat" for r in p.get("roles", []))
        )
        if values.get("secretariat_channel"):
            channels.append(DemoChannel(values["secretariat_channel"], f"secretariaat-{slug}", secretariat))
    channels += [DemoChannel(*found) for found in cohort_demo.channel_entries(data)]
    return channels


def demo_people() -> list[DemoPerson]:
    """The fictional people of the demo data, in file order."""
    data = _read(DEMO_FILE)
    return [
        DemoPerson(p["key"], p["slack_user_id"], p["name"], p.get("locale", "nl-NL"), p.get("tz", "Europe/Amsterdam"))
        for p in [*_all_people(data), *cohort_demo.people_entries(data)]
    ]


def _all_people(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The demo people: those of ``people`` and those listed with a charter (``charters``)."""
    return [*data["people"], *(p for entry in data.get("charters") or [] for p in entry.get("people", []))]


def load_demo(session: Session, today: date, now: datetime) -> None:
    """Insert the fictional demo organisations, people, groups, meetings, plans and deadlines (once)."""
    data = _read(DEMO_FILE)
    slugs = {c.slug: c for c in session.scalars(select(Covenant))}
    for slug, values in (data.get("covenant_settings") or {}).items():
        for name, value in values.items():
            if getattr(slugs[slug], name) is None:
                setattr(slugs[slug], name, value)
    orgs = {o.name: o for o in session.scalars(select(Organisation))}
    for entry in data["organisations"]:
        org = orgs.get(entry["name"])
        if org is None:
            org = Organisation(name=entry["name"], kind=OrganisationKind(entry["kind"]), fictional=True)
            session.add(org)
            orgs[org.name] = org
            session.flush()
            for part in entry.get("participations", []):
                session.add(
                    Participation(
                        organisation_id=org.id,
                        covenant_id=slugs[part["covenant"]].id,
                        type=ParticipationType(part["type"]),
                        joined_on=_date(part.get("joined_on"), today),
                        left_on=_date(part.get("left_on"), today),
                        left_reason=part.get("left_reason"),
                    )
                )
    people: dict[str, Person] = {}
    for entry in data["people"]:
        person = session.scalar(select(Person).where(Person.slack_user_id == entry["slack_user_id"]))
        if person is None:
            person = Person(
                slack_user_id=entry["slack_user_id"],
                name=entry["name"],
                organisation_id=orgs[entry["organisation"]].id if entry.get("organisation") else None,
                fictional=True,
            )
            session.add(person)
            session.flush()
            for role in entry.get("roles", []):
                session.add(
                    Role(
                        person_id=person.id,
                        covenant_id=slugs[role["covenant"]].id,
                        kind=RoleKind(role["kind"]),
                    )
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
    groups: dict[str, WorkingGroup] = {}
    for entry in data["working_groups"]:
        covenant = slugs[entry["covenant"]]
        group = session.scalar(
            select(WorkingGroup).where(WorkingGroup.covenant_id == covenant.id, WorkingGroup.name == entry["name"])
        )
        if group is None:
            group = WorkingGroup(
                covenant_id=covenant.id,
                name=entry["name"],
                name_en=entry.get("name_en"),
                kind=GroupKind(entry.get("kind", "working_group")),
                channel_id=entry.get("channel_id"),
                language=entry.get("language"),
                calendar_token=secrets.token_urlsafe(24),
            )
            session.add(group)
            session.flush()
            for member in entry.get("members", []):
                session.add(
                    WorkingGroupMember(
                        group_id=group.id,
                        person_id=people[member["person"]].id,
                        is_chair=bool(member.get("chair")),
                    )
                )
        groups[entry["name"]] = group
    session.flush()
    if session.scalar(select(Meeting.id).where(Meeting.uid.like("demo-%")).limit(1)) is None:
        _demo_meetings(session, data.get("meetings", []), groups, people, today)
        _demo_plans_and_deadlines(session, data, slugs, orgs, people, today)
    project_demo.load(session, data.get("projects") or [], slugs, orgs, people, groups, lambda v: _date(v, today))
    charter_demo.load(session, data.get("charters") or [], slugs, orgs, today, now)
    cohort_demo.load(session, data, today, now)
    target_seed.load_demo(session, data.get("targets") or {}, slugs, lambda v: _date(v, today), now)
    session.commit()


def _demo_meetings(
    session: Session,
    meetings: list[dict[str, Any]],
    groups: dict[str, WorkingGroup],
    people: dict[str, Person],
    today: date,
) -> None:
    for entry in meetings:
        group = groups[entry["group"]]
        tz = entry.get("timezone", "Europe/Amsterdam")
        local = _working_start(_moment(entry["start"], today, tz), entry.get("rrule"), today)
        starts = local.astimezone(UTC)
        meeting = Meeting(
            uid=f"demo-{uuid.uuid4()}",
            working_group_id=group.id,
            title=entry["title"],
            starts_at=starts,
            ends_at=starts + timedelta(minutes=int(entry.get("duration_minutes", 60))),
            timezone=tz,
            rrule=entry.get("rrule"),
            location=entry.get("location"),
            video_url=entry.get("video_url"),
            agenda=entry.get("agenda"),
            status=MeetingStatus.SCHEDULED,
            minute_taker_id=people[entry["minute_taker"]].id if entry.get("minute_taker") else None,
        )
        # A secretariat skips a series' sittings on public holidays: the demo does too.
        for sitting in meetings_service.holiday_sittings(meeting, "nl"):
            skipped = MeetingException(recurrence_id=sitting.occurrence.recurrence_id, reason=sitting.holiday)
            skipped.status = MeetingStatus.CANCELLED
            meeting.exceptions.append(skipped)
        session.add(meeting)


def _working_start(starts: datetime, rule: str | None, today: date) -> datetime:
    """The demo meeting's first sitting on a working day that is not a Dutch public holiday: a rule with
    weekdays (``BYDAY``) gives its first such date from ``starts`` on; otherwise ``starts`` moves to the
    nearest such day before it, but not before ``today`` for a meeting still to come (then after it)."""
    if rule and "BYDAY=" in rule:
        local = starts
        while True:
            first = next(iter(rrulestr(rule, dtstart=local.replace(tzinfo=None))), None)
            if first is None:
                raise ValueError(f"demo rule {rule!r} gives no sitting")
            local = first.replace(tzinfo=starts.tzinfo)
            if _working_day(local.date()):
                return local
            local += timedelta(days=1)
    earliest = today if starts.date() >= today else None
    earlier = starts
    while not _working_day(earlier.date()) and (earliest is None or earlier.date() > earliest):
        earlier -= timedelta(days=1)
    if _working_day(earlier.date()):
        return earlier
    later = starts
    while not _working_day(later.date()):
        later += timedelta(days=1)
    return later


def _working_day(day: date) -> bool:
    return day.weekday() < 5 and meetings_service.holiday_name(day, "nl") is None


def _demo_plans_and_deadlines(
    session: Session,
    data: dict[str, Any],
    slugs: dict[str, Covenant],
    orgs: dict[str, Organisation],
    people: dict[str, Person],
    today: date,
) -> None:
    for entry in data.get("action_plans", []):
        org, covenant = orgs[entry["organisation"]], slugs[entry["covenant"]]
        year = _year(entry["cycle_year"], today)
        due = _date(entry["due"], today)
        assert due is not None
        submitted = _date(entry.get("submitted"), today)
        deadline = Deadline(
            ref=f"plan:{org.id}:{covenant.id}:{year}",
            covenant_id=covenant.id,
            kind=DeadlineKind.ACTION_PLAN,
            title=plan_title(year),
            organisation_id=org.id,
            due_on=due,
        )
        if submitted is not None:
            deadline.status = DeadlineStatus.DONE
        session.add(deadline)
        session.flush()
        outcome = entry.get("outcome")
        session.add(
            ActionPlan(
                organisation_id=org.id,
                covenant_id=covenant.id,
                cycle_year=year,
                due_on=due,
                submitted_on=submitted,
                submitted_confirmed=submitted is not None,
                assessment_outcome=AssessmentOutcome(outcome) if outcome else None,
                assessed_on=submitted + timedelta(days=14) if outcome and submitted else None,
                assessment_notes=entry.get("notes"),
                deadline_id=deadline.id,
            )
        )
    for entry in data.get("deadlines", []):
        due = _date(entry["due"], today)
        assert due is not None
        owner = people.get(entry["owner"]) if entry.get("owner") else None
        session.add(
            Deadline(
                covenant_id=slugs[entry["covenant"]].id,
                kind=DeadlineKind(entry["kind"]),
                title=entry["title"],
                organisation_id=orgs[entry["organisation"]].id if entry.get("organisation") else None,
                owner_person_id=owner.id if owner else None,
                owner_slack_id=owner.slack_user_id if owner else None,
                due_on=due,
            )
        )


def seed_files() -> list[Path]:
    """The seed files shipped in config/seed (for docs and tests)."""
    return [SEED_DIR / name for name in (*PUBLIC_FILES, DEMO_FILE)]
