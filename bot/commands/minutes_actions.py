"""Buttons, forms, the "Add to minutes" shortcut and thread replies: Slack payload values in, an Outcome out."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db.enums import MinutesStatus
from bot.db.keys import row_id
from bot.db.models import Minutes
from bot.i18n import t
from bot.render import minutes as render
from bot.render import minutes_views as views
from bot.render.time import datetime_token
from bot.services import authorised, minutes_lookup
from bot.services import minutes as service
from bot.services import minutes_contributions as contributions
from bot.services.access import Viewer
from bot.services.errors import FieldError, UsageError

from . import minutes_form
from .minutes import Outcome, edit_form


def _load(session: Session, viewer: Viewer, value: object) -> Minutes:
    """The minutes a button or form names, if ``viewer`` may read them (else "not found", nothing written)."""
    return authorised.minutes(session, viewer, value)


def _start(minutes: Minutes) -> datetime:
    return service.sitting_start(minutes.meeting, minutes.occurrence_start)


def _line(viewer: Viewer, key: str, minutes: Minutes, **values: object) -> Outcome:
    return Outcome(reply=render.line(t(viewer.language, key, meeting=minutes.meeting.title, **values)))


def add(session: Session, value: str, viewer: Viewer, now: datetime, channel_id: str | None) -> Outcome:
    """**Add minutes**: open the form (the presser takes the minutes when nobody does)."""
    return Outcome(view=edit_form(session, _load(session, viewer, value), viewer, now, channel_id))


def take(session: Session, value: str, viewer: Viewer, now: datetime, channel_lang: str) -> Outcome:
    """**I'll take the minutes**; the "Minutes for ..." message then names the new minute-taker."""
    minutes = _load(session, viewer, value)
    changed = service.take(session, minutes, viewer, now)
    session.commit()
    outcome = _line(viewer, "minutes.done.taken" if changed else "minutes.done.taken_already", minutes)
    if changed and minutes.thread_channel and minutes.thread_ts and minutes.status == MinutesStatus.DRAFT:
        message = render.request_message(minutes, _start(minutes), channel_lang)
        outcome.updates.append((minutes.thread_channel, minutes.thread_ts, message))
    return outcome


def save_form(
    session: Session, metadata: dict[str, Any], values: dict[str, str], viewer: Viewer, now: datetime
) -> Outcome:
    """The submitted minutes form: FieldError for a bad line (nothing saved), else saved and confirmed by DM."""
    minutes = _load(session, viewer, metadata.get("minutes_id"))
    start = _start(minutes)
    today = now.astimezone(ZoneInfo(viewer.timezone)).date()
    meeting_day = start.astimezone(ZoneInfo(minutes.meeting.timezone)).date()
    form = minutes_form.parse(session, minutes, values, today, meeting_day)
    result = service.save(session, minutes, viewer, form, now)
    session.commit()
    return Outcome(dm=render.saved(minutes, start, result, viewer.language))


def circulate(session: Session, value: str, viewer: Viewer, now: datetime) -> Outcome:
    """**Circulate**: the group gets the minutes with Approve / Request changes at once."""
    minutes = _load(session, viewer, value)
    ids = service.circulate(session, minutes, viewer, now)
    session.commit()
    until = datetime_token(minutes.comments_until or now, minutes.meeting.timezone, viewer.language)
    outcome = _line(viewer, "minutes.done.circulated", minutes, until=until)
    outcome.send_now = ids
    return outcome


def approve(session: Session, value: str, viewer: Viewer, now: datetime, channel_lang: str) -> Outcome:
    """**Approve** (chair or secretariat): recorded once; the circulated messages then show who approved."""
    minutes = _load(session, viewer, value)
    changed = service.approve(session, minutes, viewer, now)
    session.commit()
    if not changed:
        when = datetime_token(minutes.approved_at or now, minutes.meeting.timezone, viewer.language)
        return _line(viewer, "minutes.done.approved_already", minutes, who=f"<@{minutes.approved_by}>", when=when)
    outcome = _line(viewer, "minutes.done.approved", minutes)
    message = render.circulated_message(minutes, _start(minutes), channel_lang)
    outcome.updates = [(channel, ts, message) for channel, ts in service.posted(session, minutes, "minutes-circulated")]
    return outcome


def changes_form(session: Session, value: str, viewer: Viewer) -> Outcome:
    """**Request changes**: the form that asks what should change."""
    minutes = _load(session, viewer, value)
    service.require_visible(session, viewer, minutes)
    if minutes.status != MinutesStatus.CIRCULATED:
        raise UsageError("minutes.locked" if minutes.status != MinutesStatus.DRAFT else "minutes.not_circulated")
    return Outcome(view=views.changes_view(minutes, _start(minutes), viewer.language))


def request_changes(
    session: Session, metadata: dict[str, Any], values: dict[str, str], viewer: Viewer, now: datetime
) -> Outcome:
    """The submitted change request: the group (and the minute-taker by mention) is told at once."""
    comment = values.get(views.COMMENT, "").strip()
    if not comment:
        raise FieldError(views.COMMENT, "minutes.form.comment_missing")
    minutes = _load(session, viewer, metadata.get("minutes_id"))
    ids = service.request_changes(session, minutes, viewer, comment, now)
    session.commit()
    outcome = Outcome(send_now=ids)
    outcome.dm = render.line(t(viewer.language, "minutes.done.changes_sent", meeting=minutes.meeting.title))
    return outcome


def correct(session: Session, value: str, viewer: Viewer, now: datetime, channel_id: str | None) -> Outcome:
    """**Correct** approved minutes: a new draft version, opened in the form; the approved one stays."""
    correction = service.correct(session, _load(session, viewer, value), viewer, now)
    session.commit()
    return Outcome(view=edit_form(session, correction, viewer, now, channel_id))


def shortcut(
    session: Session, viewer: Viewer, channel_id: str, message: dict[str, Any], permalink: str | None, now: datetime
) -> Outcome:
    """ "Add to minutes" on a message: into the draft of the channel's last meeting, else a meeting picker."""
    author = str(message.get("user") or viewer.slack_user_id)
    text, ts = str(message.get("text") or ""), str(message.get("ts") or "")
    target = minutes_lookup.shortcut_target(session, viewer, channel_id, now)
    if target is not None:
        added = contributions.add(
            session,
            target,
            author=author,
            text=text,
            channel=channel_id,
            ts=ts,
            permalink=permalink,
            now=now,
            actor=viewer.slack_user_id,
        )
        session.commit()
        return _line(viewer, "minutes.done.added" if added else "minutes.done.added_already", target)
    session.commit()
    sittings = minutes_lookup.recent_sittings(session, viewer, now)
    if not sittings:
        raise UsageError("minutes.nothing_to_add")
    options = [
        (
            views.sitting_option(s.occurrence.meeting.id, s.occurrence.recurrence_id),
            s.occurrence.meeting.title,
            views.option_start(s.occurrence.starts_at, s.occurrence.meeting.timezone, viewer.language),
        )
        for s in sittings
    ]
    metadata = {"channel": channel_id, "ts": ts, "author": author, "permalink": permalink, "text": text}
    return Outcome(view=views.picker_view(options, metadata, viewer.language))


def pick_submit(
    session: Session, metadata: dict[str, Any], values: dict[str, str], viewer: Viewer, now: datetime
) -> Outcome:
    """The meeting picked for a message: the message becomes a contribution to that sitting's draft."""
    raw_meeting, _, raw_stamp = values.get(views.SITTING, "").partition(":")
    meeting_id, stamp = row_id(raw_meeting), row_id(raw_stamp)
    try:
        occurrence = datetime.fromtimestamp(stamp, UTC) if stamp is not None else None
    except (OverflowError, OSError, ValueError):  # a forged value beyond any calendar
        occurrence = None
    if meeting_id is None or occurrence is None:
        raise FieldError(views.SITTING, "minutes.form.pick_missing")
    minutes = minutes_lookup.open_sitting(session, viewer, meeting_id, occurrence, now)
    if minutes.status != MinutesStatus.DRAFT:
        raise FieldError(views.SITTING, "minutes.not_draft")
    added = contributions.add(
        session,
        minutes,
        author=str(metadata.get("author") or viewer.slack_user_id),
        text=str(metadata.get("text") or ""),
        channel=metadata.get("channel"),
        ts=metadata.get("ts"),
        permalink=metadata.get("permalink"),
        now=now,
        actor=viewer.slack_user_id,
    )
    session.commit()
    outcome = _line(viewer, "minutes.done.added" if added else "minutes.done.added_already", minutes)
    outcome.dm, outcome.reply = outcome.reply, None
    return outcome


def thread_minutes(session: Session, channel: str, thread_ts: str) -> int | None:
    """The minutes collecting replies in this thread, if it is one of ours."""
    minutes = contributions.thread_minutes(session, channel, thread_ts)
    return minutes.id if minutes is not None else None


def collect_reply(
    session: Session, minutes_id: int, event: dict[str, Any], permalink: str | None, now: datetime
) -> Outcome:
    """A reply in a minutes thread becomes a contribution, acknowledged with a :memo: reaction.

    UsageError ``minutes.not_draft`` when the minutes were circulated meanwhile (the author is told).
    """
    added = contributions.add(
        session,
        service.load(session, minutes_id),
        author=str(event["user"]),
        text=str(event.get("text") or ""),
        channel=str(event["channel"]),
        ts=str(event["ts"]),
        permalink=permalink,
        now=now,
        actor=str(event["user"]),
    )
    session.commit()
    return Outcome(reaction="memo" if added else None)


def follow_change(session: Session, event: dict[str, Any], now: datetime) -> int:
    """A message_changed or message_deleted event: the collected copy follows; returns contributions changed."""
    channel = str(event.get("channel", ""))
    if event.get("subtype") == "message_deleted":
        actor = str((event.get("previous_message") or {}).get("user") or "slack")
        changed = contributions.delete(session, channel, str(event.get("deleted_ts", "")), now, actor)
    else:
        message = event.get("message") or {}
        actor = str(message.get("user") or "slack")
        changed = contributions.edit(
            session, channel, str(message.get("ts", "")), str(message.get("text") or ""), now, actor
        )
    session.commit()
    return changed
