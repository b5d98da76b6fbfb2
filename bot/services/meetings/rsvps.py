"""Answers to a meeting's invitation (Attend / Not attending / Maybe), one per person and occurrence.

An occurrence is named by its RECURRENCE-ID (the original start in UTC; for a one-off meeting its start),
so answers stay with a series occurrence when it is moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.enums import RsvpAnswer
from bot.db.models import Rsvp
from bot.services.administration import audit
from bot.services.errors import UsageError
from bot.services.meetings.occurrences import Occurrence


@dataclass(frozen=True)
class Tally:
    yes: int = 0
    no: int = 0
    maybe: int = 0


def still_open(occurrence: Occurrence, now: datetime) -> Occurrence:
    """``occurrence`` when people can still answer for it; UsageError when it is cancelled or over.

    Load it for the person answering with bot.services.people.authorised.occurrence (a button names it)."""
    if occurrence.cancelled:
        raise UsageError("rsvp.cancelled")
    if occurrence.ends_at <= now:
        raise UsageError("rsvp.over")
    return occurrence


def record(session: Session, occurrence: Occurrence, slack_user_id: str, answer: RsvpAnswer, now: datetime) -> bool:
    """Store the person's answer; False (and nothing written) when it was their answer already."""
    meeting_id, recurrence_id = occurrence.meeting.id, occurrence.recurrence_id
    row = session.scalar(
        select(Rsvp).where(
            Rsvp.meeting_id == meeting_id,
            Rsvp.occurrence_start == recurrence_id,
            Rsvp.slack_user_id == slack_user_id,
        )
    )
    if row is not None and row.answer == answer:
        return False
    previous = row.answer.value if row is not None else None
    if row is None:
        session.add(
            Rsvp(meeting_id=meeting_id, occurrence_start=recurrence_id, slack_user_id=slack_user_id, answer=answer)
        )
    else:
        row.answer = answer
    audit.record(
        session,
        at=now,
        actor=slack_user_id,
        action="meeting.rsvp",
        entity="meeting",
        entity_id=meeting_id,
        detail={"occurrence": recurrence_id.isoformat(), "answer": answer.value, "previous": previous},
    )
    return True


def tally(session: Session, meeting_id: int, recurrence_id: datetime) -> Tally:
    """How many answered each way."""
    rows = session.execute(
        select(Rsvp.answer, func.count())
        .where(Rsvp.meeting_id == meeting_id, Rsvp.occurrence_start == recurrence_id)
        .group_by(Rsvp.answer)
    ).all()
    counts = {answer: count for answer, count in rows}
    return Tally(counts.get(RsvpAnswer.YES, 0), counts.get(RsvpAnswer.NO, 0), counts.get(RsvpAnswer.MAYBE, 0))


def answers(session: Session, meeting_id: int, recurrence_id: datetime) -> dict[RsvpAnswer, list[str]]:
    """Who answered what (Slack user ids, in the order they answered)."""
    found: dict[RsvpAnswer, list[str]] = {answer: [] for answer in RsvpAnswer}
    for row in session.scalars(
        select(Rsvp)
        .where(Rsvp.meeting_id == meeting_id, Rsvp.occurrence_start == recurrence_id)
        .order_by(Rsvp.created_at, Rsvp.id)
    ):
        found[row.answer].append(row.slack_user_id)
    return found
