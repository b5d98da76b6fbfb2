"""The pack's record of the cycle's work: meetings held and attendance, minutes approved, decisions, action items.

An assessment meeting (a meeting about one company) is company data: in the public pack it is only counted, and
its minutes, decisions and action items are left out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from bot.db.enums import DeadlineKind, DeadlineStatus, MeetingKind, MinutesStatus, RsvpAnswer
from bot.db.models import ActionItem, Deadline, Meeting, Minutes, Rsvp, WorkingGroup
from bot.services.meetings.occurrences import occurrences
from bot.services.minutes.minutes_search import names_of
from bot.services.reports.figures import (
    ActionItemFigures,
    ActionItemRow,
    ActionState,
    Audience,
    DecisionRow,
    Group,
    GroupActionItems,
    GroupCount,
    GroupMeetings,
    MeetingFigures,
    MeetingRow,
    MinutesRow,
    Period,
    RecordFigures,
)

# Minutes statuses from most to least settled: the one a sitting's row shows.
_SETTLED = [MinutesStatus.APPROVED, MinutesStatus.CIRCULATED, MinutesStatus.DRAFT, MinutesStatus.SUPERSEDED]


def _group(group: WorkingGroup) -> Group:
    return Group(group.name, group.name_en)


def _confidential(meeting: Meeting) -> bool:
    return meeting.organisation_id is not None or meeting.kind == MeetingKind.ASSESSMENT


def _local_day(moment: datetime, tz: str) -> date:
    return moment.astimezone(ZoneInfo(tz)).date()


def meetings(session: Session, covenant_id: int, period: Period, now: datetime, audience: Audience) -> MeetingFigures:
    """Sittings that took place in the cycle (ended before ``now``, not cancelled), with their RSVPs."""
    until = min(period.end, now)
    found = session.scalars(
        select(Meeting)
        .join(WorkingGroup, WorkingGroup.id == Meeting.working_group_id)
        .options(contains_eager(Meeting.group), selectinload(Meeting.exceptions))
        .where(
            WorkingGroup.covenant_id == covenant_id,
            Meeting.starts_at < until,
            or_(
                and_(Meeting.rrule.is_(None), Meeting.starts_at >= period.start),
                and_(
                    Meeting.rrule.is_not(None),
                    or_(Meeting.series_until.is_(None), Meeting.series_until >= period.start),
                ),
            ),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    answers: dict[tuple[int, datetime], Counter[RsvpAnswer]] = defaultdict(Counter)
    for meeting_id, start, answer in session.execute(
        select(Rsvp.meeting_id, Rsvp.occurrence_start, Rsvp.answer)
        .join(Meeting, Meeting.id == Rsvp.meeting_id)
        .join(WorkingGroup, WorkingGroup.id == Meeting.working_group_id)
        .where(WorkingGroup.covenant_id == covenant_id, Rsvp.occurrence_start < until)
    ):
        answers[(meeting_id, start)][answer] += 1
    minutes_status: dict[tuple[int, datetime], MinutesStatus] = {}
    if audience == Audience.SECRETARIAT:
        for meeting_id, start, status in session.execute(
            select(Minutes.meeting_id, Minutes.occurrence_start, Minutes.status)
            .join(Meeting, Meeting.id == Minutes.meeting_id)
            .join(WorkingGroup, WorkingGroup.id == Meeting.working_group_id)
            .where(WorkingGroup.covenant_id == covenant_id, Minutes.occurrence_start >= period.start)
        ):
            known = minutes_status.get((meeting_id, start))
            if known is None or _SETTLED.index(status) < _SETTLED.index(known):
                minutes_status[(meeting_id, start)] = status
    totals: dict[Group, Counter[str]] = defaultdict(Counter)
    rows: list[MeetingRow] = []
    assessment = 0
    for meeting in found:
        for sitting in occurrences(meeting, period.start, until):
            if sitting.ends_at > now:
                continue
            counted = answers.get((meeting.id, sitting.recurrence_id), Counter())
            group = _group(meeting.group)
            if _confidential(meeting):
                assessment += 1
            else:
                total = totals[group]
                total["held"] += 1
                for answer in RsvpAnswer:
                    total[answer.value] += counted[answer]
            if audience == Audience.SECRETARIAT:
                status = minutes_status.get((meeting.id, sitting.recurrence_id))
                rows.append(
                    MeetingRow(
                        on=_local_day(sitting.starts_at, meeting.timezone),
                        group=group,
                        kind=meeting.kind.value,
                        title=meeting.title,
                        yes=counted[RsvpAnswer.YES],
                        no=counted[RsvpAnswer.NO],
                        maybe=counted[RsvpAnswer.MAYBE],
                        minutes=status.value if status else None,
                    )
                )
    by_group = tuple(
        GroupMeetings(group, total["held"], total["yes"], total["no"], total["maybe"])
        for group, total in sorted(totals.items(), key=lambda item: item[0].name.lower())
    )
    rows.sort(key=lambda row: (row.on, row.group.name, row.title))
    return MeetingFigures(by_group, assessment, tuple(rows) if audience == Audience.SECRETARIAT else None)


def _counts(counter: Counter[Group]) -> tuple[GroupCount, ...]:
    return tuple(GroupCount(group, count) for group, count in sorted(counter.items(), key=lambda i: i[0].name.lower()))


def records(session: Session, covenant_id: int, period: Period, audience: Audience) -> RecordFigures:
    """Minutes approved in the cycle (their current approved version) and the decisions in them."""
    approved = session.scalars(
        select(Minutes)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .join(WorkingGroup, WorkingGroup.id == Meeting.working_group_id)
        .options(contains_eager(Minutes.meeting).contains_eager(Meeting.group), selectinload(Minutes.decisions))
        .where(
            WorkingGroup.covenant_id == covenant_id,
            Minutes.status == MinutesStatus.APPROVED,
            Minutes.approved_at >= period.start,
            Minutes.approved_at < period.end,
        )
        .order_by(Minutes.occurrence_start, Minutes.id)
    ).all()
    minutes_count: Counter[Group] = Counter()
    decisions_count: Counter[Group] = Counter()
    minutes_rows: list[MinutesRow] = []
    decision_rows: list[DecisionRow] = []
    for minutes in approved:
        meeting = minutes.meeting
        if audience == Audience.PUBLIC and _confidential(meeting):
            continue
        group = _group(meeting.group)
        minutes_count[group] += 1
        decisions_count[group] += len(minutes.decisions)
        sitting = _local_day(minutes.occurrence_start, meeting.timezone)
        approved_on = _local_day(minutes.approved_at, meeting.timezone) if minutes.approved_at else None
        minutes_rows.append(MinutesRow(sitting, group, meeting.title, minutes.version, approved_on))
        decision_rows += [DecisionRow(sitting, group, meeting.title, d.text) for d in minutes.decisions]
    secretariat = audience == Audience.SECRETARIAT
    return RecordFigures(
        minutes_by_group=_counts(minutes_count),
        decisions_by_group=_counts(decisions_count),
        minutes=tuple(minutes_rows) if secretariat else None,
        decisions=tuple(decision_rows) if secretariat else None,
    )


def _state(deadline: Deadline, today: date) -> ActionState:
    if deadline.status == DeadlineStatus.DONE:
        done_on = deadline.done_at.date() if deadline.done_at else None
        return ActionState.DONE_LATE if done_on is not None and done_on > deadline.due_on else ActionState.DONE
    return ActionState.LATE if deadline.due_on < today else ActionState.OPEN


def action_items(
    session: Session, covenant_id: int, period: Period, today: date, audience: Audience
) -> ActionItemFigures:
    """Action items due in the cycle (waived ones left out): open, late, done, done late; per group."""
    rows = session.execute(
        select(Deadline, ActionItem.task, Meeting, WorkingGroup)
        .join(ActionItem, ActionItem.deadline_id == Deadline.id)
        .join(Minutes, Minutes.id == ActionItem.minutes_id)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .join(WorkingGroup, WorkingGroup.id == Meeting.working_group_id)
        .where(
            Deadline.covenant_id == covenant_id,
            Deadline.kind == DeadlineKind.ACTION_ITEM,
            Deadline.status != DeadlineStatus.WAIVED,
            Deadline.due_on >= period.first_day,
            Deadline.due_on <= period.last_day,
        )
        .order_by(Deadline.due_on, Deadline.id, Minutes.version.desc())
    ).all()
    seen: set[int] = set()
    counts: dict[Group, Counter[ActionState]] = defaultdict(Counter)
    items: list[tuple[Group, str, str | None, Deadline, ActionState]] = []
    for deadline, task, meeting, group_row in rows:
        # One deadline is listed by every version of the minutes that kept the item: the newest counts.
        if deadline.id in seen or (audience == Audience.PUBLIC and _confidential(meeting)):
            continue
        seen.add(deadline.id)
        group, state = _group(group_row), _state(deadline, today)
        counts[group][state] += 1
        items.append((group, task, deadline.owner_slack_id, deadline, state))
    by_group = tuple(
        GroupActionItems(group, dict(counted))
        for group, counted in sorted(counts.items(), key=lambda item: item[0].name.lower())
    )
    if audience != Audience.SECRETARIAT:
        return ActionItemFigures(by_group, None)
    names = names_of(session, {owner for _, _, owner, _, _ in items if owner})
    listed = tuple(
        ActionItemRow(group, task, names.get(owner, owner) if owner else None, deadline.due_on, state)
        for group, task, owner, deadline, state in items
    )
    return ActionItemFigures(by_group, listed)
