"""Digests: the secretariat's daily overview (08:30) and each working group's weekly one (Monday 09:00).

They are deliveries like reminders, planned once per day (or week) and recipient, so a scheduler
that misses its cron trigger or runs twice neither loses nor repeats a digest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import DeadlineStatus, MinutesStatus
from bot.db.models import (
    ActionItem,
    ActionPlan,
    Covenant,
    Deadline,
    Meeting,
    Minutes,
    Person,
    ReminderDelivery,
    WorkingGroup,
    WorkingGroupMember,
)
from bot.services.meetings import occurrences
from bot.services.meetings.occurrences import Occurrence
from bot.services.minutes.minutes_search import names_of
from bot.services.people import addresses
from bot.services.people.access import Audience, audience_filter
from bot.services.plans import deadlines, plans
from bot.services.plans.reminders import insert_once
from bot.services.working_days import is_business_day

SECRETARIAT_AT = time(8, 30)
# Open action items looked at per digest: more than any group keeps open (the digest lists ten).
MAX_ACTIONS = 500
GROUP_AT = time(9, 0)
LATEST = time(17, 0)


@dataclass(frozen=True)
class OpenAction:
    """An action item of approved minutes not done yet: its owner's name ("" when nobody is named)."""

    item: ActionItem
    meeting: Meeting
    owner: str
    late: bool


@dataclass
class SecretariatDigest:
    """What a covenant's secretariat should know this morning."""

    covenant: Covenant
    today: date
    overdue_plans: list[ActionPlan] = field(default_factory=list)
    due_this_week: list[Deadline] = field(default_factory=list)
    meetings: list[Occurrence] = field(default_factory=list)
    awaiting_approval: list[Minutes] = field(default_factory=list)
    overdue_actions: list[OpenAction] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.overdue_plans or self.due_this_week or self.meetings or self.awaiting_approval or self.overdue_actions
        )


@dataclass
class GroupDigest:
    """A working group's week: its meetings, minutes waiting for approval and open action items (late first)."""

    group: WorkingGroup
    today: date
    meetings: list[Occurrence] = field(default_factory=list)
    awaiting_approval: list[Minutes] = field(default_factory=list)
    open_actions: list[OpenAction] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.meetings or self.awaiting_approval or self.open_actions)


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
    targets_of = deadlines.secretariat_targets(session, {c.id: c.secretariat_channel for c, _ in morning})
    for covenant, day in morning:
        planned_for = datetime.combine(day, SECRETARIAT_AT, tzinfo=ZoneInfo(covenant.timezone))
        targets = targets_of.get(covenant.id, [])
        for target in targets:
            wanted[f"digest:secretariat:{covenant.id}:{day.isoformat()}:{target}"] = {
                "covenant_id": covenant.id,
                "rule": "digest-secretariat",
                "recipient": target,
                "planned_for": planned_for,
            }
    if any(_group_window(_local(now, zone)) for zone in {c.timezone for c in covenants}):
        # Each group, with (outer-joined, in the same query) its members reached by email, who read no channel.
        by_email = (
            select(WorkingGroupMember.group_id, Person.id.label("person_id"), Person.slack_user_id, Person.email)
            .add_columns(Person.route)
            .join(Person, WorkingGroupMember.person_id == Person.id)
            .where(Person.email.is_not(None))
            .subquery()
        )
        groups = session.execute(
            select(WorkingGroup.id, WorkingGroup.covenant_id, WorkingGroup.channel_id, Covenant.timezone)
            .add_columns(by_email.c.person_id, by_email.c.slack_user_id, by_email.c.email, by_email.c.route)
            .join(Covenant, WorkingGroup.covenant_id == Covenant.id)
            .outerjoin(by_email, by_email.c.group_id == WorkingGroup.id)
            .order_by(WorkingGroup.id, by_email.c.person_id)
        ).all()
        for group_id, covenant_id, channel_id, zone, person_id, slack_user_id, email, route in groups:
            local = _local(now, zone)
            if not _group_window(local):
                continue
            week = local.date().isocalendar()
            key = f"digest:group:{group_id}:{week.year}-W{week.week:02d}"
            # The group's channel; and each member reached by email, keyed by address.
            group_targets: list[tuple[str, str]] = [(key, channel_id)] if channel_id else []
            if person_id is not None and addresses.reached_by_email(slack_user_id, email, route):
                address = f"{addresses.PERSON_PREFIX}{person_id}"
                group_targets.append((f"{key}:{address}", address))
            for dedupe_key, target in group_targets:
                wanted[dedupe_key] = {
                    "covenant_id": covenant_id,
                    "working_group_id": group_id,
                    "rule": "digest-group",
                    "recipient": target,
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


def _open_actions(
    session: Session, group_ids: list[int], audience: Audience, today: date, *, late_only: bool = False
) -> list[OpenAction]:
    """Action items of the newest approved minutes of each sitting of these groups whose deadline is still open
    (or that have none), late ones first; only of meetings a message to ``audience`` may name."""
    if not group_ids:
        return []
    keep = audience_filter(audience)
    query = (
        select(ActionItem)
        .join(Minutes, Minutes.id == ActionItem.minutes_id)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .outerjoin(Deadline, Deadline.id == ActionItem.deadline_id)
        .options(selectinload(ActionItem.minutes).selectinload(Minutes.meeting).selectinload(Meeting.group))
        .where(
            Minutes.status == MinutesStatus.APPROVED,
            Meeting.working_group_id.in_(group_ids),
            # Not done nor waived: its deadline is open, or it has none.
            or_(ActionItem.deadline_id.is_(None), Deadline.status == DeadlineStatus.OPEN),
        )
        .order_by(Minutes.version.desc(), ActionItem.id)
        .limit(MAX_ACTIONS)
    )
    if late_only:
        query = query.where(ActionItem.due_on < today)
    rows = session.scalars(query).all()
    newest: dict[tuple[int, datetime], int] = {}
    for item in rows:
        newest.setdefault((item.minutes.meeting_id, item.minutes.occurrence_start), item.minutes.version)
    names = names_of(session, {i.owner_slack_id for i in rows if i.owner_slack_id})
    found = []
    for item in rows:
        minutes = item.minutes
        if minutes.version != newest[(minutes.meeting_id, minutes.occurrence_start)] or not keep(minutes.meeting):
            continue
        late = item.due_on is not None and item.due_on < today
        if late or not late_only:
            found.append(OpenAction(item, minutes.meeting, names.get(item.owner_slack_id or "", ""), late))
    return sorted(found, key=lambda a: (not a.late, a.item.due_on or date.max, a.item.id))


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
        overdue_actions=_open_actions(session, group_ids, audience, today, late_only=True),
    )


def group_digest(session: Session, group: WorkingGroup, now: datetime, audience: Audience) -> GroupDigest:
    """The group's week as of ``now``, as ``audience`` (its channel's readers: anyone) may see it: no
    assessment meeting, and no minutes of one, outside the secretariat's own channel."""
    today = _local(now, group.covenant.timezone).date()
    return GroupDigest(
        group=group,
        today=today,
        meetings=_coming(session, now, [group.id], audience),
        awaiting_approval=_awaiting(session, [group.id], audience),
        open_actions=_open_actions(session, [group.id], audience, today),
    )
