"""A person planted in every kind of table that can name someone, and a scan of every text column for them."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import JSON, String, Text, cast, select
from sqlalchemy.orm import Session

from bot.db.engine import SessionFactory
from bot.db.enums import (
    ContactRoute,
    DeadlineKind,
    DeliveryStatus,
    MeetingKind,
    MinutesStatus,
    RoleKind,
    RsvpAnswer,
)
from bot.db.models import (
    AckedWork,
    ActionItem,
    AuditEntry,
    Base,
    CharterSignatory,
    Deadline,
    Decision,
    Meeting,
    MeetingException,
    Minutes,
    MinutesContribution,
    Person,
    ReminderDelivery,
    Role,
    Rsvp,
    SlackProfile,
    WorkingGroupMember,
)
from bot.services.minutes import minutes_search
from tests.support.factories import covenant, group, organisation


@dataclass(frozen=True)
class Planted:
    """Who was planted: the markers that must be gone after an erasure, and the person row's id."""

    name: str
    slack_id: str
    email: str
    person_id: int
    minutes_id: int

    @property
    def markers(self) -> tuple[str, str, str]:
        return (self.name, self.slack_id, self.email)


ZYX = ("Zyxwaldo Quorbington", "UZYXQ0RB1", "zyxwaldo.quorbington@privacy-test.example")
OTHER = ("Qwertina Blomsveld", "UQWERT0B2", "qwertina.blomsveld@privacy-test.example")


def plant_person(
    factory: SessionFactory, now: datetime, who: tuple[str, str, str] = ZYX, others: bool = True
) -> Planted:
    """A Windkracht contact named in every kind of row: profile, role, group, RSVP, minutes (attendance,
    contributions, approval, a decision, an action item, a mention), a deadline, deliveries, audit rows, acked work,
    a charter signature; with ``others`` another person has rows in the same places (the control)."""
    name, slack_id, email = who
    with factory() as session:
        windkracht = organisation(session, "Windkracht")
        energy = covenant(session, "hernieuwbare-energie")
        living_wage = group(session, "Werkgroep Leefbaar Loon")
        person = Person(
            name=name,
            slack_user_id=slack_id,
            email=email,
            organisation_id=windkracht.id,
            language="nl",
            timezone="Europe/Lisbon",
            route=ContactRoute.BOTH,
        )
        session.add(person)
        session.flush()
        session.add_all(
            [
                Role(person_id=person.id, covenant_id=energy.id, kind=RoleKind.COMPANY_CONTACT),
                WorkingGroupMember(group_id=living_wage.id, person_id=person.id),
                SlackProfile(
                    slack_user_id=slack_id, real_name=name, tz="Europe/Lisbon", locale="nl-NL", fetched_at=now
                ),
            ]
        )
        meeting = Meeting(
            uid=f"privacy-{slack_id}",
            working_group_id=living_wage.id,
            kind=MeetingKind.WORKING_GROUP,
            title="Privacy test sitting",
            starts_at=now - timedelta(days=30),
            ends_at=now - timedelta(days=30, hours=-1),
            agenda=f"1. Opening\n2. Field report by {name}",
            minute_taker_id=person.id,
        )
        session.add(meeting)
        session.flush()
        session.add(
            MeetingException(meeting_id=meeting.id, recurrence_id=meeting.starts_at, reason=f"{name} asked to move it")
        )
        session.add(
            Rsvp(
                meeting_id=meeting.id, occurrence_start=meeting.starts_at, slack_user_id=slack_id, answer=RsvpAnswer.YES
            )
        )
        minutes = Minutes(
            meeting_id=meeting.id,
            occurrence_start=meeting.starts_at,
            status=MinutesStatus.APPROVED,
            summary=f"<@{slack_id}> presented the field report. The group thanked {name}.",
            attendees=f"Ann Andersen, {name}",
            taker_id=person.id,
            approved_by=slack_id,
            approved_at=now - timedelta(days=20),
        )
        session.add(minutes)
        session.flush()
        session.add_all(
            [
                MinutesContribution(
                    minutes_id=minutes.id,
                    author_slack_id=slack_id,
                    text=f"Notes from {name}: questions to {email} please.",
                    channel_id="CLIVINGWAGE",
                    message_ts=f"1700000000.{person.id:06d}",
                ),
                Decision(minutes_id=minutes.id, position=1, text=f"Adopt the report of <@{slack_id}|{name}>."),
                ActionItem(minutes_id=minutes.id, position=1, owner_slack_id=slack_id, task=f"{name} shares the list"),
            ]
        )
        session.flush()
        session.refresh(minutes)
        minutes_search.refresh(session, minutes)
        deadline = Deadline(
            covenant_id=energy.id,
            kind=DeadlineKind.CUSTOM,
            title=f"Follow-up by {name}",
            organisation_id=windkracht.id,
            owner_person_id=person.id,
            owner_slack_id=slack_id,
            due_on=(now + timedelta(days=10)).date(),
        )
        session.add(deadline)
        session.flush()
        address = f"person:{person.id}"
        session.add_all(
            [
                ReminderDelivery(
                    dedupe_key=f"privacy:{deadline.id}:remind:{slack_id}",
                    deadline_id=deadline.id,
                    rule="remind-7d",
                    recipient=slack_id,
                    planned_for=now - timedelta(days=1),
                    status=DeliveryStatus.SENT,
                    sent_at=now - timedelta(days=1),
                    payload={"owner": slack_id, "owner_name": name},
                ),
                ReminderDelivery(
                    dedupe_key=f"privacy:{deadline.id}:remind:{address}",
                    deadline_id=deadline.id,
                    rule="remind-1d",
                    recipient=address,
                    planned_for=now + timedelta(days=9),
                    status=DeliveryStatus.PLANNED,
                ),
                AuditEntry(
                    at=now - timedelta(days=2),
                    actor=slack_id,
                    action="plan.submitted",
                    entity="action_plan",
                    entity_id=1,
                    detail={"by": name, "email": email, "mention": f"<@{slack_id}>"},
                ),
                AuditEntry(
                    at=now - timedelta(days=3),
                    actor="UDEMOSEC01",
                    action="person.linked",
                    entity="person",
                    entity_id=person.id,
                    detail={"slack_user_id": slack_id, "name": name},
                ),
                AckedWork(
                    function="covenant_command",
                    request={"body": {"user_id": slack_id, "text": f"privacy {email}"}},
                    status="pending",
                    received_at=now - timedelta(minutes=1),
                    claimed_by="web-1",
                    lease_until=now + timedelta(seconds=30),
                ),
            ]
        )
        signatory = session.scalar(select(CharterSignatory).order_by(CharterSignatory.id).offset(1 if others else 0))
        if signatory is not None:
            signatory.signed_by_name = name
        session.commit()
        planted = Planted(name, slack_id, email, person.id, minutes.id)
    if others:
        plant_person(factory, now, OTHER, others=False)
    return planted


def text_values(session: Session) -> list[tuple[str, str, str]]:
    """(table, column, value) for every non-empty text, string and JSON value in every table."""
    found = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        for column in columns:
            for value in session.scalars(select(cast(column, Text)).where(column.is_not(None))):
                if value:
                    found.append((table.name, column.name, value))
    return found


def traces(session: Session, markers: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """Every (table, column, value) holding one of the markers, in any case (JSON with its escapes undone)."""
    wanted = [m.lower() for m in markers]
    hits = []
    for table, column, value in text_values(session):
        readable = value
        if value[:1] in '[{"':
            with contextlib.suppress(ValueError):
                readable = json.dumps(json.loads(value), ensure_ascii=False)
        if any(m in readable.lower() or m in value.lower() for m in wanted):
            hits.append((table, column, value))
    return hits


def snapshot(session: Session) -> list[tuple[str, str]]:
    """Every row of every table as text, sorted: two equal snapshots mean nothing changed."""
    rows = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(select(table)).all():
            rows.append((table.name, repr(tuple(row))))
    return sorted(rows)
