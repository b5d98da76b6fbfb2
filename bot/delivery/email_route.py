"""The email route: a delivery addressed ``person:<id>`` becomes an email to that person.

The engine claims, leases and records it as every other delivery (:mod:`bot.delivery.engine`); this module
builds the message: the same :class:`Reply` the Slack message is built from, written out in the person's
language and time zone, each button a link from the injected ``link_for`` (None: no link, and the email says
to answer in Slack or tell the secretariat), the family's attachments (a meeting's invitation), and a
``Message-ID`` that carries the delivery id, so copies of one delivery are recognisable as such.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.db.models import Covenant, Person, ReminderDelivery, SlackProfile
from bot.delivery import store
from bot.delivery.family import Family
from bot.delivery.mail_transport import MailRefused, MailTransport, MailUncertain
from bot.render.blocks import Reply
from bot.render.mail import Envelope, buttons_of, email_message
from bot.render.mail_text import Readers
from bot.services.people import addresses, people
from config.settings import Settings

logger = logging.getLogger(__name__)

# What a button of the message does, as a link: (address, action_id, value, now) -> URL, or None for no link.
LinkFor = Callable[[str, str, str, datetime], str | None]
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def no_links(address: str, action_id: str, value: str, now: datetime) -> str | None:
    """A sweeper's ``link_for`` when none is given: no links (``bot.app.build_sweeper`` passes the signed ones)."""
    return None


def message_id(delivery_id: int, sender: str) -> str:
    """``<delivery-<id>@<domain of MAIL_FROM>>``: the same for every copy of one delivery."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "covenant-bot.invalid"
    return f"<delivery-{delivery_id}@{domain}>"


def delivery_id_of(message_id_header: str) -> int | None:
    """The delivery id a Message-ID carries (None for someone else's)."""
    found = re.fullmatch(r"<delivery-(\d+)@[^>]+>", message_id_header.strip())
    return int(found.group(1)) if found else None


def _names(session: Session, reply: Reply) -> dict[str, str]:
    """The names behind the Slack mentions in the message (an email reader cannot resolve ``<@U…>``)."""
    ids = set(_MENTION.findall(reply.text + json.dumps(reply.blocks)))
    if not ids:
        return {}
    names = {
        str(slack_id): str(name)
        for slack_id, name in session.execute(
            select(SlackProfile.slack_user_id, SlackProfile.real_name).where(SlackProfile.slack_user_id.in_(ids))
        )
        if name
    }
    linked = select(Person.slack_user_id, Person.name).where(Person.slack_user_id.in_(ids))
    for slack_id, name in session.execute(linked):
        names[str(slack_id)] = str(name)
    return names


def time_zone(session: Session, person: Person, delivery: ReminderDelivery, default: str) -> str:
    """The person's own zone, else their covenant's, else ``default``."""
    if person.timezone:
        return person.timezone
    covenant = session.get(Covenant, delivery.covenant_id) if delivery.covenant_id is not None else None
    return covenant.timezone if covenant is not None else default


def build(
    session: Session,
    delivery: ReminderDelivery,
    reply: Reply,
    person: Person,
    *,
    lang: str,
    sender: str,
    link_for: LinkFor,
    family: Family | None,
    now: datetime,
    default_tz: str,
) -> EmailMessage:
    """The email of ``delivery`` to ``person`` (who has an address), ready to send."""
    assert person.email is not None
    readers = Readers(lang=lang, tz=time_zone(session, person, delivery, default_tz), names=_names(session, reply))
    links = {(action, value): link_for(delivery.recipient, action, value, now) for action, value in buttons_of(reply)}
    attachments = []
    if family is not None and family.attachments is not None:
        attachments = family.attachments(session, delivery, now, parseaddr(sender)[1], person.email)
    envelope = Envelope(
        sender=sender,
        to_name=person.name,
        to_address=person.email,
        message_id=message_id(delivery.id, sender),
        date=now,
    )
    return email_message(reply, envelope, readers, links, attachments)


Sent = Literal["sent", "retried", "failed", "lost"]


def send(
    session: Session,
    delivery: ReminderDelivery,
    reply: Reply,
    now: datetime,
    *,
    worker: str,
    clock: Clock,
    lease: timedelta,
    settings: Settings,
    transport: MailTransport | None,
    link_for: LinkFor,
    family: Family | None,
    backoff: Callable[[int], timedelta],
) -> Sent:
    """Send a claimed delivery to ``person:<id>`` by email, with the guarantee of a Slack message.

    The attempt is recorded (committed) before the SMTP transaction. An answer that proves the message was not
    accepted (4xx, a refused connection) is retried after ``backoff``, as is a transaction that broke off (it
    may have been accepted, and SMTP cannot be asked: the retry may give one extra copy, with the same
    Message-ID). A 5xx fails the row, audited, and the secretariat is told. Without SMTP_URL (or MAIL_FROM) the
    row fails unsent and the secretariat is told once that this person cannot be reached.
    """
    person = addresses.person_at(session, delivery.recipient)
    sender = settings.mail_from
    if person is None or not person.email:
        return "failed" if store.mark_failed(session, delivery, worker, clock.now(), "no email address") else "lost"
    if transport is None or not sender:
        unreachable = store.mark_unreachable(session, delivery, worker, clock.now(), person.id)
        return "failed" if unreachable else "lost"
    gave_up = store.give_up_sending(session, delivery, worker, clock.now())
    if gave_up is not None:
        return gave_up
    try:
        lang = people.delivery_language(session, delivery.recipient, delivery.covenant_id, settings.bot_language)
        message = build(
            session,
            delivery,
            reply,
            person,
            lang=lang,
            sender=sender,
            link_for=link_for,
            family=family,
            now=now,
            default_tz=settings.bot_timezone,
        )
    except Exception:
        logger.exception("could not build the email of delivery %s", delivery.id)
        return store.mark_retry(session, delivery, worker, clock.now(), timedelta(minutes=5), "build error")
    unsure_before = delivery.unsure_since
    if not store.start_post(session, delivery, worker, clock.now(), lease):
        return "lost"  # the claim was lost: someone else sends it
    try:
        transport.send(message)
    except MailRefused as refused:
        if refused.permanent:
            return "failed" if store.mark_failed(session, delivery, worker, clock.now(), f"smtp {refused}") else "lost"
        error = f"{store.NOT_SENT_MARKER}smtp {refused}"
        return store.mark_retry(session, delivery, worker, clock.now(), backoff(delivery.posts), error, unsure_before)
    except MailUncertain as uncertain:
        error = f"uncertain: smtp {uncertain}"
        return store.mark_retry(session, delivery, worker, clock.now(), backoff(delivery.posts), error)
    return "sent" if store.mark_sent(session, delivery, worker, None, None, now) else "lost"
