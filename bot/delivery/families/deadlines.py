"""Deadline messages: the reminders before, on and after a due date (``before-7``, ``due``, ``overdue-2``),
the secretariat's escalation and no-contact notices, the notices that a deadline was submitted or
forwarded, and the secretariat's notice that a delivery failed.

Deadlines whose reminders need (re)planning are marked (``planned_at`` cleared); each sweep plans them,
and after a reminder went out the next one of that deadline and recipient is planned.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.db.models import Deadline, ReminderDelivery
from bot.delivery.family import Family, kind
from bot.render import reminders as render
from bot.render.blocks import Reply
from bot.render.deadline_titles import deadline_title
from bot.render.mail_notices import recipient_label
from bot.services.fingerprints import PlannerMemory
from bot.services.people import addresses
from bot.services.people.addresses import is_person_address
from bot.services.plans import deadlines, reminders


def plan(session: Session, now: datetime, memory: PlannerMemory) -> int:
    """Plan the reminders of every deadline that changed since its reminders were planned."""
    planned = 0
    while todo := reminders.deadlines_to_plan(session):
        for deadline in todo:
            planned += reminders.plan_deadline(session, deadline, now)
        session.commit()
    return planned


def _deadline(session: Session, delivery: ReminderDelivery) -> Deadline | None:
    if delivery.deadline_id is None:
        return None
    return session.scalar(
        select(Deadline)
        .options(selectinload(Deadline.covenant), selectinload(Deadline.organisation))
        .where(Deadline.id == delivery.deadline_id)
    )


def _for_current_due_date(deadline: Deadline, delivery: ReminderDelivery) -> bool:
    """An open deadline whose due date is still the one this reminder was planned for."""
    return deadline.status.value == "open" and f":{deadline.due_on.isoformat()}:" in delivery.dedupe_key


def _local_today(deadline: Deadline, session: Session, recipient: str, now: datetime) -> tuple[date, str]:
    tz = deadlines.user_timezone(session, recipient, deadline.covenant.timezone)
    return now.astimezone(ZoneInfo(tz)).date(), tz


def _reminder(session: Session, delivery: ReminderDelivery, now: datetime, lang: str) -> Reply | None:
    deadline = _deadline(session, delivery)
    if deadline is None or not _for_current_due_date(deadline, delivery):
        return None
    if deadline.snoozed_until is not None and deadline.snoozed_until > now:
        return None
    if not deadlines.may_act_on(session, deadline, delivery.recipient):
        return None  # unlinked, moved to another organisation or no longer its owner since it was planned
    today, tz = _local_today(deadline, session, delivery.recipient, now)
    if reminders.superseded(deadline, delivery.rule, delivery.planned_for, tz, now):
        return None
    return render.deadline_reminder(deadline, delivery.rule, today, lang)


def _escalation(session: Session, delivery: ReminderDelivery, now: datetime, lang: str) -> Reply | None:
    deadline = _deadline(session, delivery)
    if deadline is None or not _for_current_due_date(deadline, delivery):
        return None
    today, _ = _local_today(deadline, session, delivery.recipient, now)
    contacts: list[str] = []
    for recipient in deadlines.recipients(session, deadline):
        person = addresses.person_at(session, recipient.slack_id) if is_person_address(recipient.slack_id) else None
        shown = person.name if person is not None else recipient.slack_id
        if shown not in contacts:
            contacts.append(shown)
    return render.escalation(deadline, contacts, today, lang)


def _no_contact(session: Session, delivery: ReminderDelivery, now: datetime, lang: str) -> Reply | None:
    deadline = _deadline(session, delivery)
    if deadline is None or deadline.status.value != "open" or deadlines.recipients(session, deadline):
        return None
    return render.no_contact(deadline, lang)


def _failure(session: Session, delivery: ReminderDelivery, now: datetime, lang: str) -> Reply | None:
    payload = delivery.payload or {}
    deadline = _deadline(session, delivery)
    title = deadline_title(deadline, lang) if deadline else str(payload.get("rule", "?"))
    recipient = str(payload.get("recipient", "?"))
    person = addresses.person_at(session, recipient) if is_person_address(recipient) else None
    who = recipient_label(recipient, person.name if person else None, person.email if person else None, lang)
    return render.delivery_failed(title, who, str(payload.get("error", "?")), lang)


def _submitted(session: Session, delivery: ReminderDelivery, now: datetime, lang: str) -> Reply | None:
    deadline = _deadline(session, delivery)
    payload = delivery.payload or {}
    if deadline is None:
        return None
    by = _by(session, str(payload.get("by")), lang)
    return render.submitted_notice(deadline, by, date.fromisoformat(str(payload["on"])), lang)


def _forwarded(session: Session, delivery: ReminderDelivery, now: datetime, lang: str) -> Reply | None:
    deadline = _deadline(session, delivery)
    if deadline is None:
        return None
    return render.forwarded_notice(deadline, _by(session, str((delivery.payload or {}).get("by")), lang), lang)


def _by(session: Session, address: str, lang: str) -> str:
    """Who acted: a Slack id as it is; a person without Slack (a link followed from an email) by name and address."""
    if not is_person_address(address):
        return address
    person = addresses.person_at(session, address)
    return recipient_label(address, person.name if person else None, person.email if person else None, lang)


_BUILDERS = {
    "deadline": _reminder,
    "escalate": _escalation,
    "nocontact": _no_contact,
    "failure": _failure,
    "submitted": _submitted,
    "forwarded": _forwarded,
}


def build(session: Session, delivery: ReminderDelivery, now: datetime, lang: str) -> Reply | None:
    """The message of a deadline delivery as things stand now; None when it is no longer owed."""
    return _BUILDERS[kind(delivery.rule)](session, delivery, now, lang)


def after_send(session: Session, delivery: ReminderDelivery, now: datetime) -> None:
    """A reminder went out (or was dropped): plan the next one of its deadline and recipient."""
    if kind(delivery.rule) != "deadline":
        return
    deadline = _deadline(session, delivery)
    if deadline is not None:
        reminders.plan_deadline(session, deadline, now)


FAMILY = Family(name="deadlines", kinds=tuple(_BUILDERS), build=build, plan=plan, after_send=after_send)
