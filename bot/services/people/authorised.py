"""The objects a button or form may name, loaded for the person who pressed it.

A button's ``value``, a form's ``private_metadata`` and a selected option are chosen by whoever sends the
request: a forged request can name any id. Button and form code reaches a deadline, a meeting or minutes
only through these loaders, which answer :class:`NotFound` alike for an id that names nothing and for an
object the viewer may not see, so a forged id tells nothing (not even that the object exists) and writes
nothing. What a viewer may then *do* with a visible object stays with the service that does it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.enums import DeliveryStatus
from bot.db.keys import row_id
from bot.db.models import Deadline, Meeting, Minutes, ReminderDelivery
from bot.services.errors import UsageError
from bot.services.meetings import occurrences
from bot.services.meetings.occurrences import Occurrence
from bot.services.minutes import minutes as minutes_service
from bot.services.people import access
from bot.services.people.access import Viewer
from bot.services.plans import deadlines


class NotFound(UsageError):
    """The named object does not exist, or is not for this viewer: one answer for both."""

    def __init__(self) -> None:
        super().__init__("common.not_found")


def deadline(session: Session, viewer: Viewer, raw_id: object) -> Deadline:
    """The deadline a reminder button names: for its recipients, whoever received its reminder, and the
    covenant's secretariat."""
    key = row_id(str(raw_id)) if raw_id is not None else None
    if key is None:
        raise NotFound()
    try:
        found = deadlines.get(session, key)
    except UsageError:
        raise NotFound() from None
    if viewer.is_secretariat(found.covenant_id) or deadlines.may_act_on(session, found, viewer.slack_user_id):
        return found
    if _received_reminder(session, found.id, viewer.slack_user_id):
        return found
    raise NotFound()


def _received_reminder(session: Session, deadline_id: int, slack_user_id: str) -> bool:
    """True when a reminder of this deadline was sent to this person (who may then say it is not for them)."""
    sent = session.scalar(
        select(ReminderDelivery.id)
        .where(
            ReminderDelivery.deadline_id == deadline_id,
            ReminderDelivery.recipient == slack_user_id,
            ReminderDelivery.status == DeliveryStatus.SENT,
        )
        .limit(1)
    )
    return sent is not None


def meeting(session: Session, viewer: Viewer, raw_id: object) -> Meeting:
    """A meeting the viewer may see: every group meeting, but a meeting with one company (an assessment
    meeting) only for that company's contacts and the covenant's secretariat."""
    key = row_id(str(raw_id)) if raw_id is not None else None
    found = session.get(Meeting, key) if key is not None else None
    if found is None or not viewer.may_see_group_meeting(found, found.group):
        raise NotFound()
    return found


def occurrence(session: Session, viewer: Viewer, raw_id: object, recurrence_id: datetime) -> Occurrence:
    """One sitting of a meeting the viewer may see (see :func:`meeting`)."""
    found = occurrences.occurrence_at(meeting(session, viewer, raw_id), recurrence_id)
    if found is None:
        raise NotFound()
    return found


def invitation(session: Session, viewer: Viewer, raw_id: object, recurrence_id: datetime) -> Occurrence:
    """One sitting whose invitation the viewer may answer (or whose answers they may ask for): as
    :func:`occurrence`, but someone outside a group is told that its meetings are for its members (a group's
    meeting is no secret; a confidential one with one company still answers :class:`NotFound`)."""
    key = row_id(str(raw_id)) if raw_id is not None else None
    found = session.get(Meeting, key) if key is not None else None
    if found is not None and found.organisation_id is None and not viewer.may_attend(found.group):
        raise UsageError("meeting.members_only", group=found.group.name)
    return occurrence(session, viewer, raw_id, recurrence_id)


def minutes(session: Session, viewer: Viewer, raw_id: object) -> Minutes:
    """Minutes the viewer may read: the group's members and the secretariat (steering group: its members),
    and for an assessment meeting only the secretariat and the company's contacts."""
    key = row_id(str(raw_id)) if raw_id is not None else None
    if key is None:
        raise NotFound()
    try:
        found = minutes_service.load(session, key)
    except UsageError:
        raise NotFound() from None
    if not access.may_see_minutes(session, viewer, found.meeting):
        raise NotFound()
    return found
