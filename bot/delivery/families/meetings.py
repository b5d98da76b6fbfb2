"""Meeting messages sent to a working group's channel: the reminders before each sitting (with RSVP
buttons, ``meeting-dayBefore``, ``meeting-soon``) and the notices of scheduling, moves, cancellations
and new agendas.

The planner (bot.services.meetings.meeting_reminders) owes each coming sitting its reminders once; the notices
are inserted by the meeting services when people act.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.models import ReminderDelivery
from bot.delivery.family import Family
from bot.render import meetings as render
from bot.render.blocks import Reply
from bot.render.mail import Attachment
from bot.render.meeting_notices import notice
from bot.services.meetings import calendar_feed, meeting_reminders, occurrences, rsvps
from bot.services.meetings.occurrences import Occurrence


def reminder_message(session: Session, delivery: ReminderDelivery, occurrence: Occurrence, lang: str) -> Reply:
    """A meeting reminder as it reads now (counts included): sent by the sweep, updated after each answer."""
    tally = rsvps.tally(session, occurrence.meeting.id, occurrence.recurrence_id)
    return render.reminder(occurrence, delivery.rule == meeting_reminders.SOON, tally, lang)


def build(session: Session, delivery: ReminderDelivery, now: datetime, lang: str) -> Reply | None:
    """A reminder (None once the sitting was cancelled, moved or has started) or a change notice."""
    if delivery.rule in meeting_reminders.REMINDER_RULES:
        occurrence = meeting_reminders.still_owed(session, delivery, now)
        return reminder_message(session, delivery, occurrence, lang) if occurrence else None
    meeting = meeting_reminders.load_meeting(session, delivery.meeting_id)
    if meeting is None:
        return None
    occurrence = occurrences.occurrence_at(meeting, delivery.occurrence_start) if delivery.occurrence_start else None
    return notice(delivery.rule.removeprefix("meeting-"), meeting, occurrence, dict(delivery.payload or {}), lang)


def attachments(
    session: Session, delivery: ReminderDelivery, now: datetime, organizer: str, attendee: str
) -> list[Attachment]:
    """A meeting reminder by email carries the sitting's invitation (``.ics``, METHOD:REQUEST)."""
    if delivery.rule not in meeting_reminders.REMINDER_RULES:
        return []
    occurrence = meeting_reminders.still_owed(session, delivery, now)
    if occurrence is None:
        return []
    data = calendar_feed.invitation(occurrence, organizer, attendee, now)
    return [Attachment("invite.ics", "text", "calendar", data, {"method": "REQUEST"})]


FAMILY = Family(name="meetings", kinds=("meeting",), build=build, plan=meeting_reminders.plan, attachments=attachments)
