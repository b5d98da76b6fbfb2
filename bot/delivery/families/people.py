"""Notices about reaching people: ``unreachable``, told to the secretariat once per person when the bot owes
someone an email and cannot send email (no SMTP_URL)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.models import Person, ReminderDelivery
from bot.delivery.family import Family
from bot.render import mail_notices as render
from bot.render.blocks import Reply


def build(session: Session, delivery: ReminderDelivery, now: datetime, lang: str) -> Reply | None:
    """Who cannot be reached (None once the person is gone)."""
    person_id = (delivery.payload or {}).get("person_id")
    person = session.get(Person, int(person_id)) if isinstance(person_id, int) else None
    if person is None:
        return None
    organisation = person.organisation.name if person.organisation is not None else None
    return render.unreachable(person.name, organisation, lang)


FAMILY = Family(name="people", kinds=("unreachable",), build=build)
