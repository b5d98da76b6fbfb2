"""Meeting reminders, the database side: which reminders each coming occurrence is owed, and whether a
planned one still describes the meeting when it is due.

Each occurrence gets, in its group's channel, a reminder on the working day before (Dutch business days) at
10:00 in the meeting's zone, with the agenda, and one 15 minutes before, with the link (config/
reminder_policy.yml, ``meetings``; overridable per covenant). The key of each reminder names the occurrence
*and its current start*, so a moved occurrence is reminded at its new time and the old row is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import DeliveryStatus, MeetingStatus
from bot.db.models import (
    Covenant,
    Meeting,
    MeetingException,
    Person,
    ReminderDelivery,
    WorkingGroup,
    WorkingGroupMember,
)
from bot.services.fingerprints import PlannerMemory, Quiet, fingerprint
from bot.services.meetings import occurrences
from bot.services.meetings.occurrences import Occurrence
from bot.services.people import addresses
from bot.services.plans.reminders import insert_once
from bot.services.reminder_policy import section
from bot.services.working_days import is_business_day

DAY_BEFORE = "meeting-dayBefore"
SOON = "meeting-soon"
REMINDER_RULES = (DAY_BEFORE, SOON)
# How far ahead the planner looks: the working day before can be five days back (Christmas, a weekend).
PLANNING_WINDOW = timedelta(days=8)


@dataclass(frozen=True)
class MeetingReminderPolicy:
    day_before_at: time | None = time(10, 0)
    minutes_before: int = 15
    catch_up: timedelta = timedelta(hours=3)
    business_days: str = "NL"


def policy_for(covenant_overrides: dict[str, Any] | None) -> MeetingReminderPolicy:
    """The file's ``meetings`` section, then the covenant's ``meetings`` overrides."""
    values = {**section("meetings"), **((covenant_overrides or {}).get("meetings") or {})}
    at = values.get("day_before_at", "10:00")
    return MeetingReminderPolicy(
        day_before_at=time.fromisoformat(str(at)) if at else None,
        minutes_before=int(values.get("minutes_before", 15) or 0),
        catch_up=timedelta(hours=float(values.get("catch_up_hours", 3))),
        business_days=str(values.get("business_days", "NL")),
    )


def working_day_before(day: date, country: str = "NL") -> date:
    """The last business day before ``day`` (Friday for a Monday; before Christmas, the 24th)."""
    previous = day - timedelta(days=1)
    while not is_business_day(previous, country):
        previous -= timedelta(days=1)
    return previous


def reminder_moments(occurrence: Occurrence, policy: MeetingReminderPolicy) -> list[tuple[str, datetime]]:
    """When each reminder of this occurrence is due (UTC)."""
    zone = ZoneInfo(occurrence.meeting.timezone)
    moments: list[tuple[str, datetime]] = []
    if policy.day_before_at is not None:
        day = working_day_before(occurrence.starts_at.astimezone(zone).date(), policy.business_days)
        moments.append((DAY_BEFORE, datetime.combine(day, policy.day_before_at, tzinfo=zone).astimezone(UTC)))
    if policy.minutes_before > 0:
        moments.append((SOON, occurrence.starts_at - timedelta(minutes=policy.minutes_before)))
    return moments


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def reminder_key(occurrence: Occurrence, rule: str, channel: str) -> str:
    """The dedupe key: the occurrence (RECURRENCE-ID), its current start, the rule and the channel."""
    meeting = occurrence.meeting
    return f"meeting:{meeting.id}:{_stamp(occurrence.recurrence_id)}:{_stamp(occurrence.starts_at)}:{rule}:{channel}"


def _owed_now(
    rule: str, moment: datetime, occurrence: Occurrence, policy: MeetingReminderPolicy, now: datetime
) -> bool:
    """A reminder whose moment passed (downtime, or a meeting scheduled late) is still worth sending?"""
    if moment >= now:
        return True
    if rule == DAY_BEFORE:
        soon = occurrence.starts_at - timedelta(minutes=policy.minutes_before)
        return now - moment <= policy.catch_up and now < soon
    return now < occurrence.starts_at


# The planner reads every active meeting series; unless a meeting, exception, group or covenant changed,
# doing so once an hour is enough (the window reaches 8 days ahead; a sweep runs every minute).
REPLAN_EVERY = timedelta(hours=1)


def plan(session: Session, now: datetime, memory: PlannerMemory) -> int:
    """Plan the reminders of every occurrence in the next days (each once); returns rows added.

    Skipped (one small query) when ``memory`` holds a plan of less than REPLAN_EVERY ago and nothing
    that decides reminders changed since.
    """
    seen = fingerprint(session, Meeting, MeetingException, WorkingGroup, Covenant, WorkingGroupMember, Person)
    if memory.quiet is not None and memory.quiet.holds(seen, now):
        return 0
    added = _plan(session, now)
    memory.quiet = Quiet(seen, now, now + REPLAN_EVERY)
    return added


def _plan(session: Session, now: datetime) -> int:
    coming = occurrences.between(session, now, now + PLANNING_WINDOW)
    by_email = addresses.members_by_email(session, {occurrence.meeting.working_group_id for occurrence in coming})
    wanted: dict[str, dict[str, Any]] = {}
    for occurrence in coming:
        meeting = occurrence.meeting
        group = meeting.group
        if meeting.organisation_id is not None:
            continue  # confidential meetings are not announced in a channel, nor to the group by email
        # The group's channel, and each member reached by email (who reads no channel): a delivery each.
        targets = ([group.channel_id] if group.channel_id else []) + by_email.get(group.id, [])
        policy = policy_for(group.covenant.reminder_policy)
        for rule, moment in reminder_moments(occurrence, policy):
            if not _owed_now(rule, moment, occurrence, policy, now):
                continue
            for target in targets:
                key = reminder_key(occurrence, rule, target)
                wanted[key] = {
                    "dedupe_key": key,
                    "meeting_id": meeting.id,
                    "occurrence_start": occurrence.recurrence_id,
                    "working_group_id": group.id,
                    "covenant_id": group.covenant_id,
                    "rule": rule,
                    "recipient": target,
                    "planned_for": max(moment, now),
                    "payload": {"starts_at": occurrence.starts_at.isoformat()},
                    "created_at": now,
                }
    if not wanted:
        return 0
    known = set(session.scalars(select(ReminderDelivery.dedupe_key).where(ReminderDelivery.dedupe_key.in_(wanted))))
    return sum(insert_once(session, **values) for key, values in wanted.items() if key not in known)


def load_meeting(session: Session, meeting_id: int | None) -> Meeting | None:
    """A meeting with its exceptions, group and covenant (for building its messages)."""
    if meeting_id is None:
        return None
    return session.scalar(
        select(Meeting)
        .options(
            selectinload(Meeting.exceptions),
            selectinload(Meeting.group).selectinload(WorkingGroup.covenant),
            selectinload(Meeting.minute_taker),
        )
        .where(Meeting.id == meeting_id)
    )


def still_owed(session: Session, delivery: ReminderDelivery, now: datetime) -> Occurrence | None:
    """The occurrence a reminder is about, if it still takes place at the time the reminder was planned for
    and has not started; None when the reminder is no longer owed (cancelled, moved, over)."""
    occurrence = described(session, delivery)
    if occurrence is None or now >= occurrence.starts_at:
        return None
    return occurrence


def described(session: Session, delivery: ReminderDelivery) -> Occurrence | None:
    """The occurrence a reminder message describes, unless it was cancelled or moved since."""
    meeting = load_meeting(session, delivery.meeting_id)
    if meeting is None or delivery.occurrence_start is None or meeting.status == MeetingStatus.CANCELLED:
        return None
    occurrence = occurrences.occurrence_at(meeting, delivery.occurrence_start)
    if occurrence is None or occurrence.cancelled:
        return None
    planned_start = str((delivery.payload or {}).get("starts_at", ""))
    if planned_start != occurrence.starts_at.isoformat():
        return None
    return occurrence


def posted(session: Session, meeting_id: int, recurrence_id: datetime) -> list[ReminderDelivery]:
    """The reminders of an occurrence that are in the channel now (to update their RSVP counts)."""
    return list(
        session.scalars(
            select(ReminderDelivery).where(
                ReminderDelivery.meeting_id == meeting_id,
                ReminderDelivery.occurrence_start == recurrence_id,
                ReminderDelivery.rule.in_(REMINDER_RULES),
                ReminderDelivery.status == DeliveryStatus.SENT,
                ReminderDelivery.slack_ts.is_not(None),
            )
        )
    )
