"""Minutes of one sitting of a meeting: the draft, the approval flow (draft -> circulated -> approved)
and versions (an approved version is locked; a correction is a new version that supersedes it once
approved). Every change is audited; messages the group is owed go out through the reminder engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.base import ExecutableOption

from bot.db.enums import DeliveryStatus, MinutesStatus
from bot.db.models import ActionItem, Decision, Meeting, Minutes, ReminderDelivery, WorkingGroup
from bot.services import locking
from bot.services.administration import audit
from bot.services.canvases import canvas_owed
from bot.services.errors import UsageError
from bot.services.minutes import action_items, minutes_search
from bot.services.minutes.action_items import ActionItemDraft, ReplaceResult
from bot.services.people import access
from bot.services.people.access import Viewer
from bot.services.plans.deadlines import company_contacts
from bot.services.plans.reminders import insert_once
from bot.services.working_days import end_of_business_days

COMMENT_WORKING_DAYS = 5
EDITABLE = (MinutesStatus.DRAFT, MinutesStatus.CIRCULATED)
# Why an action cannot be done in a status (catalog keys, so the i18n test sees each one).
_NOT_A_DRAFT = {
    MinutesStatus.CIRCULATED: "minutes.already_circulated",
    MinutesStatus.APPROVED: "minutes.locked",
    MinutesStatus.SUPERSEDED: "minutes.locked",
}
_NOT_CIRCULATED = {
    MinutesStatus.DRAFT: "minutes.not_circulated",
    MinutesStatus.APPROVED: "minutes.locked",
    MinutesStatus.SUPERSEDED: "minutes.locked",
}


@dataclass(frozen=True)
class MinutesForm:
    """What the minutes modal holds, parsed: empty text fields are None."""

    summary: str | None
    attendees: str | None
    decisions: list[str] = field(default_factory=list)
    action_items: list[ActionItemDraft] = field(default_factory=list)


def _with_everything() -> list[ExecutableOption]:
    return [
        selectinload(Minutes.meeting).selectinload(Meeting.group).selectinload(WorkingGroup.covenant),
        selectinload(Minutes.meeting).selectinload(Meeting.exceptions),
        selectinload(Minutes.taker),
        selectinload(Minutes.contributions),
        selectinload(Minutes.decisions),
        selectinload(Minutes.action_items),
    ]


def load(session: Session, minutes_id: int) -> Minutes:
    """The minutes with meeting, group, covenant and content loaded; UsageError ``minutes.gone`` when deleted."""
    minutes = session.scalar(select(Minutes).options(*_with_everything()).where(Minutes.id == minutes_id))
    if minutes is None:
        raise UsageError("minutes.gone")
    return minutes


def versions(session: Session, meeting_id: int, occurrence_start: datetime) -> list[Minutes]:
    """Every version of the minutes of one sitting, oldest first."""
    return list(
        session.scalars(
            select(Minutes)
            .options(*_with_everything())
            .where(Minutes.meeting_id == meeting_id, Minutes.occurrence_start == occurrence_start)
            .order_by(Minutes.version)
        )
    )


def sitting_start(meeting: Meeting, occurrence_start: datetime) -> datetime:
    """When the sitting with this RECURRENCE-ID actually started (a moved occurrence starts elsewhen)."""
    for exception in meeting.exceptions:
        if exception.recurrence_id == occurrence_start and exception.starts_at is not None:
            return exception.starts_at
    return occurrence_start


def open_draft(session: Session, meeting: Meeting, occurrence_start: datetime, now: datetime, actor: str) -> Minutes:
    """The newest version of the sitting's minutes, or a new first draft (safe when two processes race)."""
    found = versions(session, meeting.id, occurrence_start)
    if found:
        return found[-1]
    try:
        with session.begin_nested():
            minutes = Minutes(
                meeting_id=meeting.id,
                occurrence_start=occurrence_start,
                version=1,
                status=MinutesStatus.DRAFT,
                taker_id=meeting.minute_taker_id,
                search_text="",
            )
            session.add(minutes)
            session.flush()
    except IntegrityError:
        return versions(session, meeting.id, occurrence_start)[-1]
    audit.record(session, at=now, actor=actor, action="minutes.created", entity="minutes", entity_id=minutes.id)
    minutes = load(session, minutes.id)
    minutes_search.refresh(session, minutes)
    return minutes


def require_visible(session: Session, viewer: Viewer, minutes: Minutes) -> None:
    """UsageError ``minutes.not_visible`` unless ``viewer`` may read these minutes."""
    if not access.may_see_minutes(session, viewer, minutes.meeting):
        raise UsageError("minutes.not_visible")


def _require_writer(session: Session, viewer: Viewer, minutes: Minutes) -> None:
    require_visible(session, viewer, minutes)
    if not access.may_write_minutes(session, viewer, minutes.meeting, minutes.taker_id):
        raise UsageError("minutes.write_forbidden")


def may_write(session: Session, viewer: Viewer, minutes: Minutes) -> bool:
    """True when ``viewer`` may edit, circulate or correct these minutes (or take them, having no taker)."""
    if minutes.taker_id is None and access.may_see_minutes(session, viewer, minutes.meeting):
        return viewer.person_id is not None
    return access.may_write_minutes(session, viewer, minutes.meeting, minutes.taker_id)


def take(session: Session, minutes: Minutes, viewer: Viewer, now: datetime) -> bool:
    """Make ``viewer`` the minute-taker; False when they already are. UsageError when someone else is."""
    require_visible(session, viewer, minutes)
    if viewer.person_id is None:
        raise UsageError("minutes.unknown_person")
    locking.serialise(session, "minutes taker", minutes.id)
    session.refresh(minutes, ["taker_id", "taker"])  # two taking them at once: the second sees the first as taker
    if minutes.taker_id == viewer.person_id:
        return False
    if minutes.taker_id is not None and not access.may_approve_minutes(session, viewer, minutes.meeting):
        raise UsageError("minutes.taken", who=minutes.taker.name if minutes.taker else "?")
    previous = minutes.taker_id
    minutes.taker_id = viewer.person_id
    audit.record(
        session,
        at=now,
        actor=viewer.slack_user_id,
        action="minutes.taker",
        entity="minutes",
        entity_id=minutes.id,
        detail={"from": previous, "to": viewer.person_id},
    )
    session.flush()
    session.refresh(minutes, ["taker"])
    return True


def start_writing(session: Session, minutes: Minutes, viewer: Viewer, now: datetime) -> None:
    """Check ``viewer`` may open the minutes form; someone opening it for minutes without a taker takes them."""
    if minutes.taker_id is None and access.may_see_minutes(session, viewer, minutes.meeting):
        take(session, minutes, viewer, now)
    _require_writer(session, viewer, minutes)
    if minutes.status not in EDITABLE:
        raise UsageError("minutes.locked")


def save(session: Session, minutes: Minutes, viewer: Viewer, form: MinutesForm, now: datetime) -> ReplaceResult:
    """Store the form's content in the draft (or circulated) minutes; action items become deadlines."""
    start_writing(session, minutes, viewer, now)
    minutes.summary, minutes.attendees = form.summary, form.attendees
    minutes.decisions = [Decision(position=i, text=text) for i, text in enumerate(form.decisions)]
    result = action_items.replace(session, minutes, form.action_items, now, viewer.slack_user_id)
    minutes_search.refresh(session, minutes)
    audit.record(
        session,
        at=now,
        actor=viewer.slack_user_id,
        action="minutes.saved",
        entity="minutes",
        entity_id=minutes.id,
        detail={"decisions": len(form.decisions), "action_items": len(form.action_items)},
    )
    return result


def has_draft(minutes: Minutes) -> bool:
    """True once someone wrote the minutes (a summary, decisions or action items), not just thread notes."""
    return bool((minutes.summary or "").strip() or minutes.decisions or minutes.action_items)


def _group_recipients(session: Session, minutes: Minutes) -> list[str]:
    """Where messages for the whole group go: its channel, or (confidential or channel-less) people by DM."""
    meeting = minutes.meeting
    if meeting.organisation_id is None and meeting.group.channel_id:
        return [meeting.group.channel_id]
    if meeting.organisation_id is not None:
        people = company_contacts(session, meeting.organisation_id, meeting.group.covenant_id)
    else:
        people = [member.person for member in meeting.group.members]
    ids = [p.slack_user_id for p in people if p.slack_user_id]
    if minutes.taker is not None and minutes.taker.slack_user_id:
        ids.append(minutes.taker.slack_user_id)
    return sorted(set(ids))


def _owe(
    session: Session, minutes: Minutes, rule: str, key: str, recipient: str, now: datetime, **extra: object
) -> None:
    insert_once(
        session,
        dedupe_key=key,
        rule=rule,
        recipient=recipient,
        planned_for=now,
        minutes_id=minutes.id,
        meeting_id=minutes.meeting_id,
        occurrence_start=minutes.occurrence_start,
        working_group_id=minutes.meeting.working_group_id,
        covenant_id=minutes.meeting.group.covenant_id,
        created_at=now,
        **extra,
    )


def _planned_ids(session: Session, keys: list[str]) -> list[int]:
    return list(
        session.scalars(
            select(ReminderDelivery.id).where(
                ReminderDelivery.dedupe_key.in_(keys), ReminderDelivery.status == DeliveryStatus.PLANNED
            )
        )
    )


def circulate(session: Session, minutes: Minutes, viewer: Viewer, now: datetime) -> list[int]:
    """Send the draft round the group for comments (window: COMMENT_WORKING_DAYS business days).

    Returns the deliveries to send at once. UsageError when not allowed, empty, or not a draft.
    """
    _require_writer(session, viewer, minutes)
    if minutes.status != MinutesStatus.DRAFT:
        raise UsageError(_NOT_A_DRAFT[minutes.status])
    if not has_draft(minutes):
        raise UsageError("minutes.empty")
    until = end_of_business_days(now, COMMENT_WORKING_DAYS, minutes.meeting.group.covenant.timezone)
    changed = session.execute(
        update(Minutes)
        .where(Minutes.id == minutes.id, Minutes.status == MinutesStatus.DRAFT)
        .values(status=MinutesStatus.CIRCULATED, circulated_at=now, comments_until=until)
    )
    if not getattr(changed, "rowcount", 0):
        raise UsageError("minutes.already_circulated")
    session.refresh(minutes)
    audit.record(
        session,
        at=now,
        actor=viewer.slack_user_id,
        action="minutes.circulated",
        entity="minutes",
        entity_id=minutes.id,
        detail={"comments_until": until.isoformat()},
    )
    keys = []
    for recipient in _group_recipients(session, minutes):
        key = f"minutes-circulated:{minutes.id}:{recipient}"
        _owe(session, minutes, "minutes-circulated", key, recipient, now)
        keys.append(key)
    return _planned_ids(session, keys)


def approve(session: Session, minutes: Minutes, viewer: Viewer, now: datetime) -> bool:
    """Approve circulated minutes (the chair or the secretariat); False when they were approved already.

    Earlier approved versions become superseded, and deadlines only they listed are waived.
    """
    require_visible(session, viewer, minutes)
    if not access.may_approve_minutes(session, viewer, minutes.meeting):
        raise UsageError("minutes.approve_forbidden")
    if minutes.status == MinutesStatus.APPROVED:
        return False
    if minutes.status != MinutesStatus.CIRCULATED:
        raise UsageError(_NOT_CIRCULATED[minutes.status])
    changed = session.execute(
        update(Minutes)
        .where(Minutes.id == minutes.id, Minutes.status == MinutesStatus.CIRCULATED)
        .values(status=MinutesStatus.APPROVED, approved_by=viewer.slack_user_id, approved_at=now)
    )
    if not getattr(changed, "rowcount", 0):
        return False
    session.refresh(minutes)
    canvas_owed.owe_for_meeting(session, minutes.meeting, now)  # the group's canvas shows the new version
    audit.record(
        session, at=now, actor=viewer.slack_user_id, action="minutes.approved", entity="minutes", entity_id=minutes.id
    )
    for older in versions(session, minutes.meeting_id, minutes.occurrence_start):
        if older.version < minutes.version and older.status != MinutesStatus.SUPERSEDED:
            older.status = MinutesStatus.SUPERSEDED
            session.flush()
            action_items.waive(session, list(older.action_items), now, viewer.slack_user_id, leaving={older.id})
            audit.record(
                session,
                at=now,
                actor=viewer.slack_user_id,
                action="minutes.superseded",
                entity="minutes",
                entity_id=older.id,
            )
    return True


def request_changes(session: Session, minutes: Minutes, viewer: Viewer, comment: str, now: datetime) -> list[int]:
    """A reader asks for changes to circulated minutes: the group (and so the minute-taker) is told.

    Returns the deliveries to send at once.
    """
    require_visible(session, viewer, minutes)
    if minutes.status != MinutesStatus.CIRCULATED:
        raise UsageError(_NOT_CIRCULATED[minutes.status])
    audit.record(
        session,
        at=now,
        actor=viewer.slack_user_id,
        action="minutes.changes_requested",
        entity="minutes",
        entity_id=minutes.id,
        detail={"comment": comment},
    )
    stamp = now.strftime("%Y%m%dT%H%M%S.%f")
    keys = []
    for recipient in _group_recipients(session, minutes):
        key = f"minutes-changes:{minutes.id}:{viewer.slack_user_id}:{stamp}:{recipient}"
        _owe(
            session,
            minutes,
            "minutes-changes",
            key,
            recipient,
            now,
            payload={"by": viewer.slack_user_id, "comment": comment},
        )
        keys.append(key)
    return _planned_ids(session, keys)


def correct(session: Session, minutes: Minutes, viewer: Viewer, now: datetime) -> Minutes:
    """A new draft version of approved minutes (or the correction already under way); the approved one stays."""
    _require_writer(session, viewer, minutes)
    # Two pressing Correct at once take turns: the second gets the first's correction, not a clashing version.
    locking.serialise(session, "minutes", minutes.meeting_id, minutes.occurrence_start.isoformat())
    newest = versions(session, minutes.meeting_id, minutes.occurrence_start)[-1]
    if newest.status in EDITABLE:
        return newest
    if newest.status != MinutesStatus.APPROVED:
        raise UsageError("minutes.gone")
    correction = Minutes(
        meeting_id=newest.meeting_id,
        occurrence_start=newest.occurrence_start,
        version=newest.version + 1,
        status=MinutesStatus.DRAFT,
        summary=newest.summary,
        attendees=newest.attendees,
        # The minute-taker stays who took the minutes; the audit row below records who corrected them.
        taker_id=newest.taker_id if newest.taker_id is not None else viewer.person_id,
        supersedes_id=newest.id,
        search_text=newest.search_text,
        decisions=[Decision(position=d.position, text=d.text) for d in newest.decisions],
        action_items=[
            ActionItem(
                position=i.position,
                owner_slack_id=i.owner_slack_id,
                task=i.task,
                due_on=i.due_on,
                deadline_id=i.deadline_id,
            )
            for i in newest.action_items
        ],
    )
    session.add(correction)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=viewer.slack_user_id,
        action="minutes.corrected",
        entity="minutes",
        entity_id=correction.id,
        detail={"supersedes": newest.id, "version": correction.version},
    )
    return load(session, correction.id)


def posted(session: Session, minutes: Minutes, rule: str) -> list[tuple[str, str, str]]:
    """(recipient, channel, ts) of the messages of ``rule`` about these minutes that went out (to update them
    later in the recipient's language)."""
    rows = session.execute(
        select(ReminderDelivery.recipient, ReminderDelivery.slack_channel, ReminderDelivery.slack_ts).where(
            ReminderDelivery.minutes_id == minutes.id,
            ReminderDelivery.rule == rule,
            ReminderDelivery.status == DeliveryStatus.SENT,
        )
    ).all()
    return [(recipient, channel, ts) for recipient, channel, ts in rows if channel and ts]


def contribution_count(minutes: Minutes) -> int:
    """Contributions still standing (deleted ones do not count)."""
    return sum(1 for c in minutes.contributions if not c.deleted)
