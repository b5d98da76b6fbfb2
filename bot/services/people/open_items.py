"""What is waiting for one person: their open deadlines, the action items minutes gave them, and the
meetings of their groups they have not answered yet; and what happens in the coming week.

Only what the viewer may see: a company's deadline only where ``Viewer.may_see_company`` allows, action
items only from minutes they may read (``access.may_see_minutes``), meetings only through ``meeting_filter``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import DeadlineStatus, MinutesStatus, RoleKind
from bot.db.models import ActionItem, Deadline, Meeting, Minutes, Rsvp
from bot.services.meetings.occurrences import Occurrence, between
from bot.services.people import access
from bot.services.people.access import Viewer

RSVP_HORIZON = timedelta(days=30)
MOST = 25


@dataclass(frozen=True)
class MinutesAction:
    """An action item from approved minutes, with the open deadline that tracks it (if any)."""

    item: ActionItem
    meeting: Meeting
    deadline: Deadline | None


@dataclass(frozen=True)
class OpenItems:
    """Everything waiting for one person, soonest first in each list."""

    deadlines: list[Deadline]
    actions: list[MinutesAction]
    rsvps: list[Occurrence]
    today: date

    @property
    def empty(self) -> bool:
        return not (self.deadlines or self.actions or self.rsvps)


def _own_deadlines(session: Session, viewer: Viewer) -> list[Deadline]:
    """Open deadlines the viewer is reminded of: theirs by owner, or their company's when it has no owner."""
    mine = [Deadline.owner_slack_id == viewer.slack_user_id]
    if viewer.person_id is not None:
        mine.append(Deadline.owner_person_id == viewer.person_id)
    contact_of = viewer.covenants_with(RoleKind.COMPANY_CONTACT)
    if viewer.organisation_id is not None and contact_of:
        mine.append(
            and_(
                Deadline.owner_slack_id.is_(None),
                Deadline.owner_person_id.is_(None),
                Deadline.organisation_id == viewer.organisation_id,
                Deadline.covenant_id.in_(contact_of),
            )
        )
    rows = session.scalars(
        select(Deadline)
        .options(selectinload(Deadline.covenant))
        .where(Deadline.status == DeadlineStatus.OPEN, or_(*mine))
        .order_by(Deadline.due_on, Deadline.id)
        .limit(MOST * 2)
    )
    return [d for d in rows if d.organisation_id is None or viewer.may_see_company(d.covenant_id, d.organisation_id)]


def _minutes_actions(session: Session, viewer: Viewer) -> list[MinutesAction]:
    """Action items of approved minutes that name the viewer and are not done yet."""
    rows = session.scalars(
        select(ActionItem)
        .join(Minutes, Minutes.id == ActionItem.minutes_id)
        .options(selectinload(ActionItem.minutes).selectinload(Minutes.meeting).selectinload(Meeting.group))
        .where(ActionItem.owner_slack_id == viewer.slack_user_id, Minutes.status == MinutesStatus.APPROVED)
        .order_by(ActionItem.due_on, ActionItem.id)
        .limit(MOST * 2)
    )
    found = []
    for item in rows:
        meeting = item.minutes.meeting
        if not access.may_see_minutes(session, viewer, meeting):
            continue
        deadline = session.get(Deadline, item.deadline_id) if item.deadline_id is not None else None
        if deadline is not None and deadline.status != DeadlineStatus.OPEN:
            continue
        found.append(MinutesAction(item, meeting, deadline))
    return found


def _unanswered(session: Session, viewer: Viewer, now: datetime) -> list[Occurrence]:
    """The next sitting of each meeting of the viewer's groups in the coming month that they did not answer."""
    if not viewer.groups:
        return []
    coming = [
        o
        for o in between(session, now, now + RSVP_HORIZON, viewer.groups, access.meeting_filter(viewer))
        if not o.cancelled
    ]
    answered = set(
        session.execute(
            select(Rsvp.meeting_id, Rsvp.occurrence_start).where(
                Rsvp.slack_user_id == viewer.slack_user_id, Rsvp.meeting_id.in_({o.meeting.id for o in coming})
            )
        ).tuples()
    )
    seen: set[int] = set()
    found = []
    for occurrence in coming:
        if occurrence.meeting.id in seen:
            continue
        seen.add(occurrence.meeting.id)
        if (occurrence.meeting.id, occurrence.recurrence_id) not in answered:
            found.append(occurrence)
    return found


def open_items(session: Session, viewer: Viewer, now: datetime, today: date) -> OpenItems:
    """Everything waiting for ``viewer`` (see the module's rule on what they may see)."""
    actions = _minutes_actions(session, viewer)
    tracked = {a.deadline.id for a in actions if a.deadline is not None}
    deadlines = [d for d in _own_deadlines(session, viewer) if d.id not in tracked]
    return OpenItems(deadlines[:MOST], actions[:MOST], _unanswered(session, viewer, now)[:MOST], today)


@dataclass(frozen=True)
class Week:
    """What happens in one week (Monday to Sunday) for one person: meetings and their deadlines."""

    first_day: date
    last_day: date
    meetings: list[Occurrence]
    deadlines: list[Deadline]


def next_week(session: Session, viewer: Viewer, now: datetime, today: date) -> Week:
    """Next calendar week: the meetings of the viewer's groups (of every group when they are in none, as
    far as they may see them) and their own open deadlines due in it."""
    monday = today + timedelta(days=7 - today.weekday())
    sunday = monday + timedelta(days=6)
    start = datetime.combine(monday, datetime.min.time(), tzinfo=now.tzinfo)
    # A day either side of the week catches every time zone; the exact days are filtered below.
    found = between(
        session,
        start - timedelta(days=1),
        start + timedelta(days=8),
        viewer.groups or None,
        access.meeting_filter(viewer),
    )
    zone = ZoneInfo(viewer.timezone)
    meetings = [o for o in found if not o.cancelled and monday <= o.starts_at.astimezone(zone).date() <= sunday]
    deadlines = [d for d in _own_deadlines(session, viewer) if monday <= d.due_on <= sunday]
    return Week(monday, sunday, meetings[:MOST], deadlines[:MOST])
