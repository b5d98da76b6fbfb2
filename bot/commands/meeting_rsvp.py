"""The Attend / Not attending / Maybe buttons on meeting reminders, and "Who answered?"."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.db.enums import RsvpAnswer
from bot.db.keys import row_id
from bot.delivery.families.meetings import reminder_message
from bot.i18n import t
from bot.interaction import Ask, MessageUpdate, Outcome
from bot.render import meetings as render
from bot.services.errors import UsageError
from bot.services.meetings import meeting_reminders, rsvps
from bot.services.people import authorised, people

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


def answer(ask: Ask, value: str, choice: RsvpAnswer, channel_language: str, pressed_privately: bool) -> Outcome:
    """Record the answer of someone who may attend (``Viewer.may_attend``; others are told whose meeting it
    is) and re-render every posted reminder of that occurrence; pressing twice changes nothing.

    ``pressed_privately``: the press was on a message only the presser sees (``/meeting next``), whose counts
    the updates do not reach; it is replaced by a note of what was recorded.
    """
    session, viewer, lang = ask.session, ask.viewer, ask.lang
    meeting_id, recurrence_id = parse_value(value)
    occurrence = rsvps.still_open(authorised.invitation(session, viewer, meeting_id, recurrence_id), ask.now)
    if not rsvps.record(session, occurrence, viewer.slack_user_id, choice, ask.now):
        session.rollback()
        return Outcome.of(render.confirmation(t(lang, "rsvp.unchanged", answer=t(lang, f"rsvp.{choice.value}"))))
    session.commit()
    outcome = Outcome()
    if pressed_privately:
        outcome.reply = render.confirmation(t(lang, "rsvp.recorded", answer=t(lang, f"rsvp.{choice.value}")))
        outcome.replace = True
    for delivery in meeting_reminders.posted(session, meeting_id, recurrence_id):
        if delivery.slack_channel is None or delivery.slack_ts is None:
            continue
        reader = people.language_of(session, delivery.recipient, channel_language)
        message = reminder_message(session, delivery, occurrence, reader)
        outcome.updates.append(MessageUpdate(delivery.slack_channel, delivery.slack_ts, message))
    return outcome


def who(ask: Ask, value: str) -> Outcome:
    """The names behind the counts: for the group's chair and the covenant's secretariat only."""
    meeting_id, recurrence_id = parse_value(value)
    found = authorised.invitation(ask.session, ask.viewer, meeting_id, recurrence_id)
    occurrence = rsvps.still_open(found, ask.now - WHO_GRACE)
    if not ask.viewer.may_see_rsvps(occurrence.meeting.group):
        raise UsageError("rsvp.who_not_allowed")
    return Outcome.of(render.who_answered(occurrence, rsvps.answers(ask.session, meeting_id, recurrence_id), ask.lang))
