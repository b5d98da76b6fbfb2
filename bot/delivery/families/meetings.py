"""Meeting messages sent to a working group's channel: the reminders before each sitting (with RSVP
buttons, ``meeting-dayBefore``, ``meeting-soon``) and the notices of scheduling, moves, cancellations
and new agendas.

The planner (bot.services.meeting_reminders) owes each coming sitting its reminders once; the notices
are inserted by the meeting services when people act.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.models import ReminderDelivery
from bot.delivery.family import Family
from bot.render import meetings as render
from bot.render.blocks import Reply
from bot.render.meeting_notices import notice
from bot.services import meeting_reminders, occurrences, rsvps
from bot.services.occurrences import Occurrence


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


FAMILY = Family(name="meetings", kinds=("meeting",), build=build, plan=meeting_reminders.plan)
