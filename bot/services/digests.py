"""Digests: the secretariat's daily overview (08:30) and each working group's weekly one (Monday 09:00).

They are deliveries like reminders, planned once per day (or week) and recipient, so a scheduler
that misses its cron trigger or runs twice neither loses nor repeats a digest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import DeadlineStatus, MinutesStatus
from bot.db.models import ActionPlan, Covenant, Deadline, Meeting, Minutes, ReminderDelivery, WorkingGroup
from bot.services import deadlines, occurrences, plans
from bot.services.access import Audience, audience_filter
from bot.services.occurrences import Occurrence
from bot.services.reminders import insert_once
from bot.services.working_days import is_business_day

SECRETARIAT_AT = time(8, 30)
GROUP_AT = time(9, 0)
LATEST = time(17, 0)


@dataclass
class SecretariatDigest:
    """What a covenant's secretariat should know this morning."""

    covenant: Covenant
    today: date
    overdue_plans: list[ActionPlan] = field(default_factory=list)
    due_this_week: list[Deadline] = field(default_factory=list)
    meetings: list[Occurrence] = field(default_factory=list)
    awaiting_approval: list[Minutes] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.overdue_plans or self.due_this_week or self.meetings or self.awaiting_approval)


@dataclass
class GroupDigest:
    """A working group's week: its meetings and minutes waiting for approval."""

    group: WorkingGroup
    today: date
    meetings: list[Occurrence] = field(default_factory=list)
    awaiting_approval: list[Minutes] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.meetings or self.awaiting_approval)


def _local(now: datetime, tz: str) -> datetime:
    return now.astimezone(ZoneInfo(tz))


def plan_digests(session: Session, now: datetime) -> int:
    """Plan today's secretariat digests and this week's group digests that are due and not yet planned.

    Runs in every sweep, so it stays cheap when there is nothing new: one query for the covenants'
    zones, and (only inside a digest window) one for the recipients and one for the digests planned
    already; rows are written only for digests that are missing.
    """
    covenants = session.execute(select(Covenant.id, Covenant.timezone, Covenant.secretariat_channel)).all()
    wanted: dict[str, dict[str, object]] = {}
    morning = []
    for covenant in covenants:
        local = _local(now, covenant.timezone)
        if SECRETARIAT_AT <= local.time() < LATEST and is_business_day(local.date()):
            morning.append((covenant, local.date()))
    members = deadlines.secretariat_members(session, [c.id for c, _ in morning if not c.secretariat_channel])
    for covenant, day in morning:
        planned_for = datetime.combine(day, SECRETARIAT_AT, tzinfo=ZoneInfo(covenant.timezone))
        targets = [covenant.secretariat_channel] if covenant.secretariat_channel else members.get(covenant.id, [])
        for target in targets:
            wanted[f"digest:secretariat:{covenant.id}:{day.isoformat()}:{target}"] = {
                "covenant_id": covenant.id,
                "rule": "digest-secretariat",
                "recipient": target,
                "planned_for": planned_for,
            }
    if any(_group_window(_local(now, zone)) for zone in {c.timezone for c in covenants}):
        groups = session.execute(
            select(WorkingGroup.id, WorkingGroup.covenant_id, WorkingGroup.channel_id, Covenant.timezone)
            .join(Covenant, WorkingGroup.covenant_id == Covenant.id)
            .where(WorkingGroup.channel_id.is_not(None))
        )
        for group_id, covenant_id, channel_id, zone in groups:
            local = _local(now, zone)
            if not _group_window(local):
                continue
            week = local.date().isocalendar()
            wanted[f"digest:group:{group_id}:{week.year}-W{week.week:02d}"] = {
                "covenant_id": covenant_id,
                "working_group_id": group_id,
                "rule": "digest-group",
                "recipient": channel_id,
                "planned_for": datetime.combine(local.date(), GROUP_AT, tzinfo=ZoneInfo(zone)),
            }
    if not wanted:
        return 0
    planned = set(session.scalars(select(ReminderDelivery.dedupe_key).where(ReminderDelivery.dedupe_key.in_(wanted))))
    return sum(
        insert_once(session, dedupe_key=key, created_at=now, **values)
        for key, values in wanted.items()
        if key not in planned
    )


def _group_window(local: datetime) -> bool:
    """Monday between 09:00 and 17:00 (local): when a working group's weekly digest is due."""
    return local.weekday() == 0 and GROUP_AT <= local.time() < LATEST


def _awaiting(session: Session, group_ids: list[int], audience: Audience) -> list[Minutes]:
    if not group_ids:
        return []
    keep = audience_filter(audience)
    found = session.scalars(
        select(Minutes)
        .options(selectinload(Minutes.meeting).selectinload(Meeting.group))
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .where(Minutes.status == MinutesStatus.CIRCULATED, Meeting.working_group_id.in_(group_ids))
        .order_by(Minutes.comments_until)
    )
    return [minutes for minutes in found if keep(minutes.meeting)]


def _coming(session: Session, now: datetime, group_ids: list[int], audience: Audience) -> list[Occurrence]:
    """The sittings of the next seven days that ``audience`` may see named."""
    if not group_ids:
        return []
    keep = audience_filter(audience)
    return [o for o in occurrences.between(session, now, now + timedelta(days=7), group_ids) if keep(o.meeting)]


def secretariat_digest(
    session: Session, covenant: Covenant, now: datetime, audience: Audience
) -> SecretariatDigest | None:
    """The covenant's digest as of ``now`` (its own time zone decides 'today'), for its secretariat:
    None when ``audience`` (the channel or person it goes to) is not that secretariat."""
    if not audience.is_secretariat(covenant.id):
        return None
    today = _local(now, covenant.timezone).date()
    group_ids = list(session.scalars(select(WorkingGroup.id).where(WorkingGroup.covenant_id == covenant.id)))
    return SecretariatDigest(
        covenant=covenant,
        today=today,
        overdue_plans=plans.overdue_plans(session, today, [covenant.id]),
        due_this_week=list(
            session.scalars(
                select(Deadline)
                .options(selectinload(Deadline.organisation), selectinload(Deadline.covenant))
                .where(
                    Deadline.covenant_id == covenant.id,
                    Deadline.status == DeadlineStatus.OPEN,
                    Deadline.due_on >= today,
                    Deadline.due_on < today + timedelta(days=7),
                )
                .order_by(Deadline.due_on)
            )
        ),
        meetings=_coming(session, now, group_ids, audience),
        awaiting_approval=_awaiting(session, group_ids, audience),
    )


def group_digest(session: Session, group: WorkingGroup, now: datetime, audience: Audience) -> GroupDigest:
    """The group's week as of ``now``, as ``audience`` (its channel's readers: anyone) may see it: no
    assessment meeting, and no minutes of one, outside the secretariat's own channel."""
    return GroupDigest(
        group=group,
        today=_local(now, group.covenant.timezone).date(),
        meetings=_coming(session, now, [group.id], audience),
        awaiting_approval=_awaiting(session, [group.id], audience),
    )
