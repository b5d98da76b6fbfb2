"""The demo data's charters (``charters:`` in config/seed/demo.yml): coordinator and contacts, signatories with
their commitments and progress, a follow-up group; loaded once by ``seed.load_demo``."""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.enums import CommitmentKind, DeadlineKind, DeadlineStatus, OrganisationKind, ParticipationType, RoleKind
from bot.db.models import (
    CharterSignatory,
    Commitment,
    CommitmentUpdate,
    Covenant,
    Deadline,
    Organisation,
    Participation,
    Person,
    Role,
    SlackProfile,
    WorkingGroup,
    WorkingGroupMember,
)
from bot.services.charters.signatories import UPDATE_TITLE, anniversary, first_update_due

_RELATIVE = re.compile(r"^([+-]\d+)d$")


def _day(value: Any, today: date) -> date | None:
    if value is None or isinstance(value, date):
        return value
    match = _RELATIVE.match(str(value).strip())
    return today + timedelta(days=int(match.group(1))) if match else date.fromisoformat(str(value))


def _organisation(session: Session, orgs: dict[str, Organisation], name: str, kind: str) -> Organisation:
    org = orgs.get(name)
    if org is None:
        org = Organisation(name=name, kind=OrganisationKind(kind), fictional=True)
        session.add(org)
        session.flush()
        orgs[name] = org
    return org


def _people(
    session: Session, charter: Covenant, entries: list[dict[str, Any]], orgs: dict[str, Organisation], now: datetime
) -> dict[str, Person]:
    people: dict[str, Person] = {}
    for entry in entries:
        person = session.scalar(select(Person).where(Person.slack_user_id == entry["slack_user_id"]))
        if person is None:
            org = orgs[entry["organisation"]]
            person = Person(
                slack_user_id=entry["slack_user_id"], name=entry["name"], organisation_id=org.id, fictional=True
            )
            session.add(person)
            session.flush()
            session.add_all(Role(person_id=person.id, covenant_id=charter.id, kind=RoleKind(k)) for k in entry["roles"])
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
    return people


def _request(session: Session, charter: Covenant, commitment: Commitment, org_id: int, due_on: date) -> Deadline:
    deadline = Deadline(
        covenant_id=charter.id,
        kind=DeadlineKind.COMMITMENT_UPDATE,
        title=UPDATE_TITLE.format(number=commitment.number, year=due_on.year),
        due_on=due_on,
        organisation_id=org_id,
        ref=f"charter-commitment:{commitment.id}:{due_on.year}",
        status=DeadlineStatus.OPEN,
    )
    session.add(deadline)
    session.flush()
    return deadline


def _signatory(
    session: Session,
    charter: Covenant,
    entry: dict[str, Any],
    orgs: dict[str, Organisation],
    today: date,
    now: datetime,
) -> None:
    org = _organisation(session, orgs, entry["organisation"], entry["kind"])
    signed_on = _day(entry["signed_on"], today) or today
    signed_by = entry.get("signed_by") or {}
    signatory = CharterSignatory(
        covenant_id=charter.id,
        organisation_id=org.id,
        signed_on=signed_on,
        signed_by_name=signed_by.get("name"),
        signed_by_role=signed_by.get("role"),
    )
    session.add(signatory)
    session.add(
        Participation(
            covenant_id=charter.id, organisation_id=org.id, type=ParticipationType.SIGNATORY, joined_on=signed_on
        )
    )
    session.flush()
    updates = {u["commitment"]: u for u in entry.get("progress", [])}
    for number, item in enumerate(entry.get("commitments", []), start=1):
        commitment = Commitment(
            signatory_id=signatory.id,
            number=number,
            kind=CommitmentKind(item["kind"]),
            text=item["text"],
            target_number=item.get("target"),
            target_on=_day(item.get("by"), today),
        )
        session.add(commitment)
        session.flush()
        update = updates.get(number)
        due = first_update_due(signed_on, today)
        if update is not None:
            reported = _day(update["reported"], today) or today
            session.add(
                CommitmentUpdate(
                    commitment_id=commitment.id,
                    year=reported.year,
                    text=update["text"],
                    achieved=update.get("achieved"),
                    reported_on=reported,
                    reported_by=update["by"],
                )
            )
            # The update answered the first request: done, and next year's asked for.
            answered = _request(session, charter, commitment, org.id, due)
            answered.status, answered.done_at = DeadlineStatus.DONE, now
            due = anniversary(signed_on, due.year + 1)
        _request(session, charter, commitment, org.id, due)


def load(
    session: Session,
    entries: list[dict[str, Any]],
    slugs: dict[str, Covenant],
    orgs: dict[str, Organisation],
    today: date,
    now: datetime,
) -> None:
    """Insert the demo charters' people, signatories, commitments, progress and follow-up group (once)."""
    for entry in entries:
        charter = slugs[entry["charter"]]
        coordinator = entry["coordinator_organisation"]
        _organisation(session, orgs, coordinator["name"], coordinator["kind"])
        for item in entry.get("signatories", []):
            _organisation(session, orgs, item["organisation"], item["kind"])
        people = _people(session, charter, entry.get("people", []), orgs, now)
        if session.scalar(select(CharterSignatory.id).where(CharterSignatory.covenant_id == charter.id).limit(1)):
            continue
        for item in entry.get("signatories", []):
            _signatory(session, charter, item, orgs, today, now)
        group_entry = entry.get("follow_up_group")
        if group_entry:
            group = WorkingGroup(
                covenant_id=charter.id,
                name=group_entry["name"],
                name_en=group_entry.get("name_en"),
                calendar_token=secrets.token_urlsafe(24),
            )
            session.add(group)
            session.flush()
            session.add_all(
                WorkingGroupMember(group_id=group.id, person_id=people[m["person"]].id, is_chair=bool(m.get("chair")))
                for m in group_entry.get("members", [])
            )
    session.flush()
