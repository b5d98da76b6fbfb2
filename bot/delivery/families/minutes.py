"""Minutes messages: the request for minutes when a sitting ended and the DM to the minute-taker, the
chases of drafts and approvals, and the notices of circulated minutes and requested changes.

What is owed is planned by bot.services.minutes_planner; here each message is built as things stand
when it is sent, and a posted request is tied to its minutes (its thread collects contributions).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.enums import MinutesStatus
from bot.db.models import Minutes, ReminderDelivery
from bot.delivery.family import Family
from bot.render import minutes as render
from bot.render.blocks import Reply
from bot.services import minutes as service
from bot.services import minutes_planner


def build(session: Session, delivery: ReminderDelivery, now: datetime, lang: str) -> Reply | None:
    """The message of a minutes delivery, as things stand now (None when it is no longer owed)."""
    if delivery.minutes_id is None or session.get(Minutes, delivery.minutes_id) is None:
        return None
    minutes = service.load(session, delivery.minutes_id)
    start = service.sitting_start(minutes.meeting, minutes.occurrence_start)
    draft = minutes.status == MinutesStatus.DRAFT
    if delivery.rule == "minutes-request":
        return render.request_message(minutes, start, lang) if draft else None
    if delivery.rule == "minutes-taker":
        return render.taker_message(minutes, start, lang) if draft else None
    if delivery.rule == "minutes-chase-draft":
        if not draft or service.has_draft(minutes):
            return None
        return render.draft_chase(minutes, start, service.contribution_count(minutes), lang)
    if delivery.rule == "minutes-chase-approval":
        return render.approval_chase(minutes, start, lang) if minutes.status == MinutesStatus.CIRCULATED else None
    if delivery.rule == "minutes-circulated":
        return render.circulated_message(minutes, start, lang) if minutes.status == MinutesStatus.CIRCULATED else None
    if delivery.rule == "minutes-changes":
        payload = delivery.payload or {}
        return render.changes_requested(minutes, start, str(payload.get("by")), str(payload.get("comment", "")), lang)
    return None


def after_send(session: Session, delivery: ReminderDelivery, now: datetime) -> None:
    """The "Minutes for ..." message went out: replies in its thread now belong to these minutes."""
    if delivery.rule != "minutes-request" or delivery.minutes_id is None or not delivery.slack_ts:
        return
    minutes = session.get(Minutes, delivery.minutes_id)
    if minutes is not None and minutes.thread_ts is None:
        minutes.thread_channel, minutes.thread_ts = delivery.slack_channel, delivery.slack_ts


FAMILY = Family(name="minutes", kinds=("minutes",), build=build, plan=minutes_planner.plan, after_send=after_send)
