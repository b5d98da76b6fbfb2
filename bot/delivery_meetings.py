"""Meeting messages the reminder engine sends to a working group's channel: the reminders before each
sitting (with RSVP buttons) and the notices of scheduling, moves, cancellations and new agendas.

Registered with the sweep as the ``meeting`` family; the planner (services/meeting_reminders.py) runs on
every sweep and owes each coming sitting its reminders once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.commands.meeting_rsvp import reminder_message
from bot.db.models import ReminderDelivery
from bot.delivery import register
from bot.render.blocks import Reply
from bot.render.meeting_notices import notice
from bot.services import meeting_reminders, occurrences


def build_meeting_message(session: Session, delivery: ReminderDelivery, now: datetime, lang: str) -> Reply | None:
    """A reminder (None once the sitting was cancelled, moved or has started) or a change notice."""
    if delivery.rule in meeting_reminders.REMINDER_RULES:
        occurrence = meeting_reminders.still_owed(session, delivery, now)
        return reminder_message(session, delivery, occurrence, lang) if occurrence else None
    meeting = meeting_reminders.load_meeting(session, delivery.meeting_id)
    if meeting is None:
        return None
    occurrence = occurrences.occurrence_at(meeting, delivery.occurrence_start) if delivery.occurrence_start else None
    return notice(delivery.rule.removeprefix("meeting-"), meeting, occurrence, dict(delivery.payload or {}), lang)


register("meeting", build_meeting_message, planner=meeting_reminders.plan)
