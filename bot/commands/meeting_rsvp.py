"""The Attend / Not attending / Maybe buttons on meeting reminders, and "Who answered?"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.db.enums import RsvpAnswer
from bot.db.keys import row_id
from bot.delivery.families.meetings import reminder_message
from bot.i18n import t
from bot.render import meetings as render
from bot.render.blocks import Reply
from bot.services import authorised, meeting_reminders, people, rsvps
from bot.services.access import Viewer
from bot.services.errors import UsageError

# How long after a meeting the chair can still look up who answered (for the minutes).
WHO_GRACE = timedelta(days=30)


def parse_value(value: str) -> tuple[int, datetime]:
    """A button's value ``<meeting id>|<occurrence start, ISO>``."""
    meeting_id, _, start = value.partition("|")
    key = row_id(meeting_id)
    try:
        moment = datetime.fromisoformat(start)
    except ValueError as exc:
        raise UsageError("rsvp.gone") from exc
    if key is None:
        raise UsageError("rsvp.gone")
    return key, moment


@dataclass
class RsvpResult:
    """A note for the person who pressed (None: the updated counts say enough) and the messages to update."""

    note: Reply | None = None
    updates: list[tuple[str, str, Reply]] = field(default_factory=list)
    # For a press on a message only the presser sees (``/meeting next``): its counts do not change.
    recorded: Reply | None = None


def answer(
    session: Session, value: str, choice: RsvpAnswer, viewer: Viewer, now: datetime, channel_language: str
) -> RsvpResult:
    """Record the answer and re-render every posted reminder of that occurrence; pressing twice changes nothing."""
    meeting_id, recurrence_id = parse_value(value)
    occurrence = rsvps.still_open(authorised.occurrence(session, viewer, meeting_id, recurrence_id), now)
    if not rsvps.record(session, occurrence, viewer.slack_user_id, choice, now):
        session.rollback()
        text = t(viewer.language, "rsvp.unchanged", answer=t(viewer.language, f"rsvp.{choice.value}"))
        return RsvpResult(note=render.confirmation(text))
    session.commit()
    recorded = render.confirmation(
        t(viewer.language, "rsvp.recorded", answer=t(viewer.language, f"rsvp.{choice.value}"))
    )
    updates = []
    for delivery in meeting_reminders.posted(session, meeting_id, recurrence_id):
        if delivery.slack_channel is None or delivery.slack_ts is None:
            continue
        lang = people.language_of(session, delivery.recipient, channel_language)
        updates.append(
            (delivery.slack_channel, delivery.slack_ts, reminder_message(session, delivery, occurrence, lang))
        )
    return RsvpResult(updates=updates, recorded=recorded)


def who(session: Session, value: str, viewer: Viewer, now: datetime) -> Reply:
    """The names behind the counts: for the group's chair and the covenant's secretariat only."""
    meeting_id, recurrence_id = parse_value(value)
    occurrence = rsvps.still_open(authorised.occurrence(session, viewer, meeting_id, recurrence_id), now - WHO_GRACE)
    group = occurrence.meeting.group
    if not viewer.may_see_rsvps(group):
        raise UsageError("rsvp.who_not_allowed")
    return render.who_answered(occurrence, rsvps.answers(session, meeting_id, recurrence_id), viewer.language)
