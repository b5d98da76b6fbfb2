"""Which minutes messages are owed (the reminder engine's ``minutes`` family plans them on every sweep):

- ``minutes-request``: when a sitting ended (within the last 2 days), "Minutes for <meeting>" in the
  group's channel; its thread collects contributions (``after_send`` records where it went);
- ``minutes-taker``: at the same moment, a DM to the minute-taker;
- ``minutes-chase-draft``: no draft 2 working days after the meeting -> the minute-taker (or the chair);
- ``minutes-chase-approval``: circulated but not approved when the comment window closed -> the chair
  (or the covenant's secretariat channel when the group has no chair).

Each chase goes to one person, once per version of the minutes.

The planner runs on every sweep (every minute). To stay cheap it remembers, in the sweeper's
``PlannerMemory``, until when nothing can fall due (the next end of a sitting, chase or comment
window) and a fingerprint of the meetings and minutes; while both hold, a sweep costs one small
query. Otherwise its queries are built once with bound parameters, bounded by time windows (the
(status, occurrence_start) index of minutes), and anything already planned is dropped by its dedupe
key before more is loaded.

``minutes-circulated`` and ``minutes-changes`` are inserted by bot.services.minutes when people act.
Each message has a dedupe key, so it exists (and is sent) once; the messages themselves are built in
bot.delivery.families.minutes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import BindParameter, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import DeadlineKind, MeetingStatus, MinutesStatus
from bot.db.models import (
    Meeting,
    MeetingException,
    Minutes,
    Person,
    ReminderDelivery,
    WorkingGroup,
    WorkingGroupMember,
)
from bot.services import access, deadlines, working_days
from bot.services import minutes as service
from bot.services.fingerprints import PlannerMemory, Quiet, fingerprint
from bot.services.occurrences import Occurrence, occurrences
from bot.services.reminder_policy import next_allowed_moment, policy_for
from bot.services.reminders import insert_once

LOOK_BACK = timedelta(days=2)
LONGEST_MEETING = timedelta(days=1)
CHASE_AFTER_WORKING_DAYS = 2
CHASE_LOOK_BACK = timedelta(days=30)
# Minutes are circulated within this long after their meeting (bounds the approval-chase query).
CIRCULATION_LOOK_BACK = timedelta(days=120)


_SINCE: BindParameter[datetime] = bindparam("since")
_NOW: BindParameter[datetime] = bindparam("now")
_RECENT: BindParameter[datetime] = bindparam("recent")
_KEYS: BindParameter[list[str]] = bindparam("keys", expanding=True)

# Meetings that can have a sitting that ended in the window (no groups or covenants loaded).
_MAY_HAVE_ENDED = (
    select(Meeting)
    .options(selectinload(Meeting.exceptions))
    .where(
        Meeting.status == MeetingStatus.SCHEDULED,
        or_(
            and_(Meeting.rrule.is_(None), Meeting.ends_at > _RECENT, Meeting.starts_at <= _NOW),
            and_(
                Meeting.rrule.is_not(None),
                Meeting.starts_at <= _NOW,
                or_(Meeting.series_until.is_(None), Meeting.series_until >= _SINCE),
            ),
            Meeting.exceptions.any(MeetingException.starts_at >= _SINCE),
        ),
    )
)
_PLANNED = select(ReminderDelivery.dedupe_key).where(ReminderDelivery.dedupe_key.in_(_KEYS))
# Drafts nobody wrote two (calendar) days after the meeting, and circulated minutes whose window closed.
_CHASE_CANDIDATES = select(Minutes.id, Minutes.status).where(
    or_(
        and_(
            Minutes.status == MinutesStatus.DRAFT,
            Minutes.version == 1,
            Minutes.occurrence_start >= bindparam("draft_since"),
            Minutes.occurrence_start <= bindparam("draft_until"),
            or_(Minutes.summary.is_(None), Minutes.summary == ""),
            ~Minutes.decisions.any(),
            ~Minutes.action_items.any(),
        ),
        and_(
            Minutes.status == MinutesStatus.CIRCULATED,
            Minutes.occurrence_start >= bindparam("circulated_since"),
            Minutes.comments_until <= _NOW,
            Minutes.comments_until >= bindparam("draft_since"),
        ),
    )
)
_WITH_MEETING = select(Minutes).options(
    selectinload(Minutes.meeting).selectinload(Meeting.group).selectinload(WorkingGroup.covenant),
    selectinload(Minutes.meeting).selectinload(Meeting.exceptions),
    selectinload(Minutes.taker),
    selectinload(Minutes.decisions),
    selectinload(Minutes.action_items),
)
_CHAIR = (
    select(Person.slack_user_id)
    .join(WorkingGroupMember, WorkingGroupMember.person_id == Person.id)
    .where(
        WorkingGroupMember.group_id == bindparam("group_id"),
        WorkingGroupMember.is_chair.is_(True),
        Person.slack_user_id.is_not(None),
    )
    .order_by(Person.id)
    .limit(1)
)
RULE_BY_STATUS = {MinutesStatus.DRAFT: "minutes-chase-draft", MinutesStatus.CIRCULATED: "minutes-chase-approval"}


def _key(rule: str, occurrence: Occurrence) -> str:
    return f"{rule}:{occurrence.meeting.id}:{occurrence.recurrence_id.isoformat()}"


QUIET_AT_MOST = timedelta(days=1)
_WATCHED = (Meeting, MeetingException, Minutes)
_MAY_END = (
    select(Meeting)
    .options(selectinload(Meeting.exceptions))
    .where(
        Meeting.status == MeetingStatus.SCHEDULED,
        or_(
            and_(Meeting.rrule.is_(None), Meeting.ends_at > _NOW),
            and_(Meeting.rrule.is_not(None), or_(Meeting.series_until.is_(None), Meeting.series_until >= _SINCE)),
            Meeting.exceptions.any(MeetingException.starts_at >= _SINCE),
        ),
    )
)
_NEXT_DRAFT = select(func.min(Minutes.occurrence_start)).where(
    Minutes.status == MinutesStatus.DRAFT, Minutes.version == 1, Minutes.occurrence_start > bindparam("draft_until")
)
_NEXT_WINDOW = select(func.min(Minutes.comments_until)).where(
    Minutes.status == MinutesStatus.CIRCULATED, Minutes.comments_until > _NOW
)


def plan(session: Session, now: datetime, memory: PlannerMemory) -> int:
    """Plan the minutes messages that became due; returns how many rows were added."""
    # Changes to meetings (new, moved, cancelled) or minutes (new, written, circulated, taken) show here.
    if memory.quiet is not None and memory.quiet.holds(fingerprint(session, *_WATCHED), now):
        return 0
    chase_dues: list[datetime] = []
    added = _plan_requests(session, now) + _plan_chases(session, now, chase_dues)
    session.flush()
    memory.quiet = Quiet(fingerprint(session, *_WATCHED), now, _next_event(session, now, chase_dues))
    return added


def _next_event(session: Session, now: datetime, chase_dues: list[datetime]) -> datetime:
    """The first moment after ``now`` at which something can fall due: a sitting ends, a draft becomes
    chaseable, a comment window closes (at most QUIET_AT_MOST ahead)."""
    moments = [now + QUIET_AT_MOST, *chase_dues]
    for meeting in session.scalars(_MAY_END, {"now": now, "since": now - LONGEST_MEETING}):
        ends = [o.ends_at for o in occurrences(meeting, now - LONGEST_MEETING, now + QUIET_AT_MOST) if o.ends_at > now]
        moments += ends[:1]
    draft_until = now - timedelta(days=CHASE_AFTER_WORKING_DAYS)
    first_draft = session.scalar(_NEXT_DRAFT, {"draft_until": draft_until})
    if first_draft is not None:
        moments.append(first_draft + timedelta(days=CHASE_AFTER_WORKING_DAYS))
    closing = session.scalar(_NEXT_WINDOW, {"now": now})
    if closing is not None:
        moments.append(closing)
    return min(moment for moment in moments if moment > now)


def ended_sittings(session: Session, now: datetime) -> list[Occurrence]:
    """Sittings that ended in the last two days (not cancelled), by their meetings' own series rules."""
    since, recent = now - LOOK_BACK - LONGEST_MEETING, now - LOOK_BACK
    meetings = session.scalars(_MAY_HAVE_ENDED, {"since": since, "now": now, "recent": recent})
    return [
        occurrence
        for meeting in meetings
        for occurrence in occurrences(meeting, since, now)
        if recent < occurrence.ends_at <= now
    ]


def _plan_requests(session: Session, now: datetime) -> int:
    ended = ended_sittings(session, now)
    keys = {_key("minutes-request", o) for o in ended}
    if not keys:
        return 0
    done = set(session.scalars(_PLANNED, {"keys": list(keys)}))
    added = 0
    for occurrence in ended:
        key = _key("minutes-request", occurrence)
        if key in done:
            continue
        minutes = service.open_draft(session, occurrence.meeting, occurrence.recurrence_id, now, "scheduler")
        meeting = minutes.meeting
        common = {
            "minutes_id": minutes.id,
            "meeting_id": meeting.id,
            "occurrence_start": occurrence.recurrence_id,
            "working_group_id": meeting.working_group_id,
            "covenant_id": meeting.group.covenant_id,
            "planned_for": occurrence.ends_at,
            "created_at": now,
        }
        taker = minutes.taker.slack_user_id if minutes.taker else None
        # A confidential meeting (with one company) is never announced in a channel.
        channel = meeting.group.channel_id if meeting.organisation_id is None else None
        if channel:
            added += insert_once(session, dedupe_key=key, rule="minutes-request", recipient=channel, **common)
        elif taker:
            # Nowhere to post: the DM to the minute-taker is the request (and marks this sitting as handled).
            added += insert_once(session, dedupe_key=key, rule="minutes-taker", recipient=taker, **common)
            continue
        if taker:
            added += insert_once(
                session, dedupe_key=_key("minutes-taker", occurrence), rule="minutes-taker", recipient=taker, **common
            )
    return added


def _plan_chases(session: Session, now: datetime, later: list[datetime]) -> int:
    """Chase what is due; the due moments of chases still to come are added to ``later``."""
    candidates = session.execute(
        _CHASE_CANDIDATES,
        {
            "now": now,
            "draft_since": now - CHASE_LOOK_BACK,
            # Two working days after the meeting are at least two days after its start.
            "draft_until": now - timedelta(days=CHASE_AFTER_WORKING_DAYS),
            "circulated_since": now - CHASE_LOOK_BACK - CIRCULATION_LOOK_BACK,
        },
    ).all()
    if not candidates:
        return 0
    keys = {f"{RULE_BY_STATUS[status]}:{minutes_id}": minutes_id for minutes_id, status in candidates}
    todo = set(keys.values()) - {keys[key] for key in session.scalars(_PLANNED, {"keys": list(keys)})}
    if not todo:
        return 0
    added = 0
    for minutes in session.scalars(_WITH_MEETING.where(Minutes.id.in_(todo))):
        meeting = minutes.meeting
        tz = meeting.group.covenant.timezone
        chair = session.scalar(_CHAIR, {"group_id": meeting.working_group_id})
        if minutes.status == MinutesStatus.DRAFT:
            ended = service.sitting_start(meeting, minutes.occurrence_start) + (meeting.ends_at - meeting.starts_at)
            due = working_days.add_business_days(ended, CHASE_AFTER_WORKING_DAYS, tz)
            recipient = minutes.taker.slack_user_id if minutes.taker else chair
        else:
            due = minutes.comments_until or now
            recipient = chair or meeting.group.covenant.secretariat_channel
        if recipient and meeting.organisation_id is not None:
            recipient = _may_see_or_secretariat(session, meeting, recipient)
        if due > now:
            later.append(due)
        elif recipient:
            added += _chase(session, minutes, RULE_BY_STATUS[minutes.status], recipient, due, now)
    return added


def _may_see_or_secretariat(session: Session, meeting: Meeting, recipient: str) -> str | None:
    """An assessment meeting's chase goes to someone who may see the meeting; when the minute-taker or chair
    may not, to the covenant's secretariat (its channel, else its first member)."""
    audience = access.audience_of(session, recipient, "nl", "UTC")
    if audience.may_see_meeting(meeting.group.covenant_id, meeting.organisation_id):
        return recipient
    return next(iter(deadlines.secretariat_recipients(session, meeting.group.covenant_id)), None)


def _chase(session: Session, minutes: Minutes, rule: str, recipient: str, due: datetime, now: datetime) -> int:
    covenant = minutes.meeting.group.covenant
    policy = policy_for(DeadlineKind.MINUTES, covenant.reminder_policy)
    return int(
        insert_once(
            session,
            dedupe_key=f"{rule}:{minutes.id}",
            rule=rule,
            recipient=recipient,
            planned_for=next_allowed_moment(max(due, now), covenant.timezone, policy),
            minutes_id=minutes.id,
            meeting_id=minutes.meeting_id,
            occurrence_start=minutes.occurrence_start,
            working_group_id=minutes.meeting.working_group_id,
            covenant_id=covenant.id,
            created_at=now,
        )
    )
