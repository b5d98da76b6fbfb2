"""Buttons, forms, the "Add to minutes" shortcut and thread replies: an Ask and Slack payload values in, an
Outcome out."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db.enums import MinutesStatus
from bot.db.keys import row_id
from bot.db.models import Minutes
from bot.i18n import t
from bot.interaction import Ask, DirectMessage, MessageUpdate, Outcome
from bot.render import minutes as render
from bot.render import minutes_views as views
from bot.render.time import datetime_token
from bot.services.errors import FieldError, UsageError
from bot.services.minutes import change_requests, minutes_lookup
from bot.services.minutes import minutes as service
from bot.services.minutes import minutes_contributions as contributions
from bot.services.minutes.action_items import ReplaceResult
from bot.services.people import access, authorised, people

from . import minutes_form
from .minutes import edit_form


def _load(ask: Ask, value: object) -> Minutes:
    """The minutes a button or form names, if the viewer may read them (else "not found", nothing written)."""
    return authorised.minutes(ask.session, ask.viewer, value)


def _start(minutes: Minutes) -> datetime:
    return service.sitting_start(minutes.meeting, minutes.occurrence_start)


def _line(ask: Ask, key: str, minutes: Minutes, **values: object) -> Outcome:
    return Outcome.of(render.line(t(ask.lang, key, meeting=minutes.meeting.title, **values)))


def _dm(ask: Ask, key: str, minutes: Minutes) -> Outcome:
    """A line for the person by DM (a form's submission has no message to answer under)."""
    line = render.line(t(ask.lang, key, meeting=minutes.meeting.title))
    return Outcome(dms=[DirectMessage(ask.viewer.slack_user_id, line)])


def add(ask: Ask, value: str) -> Outcome:
    """**Add minutes**: open the form (the presser takes the minutes when nobody does)."""
    return Outcome(modal=edit_form(ask, _load(ask, value)))


def take(ask: Ask, value: str, default: str) -> Outcome:
    """**I'll take the minutes**; the "Minutes for ..." message then names the new minute-taker."""
    minutes = _load(ask, value)
    changed = service.take(ask.session, minutes, ask.viewer, ask.now)
    ask.session.commit()
    outcome = _line(ask, "minutes.done.taken" if changed else "minutes.done.taken_already", minutes)
    if changed and minutes.thread_channel and minutes.thread_ts and minutes.status == MinutesStatus.DRAFT:
        reader = people.channel_language(ask.session, minutes.thread_channel, default)
        message = render.request_message(minutes, _start(minutes), reader)
        outcome.updates.append(MessageUpdate(minutes.thread_channel, minutes.thread_ts, message))
    return outcome


# The three forms below come in pairs: ``check_*`` raises what the submission would (a FieldError on its field)
# and leaves its writes uncommitted for the form's ack to roll back; the submission itself saves and commits.


def check_saved_form(ask: Ask, metadata: dict[str, Any], values: dict[str, str]) -> None:
    """What :func:`save_form` would refuse, without committing anything."""
    _save(ask, metadata, values)


def save_form(ask: Ask, metadata: dict[str, Any], values: dict[str, str]) -> Outcome:
    """The submitted minutes form: FieldError for a bad line (nothing saved), else saved and confirmed by DM."""
    minutes, result = _save(ask, metadata, values)
    ask.session.commit()
    saved = render.saved(minutes, _start(minutes), result, ask.lang)
    return Outcome(dms=[DirectMessage(ask.viewer.slack_user_id, saved)])


def _save(ask: Ask, metadata: dict[str, Any], values: dict[str, str]) -> tuple[Minutes, ReplaceResult]:
    minutes = _load(ask, metadata.get("minutes_id"))
    meeting_day = _start(minutes).astimezone(ZoneInfo(minutes.meeting.timezone)).date()
    form = minutes_form.parse(ask.session, minutes, values, ask.today, meeting_day)
    return minutes, service.save(ask.session, minutes, ask.viewer, form, ask.now)


def circulate(ask: Ask, value: str) -> Outcome:
    """**Circulate**: the group gets the minutes with Approve / Request changes at once."""
    minutes = _load(ask, value)
    ids = service.circulate(ask.session, minutes, ask.viewer, ask.now)
    ask.session.commit()
    until = datetime_token(minutes.comments_until or ask.now, minutes.meeting.timezone, ask.lang)
    outcome = _line(ask, "minutes.done.circulated", minutes, until=until)
    outcome.deliveries = ids
    return outcome


def approve(ask: Ask, value: str, default: str) -> Outcome:
    """**Approve** (chair or secretariat): recorded once; the circulated messages then show who approved.

    While a change request made after the last edit is open, nothing is approved: the approver sees the
    requests and an **Approve anyway** button (value ``<id>:confirmed``) to approve all the same.
    """
    raw_id, _, confirmed = value.partition(":")
    minutes = _load(ask, raw_id)
    if confirmed != "confirmed" and minutes.status == MinutesStatus.CIRCULATED:
        service.require_visible(ask.session, ask.viewer, minutes)
        requests = change_requests.open_change_requests(ask.session, minutes)
        if requests and access.may_approve_minutes(ask.session, ask.viewer, minutes.meeting):
            return Outcome.of(render.approval_held(minutes, requests, ask.lang))
    changed = service.approve(ask.session, minutes, ask.viewer, ask.now)
    ask.session.commit()
    if not changed:
        when = datetime_token(minutes.approved_at or ask.now, minutes.meeting.timezone, ask.lang)
        return _line(ask, "minutes.done.approved_already", minutes, who=f"<@{minutes.approved_by}>", when=when)
    outcome = _line(ask, "minutes.done.approved", minutes)
    if minutes.meeting.group.channel_id:
        outcome.canvases = [minutes.meeting.group.channel_id]
    posted = service.posted(ask.session, minutes, "minutes-circulated")
    # Each message in the language it was sent in: a channel's audience's, a person's own.
    outcome.updates = [
        MessageUpdate(channel, ts, render.circulated_message(minutes, _start(minutes), reader))
        for recipient, channel, ts in posted
        for reader in [people.language_of(ask.session, recipient, default)]
    ]
    return outcome


def changes_form(ask: Ask, value: str) -> Outcome:
    """**Request changes**: the form that asks what should change."""
    minutes = _load(ask, value)
    service.require_visible(ask.session, ask.viewer, minutes)
    if minutes.status != MinutesStatus.CIRCULATED:
        raise UsageError("minutes.locked" if minutes.status != MinutesStatus.DRAFT else "minutes.not_circulated")
    return Outcome(modal=views.changes_view(minutes, _start(minutes), ask.lang))


def check_change_request(ask: Ask, metadata: dict[str, Any], values: dict[str, str]) -> None:
    """What :func:`request_changes` would refuse, without committing anything."""
    _request_changes(ask, metadata, values)


def request_changes(ask: Ask, metadata: dict[str, Any], values: dict[str, str]) -> Outcome:
    """The submitted change request: the group (and the minute-taker by mention) is told at once."""
    minutes, ids = _request_changes(ask, metadata, values)
    ask.session.commit()
    outcome = _dm(ask, "minutes.done.changes_sent", minutes)
    outcome.deliveries = ids
    return outcome


def _request_changes(ask: Ask, metadata: dict[str, Any], values: dict[str, str]) -> tuple[Minutes, list[int]]:
    comment = values.get(views.COMMENT, "").strip()
    if not comment:
        raise FieldError(views.COMMENT, "minutes.form.comment_missing")
    minutes = _load(ask, metadata.get("minutes_id"))
    return minutes, service.request_changes(ask.session, minutes, ask.viewer, comment, ask.now)


def correct(ask: Ask, value: str) -> Outcome:
    """**Correct** approved minutes: a new draft version, opened in the form; the approved one stays."""
    correction = service.correct(ask.session, _load(ask, value), ask.viewer, ask.now)
    ask.session.commit()
    return Outcome(modal=edit_form(ask, correction))


def shortcut(ask: Ask, message: dict[str, Any], permalink: str | None) -> Outcome:
    """ "Add to minutes" on a message (in ``ask.channel``): into the draft of the channel's last meeting, else a
    meeting picker."""
    session, viewer, now = ask.session, ask.viewer, ask.now
    channel_id = ask.channel or ""
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
        return _line(ask, "minutes.done.added" if added else "minutes.done.added_already", target)
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
    return Outcome(modal=views.picker_view(options, metadata, ask.lang))


def check_pick(ask: Ask, metadata: dict[str, Any], values: dict[str, str]) -> None:
    """What :func:`pick_submit` would refuse, without committing anything."""
    _add_picked(ask, metadata, values)


def pick_submit(ask: Ask, metadata: dict[str, Any], values: dict[str, str]) -> Outcome:
    """The meeting picked for a message: the message becomes a contribution to that sitting's draft."""
    minutes, added = _add_picked(ask, metadata, values)
    ask.session.commit()
    return _dm(ask, "minutes.done.added" if added else "minutes.done.added_already", minutes)


def _add_picked(ask: Ask, metadata: dict[str, Any], values: dict[str, str]) -> tuple[Minutes, bool]:
    session, viewer, now = ask.session, ask.viewer, ask.now
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
    return minutes, added


def thread_minutes(session: Session, channel: str, thread_ts: str) -> int | None:
    """The minutes collecting replies in this thread, if it is one of ours."""
    minutes = contributions.thread_minutes(session, channel, thread_ts)
    return minutes.id if minutes is not None else None


def collect_reply(ask: Ask, minutes_id: int, event: dict[str, Any], permalink: str | None) -> Outcome:
    """A reply in a minutes thread becomes a contribution, acknowledged with a :memo: reaction.

    UsageError ``minutes.not_draft`` when the minutes were circulated meanwhile (the author is told).
    """
    session, now = ask.session, ask.now
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
