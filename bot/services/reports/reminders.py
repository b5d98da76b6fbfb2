"""The pack's reminder figures: deliveries sent per kind and route, and what people pressed on them.

A delivery belongs to the covenant through whatever it is about: its deadline, its minutes' or meeting's group,
or (digests) the covenant or group it names. Button presses are the audit rows the buttons write: Snooze
(``reminder.snoozed``), Not for me (``reminder.not_for_me``), Mark submitted (``plan.submitted``) and Done
(``deadline.done``).
"""

from __future__ import annotations

from sqlalchemy import String, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from bot.db.enums import DeadlineKind, DeliveryStatus
from bot.db.models import ActionPlan, AuditEntry, Deadline, Meeting, Minutes, ReminderDelivery, WorkingGroup
from bot.services.reports.figures import Period, ReactionRow, ReminderFigures, ReminderRow

ROUTES = ("dm", "channel", "email")
# The audit actions of the buttons on a reminder, as the pack names them.
REACTIONS = {
    "reminder.snoozed": "snoozed",
    "reminder.not_for_me": "not_for_me",
    "plan.submitted": "submitted",
    "deadline.done": "marked_done",
}


def _sent(session: Session, covenant_id: int, period: Period) -> tuple[ReminderRow, ...]:
    delivery = ReminderDelivery
    meeting_group = aliased(WorkingGroup)
    minutes_meeting = aliased(Meeting)
    minutes_group = aliased(WorkingGroup)
    named_group = aliased(WorkingGroup)
    owner = func.coalesce(
        Deadline.covenant_id,
        minutes_group.covenant_id,
        meeting_group.covenant_id,
        delivery.covenant_id,
        named_group.covenant_id,
    )
    kind = case(
        (delivery.deadline_id.is_not(None), cast(Deadline.kind, String)),
        (delivery.minutes_id.is_not(None), literal("minutes")),
        (delivery.meeting_id.is_not(None), literal("meeting")),
        else_=literal("digest"),
    )
    route = case(
        (delivery.recipient.like("person:%"), literal("email")),
        (or_(delivery.recipient.like("C%"), delivery.recipient.like("G%")), literal("channel")),
        else_=literal("dm"),
    )
    when = func.coalesce(delivery.sent_at, delivery.planned_for)
    rows = session.execute(
        select(kind, route, delivery.status, func.count())
        .select_from(delivery)
        .outerjoin(Deadline, Deadline.id == delivery.deadline_id)
        .outerjoin(Meeting, Meeting.id == delivery.meeting_id)
        .outerjoin(meeting_group, meeting_group.id == Meeting.working_group_id)
        .outerjoin(Minutes, Minutes.id == delivery.minutes_id)
        .outerjoin(minutes_meeting, minutes_meeting.id == Minutes.meeting_id)
        .outerjoin(minutes_group, minutes_group.id == minutes_meeting.working_group_id)
        .outerjoin(named_group, named_group.id == delivery.working_group_id)
        .where(
            owner == covenant_id,
            delivery.status.in_([DeliveryStatus.SENT, DeliveryStatus.FAILED]),
            when >= period.start,
            when < period.end,
        )
        .group_by(kind, route, delivery.status)
    ).all()
    counted: dict[tuple[str, str], list[int]] = {}
    for kind_value, route_value, status, count in rows:
        # A deadline's kind is stored by value; on SQLite the cast may give the enum's name.
        key = (_kind(str(kind_value)), str(route_value))
        sent_failed = counted.setdefault(key, [0, 0])
        sent_failed[0 if status == DeliveryStatus.SENT else 1] += int(count)
    return tuple(
        ReminderRow(kind, route, sent, failed)
        for (kind, route), (sent, failed) in sorted(counted.items(), key=lambda i: (i[0][0], ROUTES.index(i[0][1])))
    )


def _kind(value: str) -> str:
    for kind in DeadlineKind:
        if value in (kind.value, kind.name):
            return kind.value
    return value


def _reactions(session: Session, covenant_id: int, period: Period) -> tuple[ReactionRow, ...]:
    in_cycle = (AuditEntry.at >= period.start, AuditEntry.at < period.end)
    on_deadlines = session.execute(
        select(Deadline.kind, AuditEntry.action, func.count())
        .join(Deadline, Deadline.id == AuditEntry.entity_id)
        .where(
            AuditEntry.entity == "deadline",
            AuditEntry.action.in_([a for a in REACTIONS if a != "plan.submitted"]),
            Deadline.covenant_id == covenant_id,
            *in_cycle,
        )
        .group_by(Deadline.kind, AuditEntry.action)
    ).all()
    submitted = session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .join(ActionPlan, ActionPlan.id == AuditEntry.entity_id)
        .where(
            AuditEntry.entity == "action_plan",
            AuditEntry.action == "plan.submitted",
            ActionPlan.covenant_id == covenant_id,
            *in_cycle,
        )
    )
    rows = [ReactionRow(kind.value, REACTIONS[action], int(count)) for kind, action, count in on_deadlines]
    if submitted:
        rows.append(ReactionRow(DeadlineKind.ACTION_PLAN.value, REACTIONS["plan.submitted"], int(submitted)))
    order = list(REACTIONS.values())
    return tuple(sorted(rows, key=lambda row: (row.kind, order.index(row.action))))


def reminders(session: Session, covenant_id: int, period: Period) -> ReminderFigures:
    """Reminders sent in the cycle and the presses on their buttons (counts only: no one is named)."""
    return ReminderFigures(sent=_sent(session, covenant_id, period), reactions=_reactions(session, covenant_id, period))
