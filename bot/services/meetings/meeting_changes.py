"""Changing a scheduled meeting: its agenda, its time, or cancelling it — one occurrence or the whole series.

Every change bumps the meeting's SEQUENCE (so calendar subscriptions update), writes an audit row, drops
reminders planned for the old state and owes the group's channel a notice. A series whose first sittings are
past is never rewritten backwards: moving or cancelling "the whole series" then applies from the next sitting
on (the past part ends with an UNTIL; a move continues as a new series), so past sittings and their minutes
keep their times.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.db.enums import DeliveryStatus, MeetingStatus
from bot.db.models import Meeting, MeetingException, ReminderDelivery, Rsvp
from bot.services.administration import audit
from bot.services.errors import UsageError
from bot.services.meetings import occurrences, recurrence
from bot.services.meetings.meetings import MAX_AGENDA, MAX_DURATION, Target, announce
from bot.services.meetings.occurrences import Occurrence
from bot.services.people.access import Viewer


@dataclass(frozen=True)
class Changed:
    """The meeting as changed (a new series when a started series was moved) and the channel notice to send."""

    meeting: Meeting
    notice_id: int | None


def _require_manager(viewer: Viewer, meeting: Meeting) -> None:
    if not viewer.may_manage_group(meeting.group):
        raise UsageError("meeting.not_allowed", group=meeting.group.name)


def _bump(meeting: Meeting) -> int:
    meeting.sequence += 1
    return meeting.sequence


def _exception(meeting: Meeting, occurrence: Occurrence) -> MeetingException:
    for exception in meeting.exceptions:
        if exception.recurrence_id == occurrence.recurrence_id:
            return exception
    exception = MeetingException(recurrence_id=occurrence.recurrence_id, status=MeetingStatus.SCHEDULED)
    meeting.exceptions.append(exception)
    return exception


def drop_reminders(session: Session, meeting_id: int, recurrence_id: datetime | None = None) -> None:
    """Skip the meeting's reminders that were planned but not sent (they describe the old state)."""
    statement = (
        update(ReminderDelivery)
        .where(
            ReminderDelivery.meeting_id == meeting_id,
            ReminderDelivery.status == DeliveryStatus.PLANNED,
            ReminderDelivery.rule.in_(("meeting-dayBefore", "meeting-soon")),
        )
        .values(status=DeliveryStatus.SKIPPED, last_error="meeting changed")
    )
    if recurrence_id is not None:
        statement = statement.where(ReminderDelivery.occurrence_start == recurrence_id)
    session.execute(statement)


def _audit(session: Session, meeting: Meeting, action: str, viewer: Viewer, now: datetime, **detail: object) -> None:
    audit.record(
        session,
        at=now,
        actor=viewer.slack_user_id,
        action=action,
        entity="meeting",
        entity_id=meeting.id,
        detail={"sequence": meeting.sequence, **detail},
    )


def _next_sitting(meeting: Meeting, now: datetime) -> Occurrence | None:
    """The first sitting (by original time) that has not started, cancelled ones included."""
    found = occurrences.occurrences(meeting, now, now + occurrences.DEFAULT_HORIZON, include_cancelled=True)
    future = [o for o in found if o.recurrence_id > now]
    return min(future, key=lambda o: o.recurrence_id) if future else None


def set_agenda(session: Session, target: Target, agenda: str, viewer: Viewer, now: datetime) -> Changed:
    """Replace the agenda of one occurrence or of the whole meeting/series."""
    meeting, occurrence = target.meeting, target.occurrence
    _require_manager(viewer, meeting)
    agenda = agenda.strip()
    if not agenda:
        raise UsageError("meeting.agenda_missing")
    if len(agenda) > MAX_AGENDA:
        raise UsageError("meeting.too_long", limit=MAX_AGENDA)
    sequence = _bump(meeting)
    if occurrence is None:
        meeting.agenda = agenda
    else:
        exception = _exception(meeting, occurrence)
        exception.agenda = agenda
        exception.sequence = sequence
    rid = occurrence.recurrence_id if occurrence else None
    _audit(session, meeting, "meeting.agenda_set", viewer, now, occurrence=rid.isoformat() if rid else None)
    return Changed(meeting, announce(session, meeting, "agenda", now, viewer.slack_user_id, rid))


def move(
    session: Session,
    target: Target,
    new_start: datetime,
    new_duration: timedelta | None,
    viewer: Viewer,
    now: datetime,
) -> Changed:
    """Move one occurrence, a one-off meeting, or the series from its next sitting on, to ``new_start``."""
    meeting, occurrence = target.meeting, target.occurrence
    _require_manager(viewer, meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise UsageError("meeting.already_cancelled")
    duration = new_duration or (
        (occurrence.ends_at - occurrence.starts_at) if occurrence else meeting.ends_at - meeting.starts_at
    )
    if new_start <= now:
        raise UsageError("meeting.in_the_past")
    if duration <= timedelta(0) or duration > MAX_DURATION:
        raise UsageError("meeting.end_before_start")
    if occurrence is not None:
        if occurrence.ends_at <= now:
            raise UsageError("meeting.already_over")
        old_start = occurrence.starts_at
        sequence = _bump(meeting)
        exception = _exception(meeting, occurrence)
        exception.starts_at, exception.ends_at = new_start, new_start + duration
        exception.status = MeetingStatus.SCHEDULED
        exception.sequence = sequence
        drop_reminders(session, meeting.id, occurrence.recurrence_id)
        rid: datetime | None = occurrence.recurrence_id
    elif not meeting.rrule:
        if meeting.ends_at <= now:
            raise UsageError("meeting.already_over")
        old_start = meeting.starts_at
        _bump(meeting)
        drop_reminders(session, meeting.id)
        # A one-off meeting's answers follow it to its new time (its occurrence is named by its start).
        session.execute(
            update(Rsvp)
            .where(Rsvp.meeting_id == meeting.id, Rsvp.occurrence_start == old_start)
            .values(occurrence_start=new_start)
        )
        meeting.starts_at, meeting.ends_at = new_start, new_start + duration
        rid = None
    else:
        return _move_series(session, meeting, new_start, duration, viewer, now)
    _audit(
        session, meeting, "meeting.moved", viewer, now, **{"from": old_start.isoformat(), "to": new_start.isoformat()}
    )
    details = {"from": old_start.isoformat(), "to": new_start.isoformat()}
    return Changed(meeting, announce(session, meeting, "moved", now, viewer.slack_user_id, rid, details))


def _local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def _retarget_rule(rule: str, old_local: datetime, new_local: datetime) -> str:
    """A "monthly on the n-th weekday" rule follows its start to its new n-th weekday."""
    old_code, new_code = recurrence.nth_weekday(old_local), recurrence.nth_weekday(new_local)
    return rule.replace(f"BYDAY={old_code}", f"BYDAY={new_code}") if "FREQ=MONTHLY" in rule else rule


def _move_series(
    session: Session, meeting: Meeting, new_start: datetime, duration: timedelta, viewer: Viewer, now: datetime
) -> Changed:
    assert meeting.rrule is not None
    tz = meeting.timezone
    cut = _next_sitting(meeting, now)
    if cut is None:
        raise UsageError("meeting.already_over")
    cut_local, new_local = _local(cut.recurrence_id, tz), _local(new_start, tz)
    shift = new_local - cut_local  # in wall time: DST changes keep the local hour
    if cut.recurrence_id == meeting.starts_at:
        # Nothing has happened yet: the series itself moves.
        rule = _retarget_rule(meeting.rrule, cut_local, new_local)
        recurrence.check(rule, new_local)
        old_start = meeting.starts_at
        _bump(meeting)
        for exception in meeting.exceptions:
            exception.recurrence_id = _shifted(exception.recurrence_id, shift, tz)
        meeting.rrule = rule
        meeting.starts_at, meeting.ends_at = new_start, new_start + duration
        meeting.series_until = recurrence.series_until(rule, new_local, tz)
        drop_reminders(session, meeting.id)
        moved = meeting
    else:
        rule = recurrence.remaining(meeting.rrule, _local(meeting.starts_at, tz), cut_local)
        rule = _retarget_rule(rule, cut_local, new_local)
        recurrence.check(rule, new_local)
        old_start = cut.recurrence_id
        moved = _split(meeting, cut.recurrence_id, rule, new_start, duration, shift)
        session.add(moved)
        _bump(meeting)
        drop_reminders(session, meeting.id)
        session.flush()
        moved.group = meeting.group
    details = {"from": old_start.isoformat(), "to": new_start.isoformat(), "series": True}
    _audit(session, moved, "meeting.series_moved", viewer, now, previous=meeting.id, **details)
    return Changed(moved, announce(session, moved, "moved", now, viewer.slack_user_id, None, details))


def _shifted(moment: datetime, shift: timedelta, tz: str) -> datetime:
    return (_local(moment, tz) + shift).replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)


def _end_before(meeting: Meeting, cut: datetime) -> None:
    """End a started series just before the sitting ``cut`` (its original start, UTC)."""
    assert meeting.rrule is not None
    tz = meeting.timezone
    meeting.rrule = recurrence.until_before(meeting.rrule, _local(cut, tz))
    meeting.series_until = recurrence.series_until(meeting.rrule, _local(meeting.starts_at, tz), tz)


def _split(
    meeting: Meeting, cut: datetime, rule: str, new_start: datetime, duration: timedelta, shift: timedelta
) -> Meeting:
    """End ``meeting`` before ``cut`` and return the series that continues from ``new_start``."""
    tz = meeting.timezone
    later = [e for e in meeting.exceptions if e.recurrence_id >= cut]
    for exception in later:
        meeting.exceptions.remove(exception)
    _end_before(meeting, cut)
    return Meeting(
        uid=f"{uuid.uuid4()}@covenant-bot",
        sequence=0,
        working_group_id=meeting.working_group_id,
        kind=meeting.kind,
        title=meeting.title,
        starts_at=new_start,
        ends_at=new_start + duration,
        timezone=tz,
        rrule=rule,
        series_until=recurrence.series_until(rule, _local(new_start, tz), tz),
        location=meeting.location,
        video_url=meeting.video_url,
        agenda=meeting.agenda,
        status=MeetingStatus.SCHEDULED,
        minute_taker_id=meeting.minute_taker_id,
        organisation_id=meeting.organisation_id,
        exceptions=[
            MeetingException(
                recurrence_id=_shifted(e.recurrence_id, shift, tz),
                status=e.status,
                starts_at=e.starts_at,
                ends_at=e.ends_at,
                agenda=e.agenda,
                reason=e.reason,
            )
            for e in later
        ],
    )


def cancel(session: Session, target: Target, reason: str | None, viewer: Viewer, now: datetime) -> Changed:
    """Cancel one occurrence, a one-off meeting, or a series (from its next sitting on when it has started)."""
    meeting, occurrence = target.meeting, target.occurrence
    _require_manager(viewer, meeting)
    reason = (reason or "").strip() or None
    if meeting.status == MeetingStatus.CANCELLED:
        raise UsageError("meeting.already_cancelled")
    rid: datetime | None = None
    if occurrence is not None:
        if occurrence.cancelled:
            raise UsageError("meeting.already_cancelled")
        if occurrence.ends_at <= now:
            raise UsageError("meeting.already_over")
        sequence = _bump(meeting)
        exception = _exception(meeting, occurrence)
        exception.status, exception.reason, exception.sequence = MeetingStatus.CANCELLED, reason, sequence
        rid = occurrence.recurrence_id
        drop_reminders(session, meeting.id, rid)
        change = "cancelled"
    else:
        cut = _next_sitting(meeting, now) if meeting.rrule else None
        if (meeting.rrule and cut is None) or (not meeting.rrule and meeting.ends_at <= now):
            raise UsageError("meeting.already_over")
        _bump(meeting)
        if cut is not None and cut.recurrence_id != meeting.starts_at:
            _end_before(meeting, cut.recurrence_id)
            meeting.cancel_reason = reason
            change = "ended"
        else:
            meeting.status, meeting.cancel_reason = MeetingStatus.CANCELLED, reason
            change = "cancelled"
        drop_reminders(session, meeting.id)
    _audit(session, meeting, f"meeting.{change}", viewer, now, occurrence=rid.isoformat() if rid else None)
    return Changed(meeting, announce(session, meeting, change, now, viewer.slack_user_id, rid, {"reason": reason}))
