"""The whole way for a contact without Slack: the reminder reaches a real SMTP server (aiosmtpd) with the signed
links the app makes by default, and its Snooze link, followed over real HTTP, changes exactly what the Slack button
changes for a Slack contact."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select

from bot.app import build_sweeper, create_app, make_web_client
from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.models import AuditEntry, Deadline, ReminderDelivery
from bot.entry.links import LinkPages
from bot.entry.web import create_flask_app
from bot.slack_standin import Call, StandinSlack
from config.settings import Settings
from tests.support.demo import SIGNING_SECRET, person
from tests.support.email_people import email_contact
from tests.support.factories import windkracht_deadline
from tests.support.harness import AppServer, SlackHarness, find_button, press
from tests.support.smtp import SmtpServer

PUBLIC_URL = "https://covenant.example.org"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def _open(server: AppServer, url: str, method: str = "GET") -> tuple[int, str]:
    """Follow ``url`` (its path, on the app's HTTP server) as a browser would: status and page text."""
    path = url.removeprefix(PUBLIC_URL)
    request = urllib.request.Request(server.url + path, data=b"" if method == "POST" else None, method=method)
    request.add_header("Accept", "text/plain")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _state(factory: SessionFactory, deadline_id: int) -> tuple[object, ...]:
    with factory() as session:
        deadline = session.get(Deadline, deadline_id)
        assert deadline is not None
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "deadline", AuditEntry.entity_id == deadline_id)
        )
        return (
            deadline.status,
            deadline.snoozed_until,
            deadline.done_at,
            [(row.action, row.detail) for row in audit],
        )


def _slack_reminder(standin: StandinSlack, user: str, deadline_id: int) -> Call:
    """The reminder of ``deadline_id`` the bot posted to ``user`` in Slack."""
    for call in standin.calls_to("chat.postMessage"):
        if call.ok and call.args["channel"] == user:
            button, _ = find_button(call.args.get("blocks") or [], "reminder_snooze_3")
            if str(button["value"]).startswith(f"{deadline_id}:"):
                return call
    raise AssertionError(f"no reminder of deadline {deadline_id} to {user}")


def test_the_emailed_snooze_link_changes_what_the_slack_button_changes(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack, smtp: SmtpServer
) -> None:
    settings = settings.model_copy(
        update={"public_url": PUBLIC_URL, "smtp_url": smtp.url, "mail_from": "Covenant bot <bot@covenant.example>"}
    )
    app = create_app(settings, session_factory=session_factory, client=make_web_client(settings), clock=clock)
    sweeper = build_sweeper(settings, session_factory=session_factory, clock=clock)  # the default links
    pages = LinkPages(settings, session_factory, clock, sweeper=sweeper, client=app.client)
    server = AppServer(create_flask_app(app, session_factory, SIGNING_SECRET, clock, pages))
    try:
        slack = SlackHarness(server, standin, SIGNING_SECRET)
        eva = email_contact(session_factory, name="Eva Mailer", email="eva@windkracht.example", language="en")
        by_link = windkracht_deadline(session_factory, date(2026, 12, 7), "Jaarrapportage")
        by_button = windkracht_deadline(session_factory, date(2026, 12, 7), "Jaarrapportage")
        sweeper.run_once()

        mails = [m for m in smtp.to("eva@windkracht.example") if "Jaarrapportage" in str(m.message["Subject"])]
        with session_factory() as session:
            row = session.scalar(
                select(ReminderDelivery).where(
                    ReminderDelivery.recipient == f"person:{eva}", ReminderDelivery.deadline_id == by_link
                )
            )
            assert row is not None
        (mail,) = [m for m in mails if m.message["Message-ID"] == f"<delivery-{row.id}@covenant.example>"]
        text = mail.part("plain")
        snooze = next(line for line in text.splitlines() if line.startswith("* Snooze 3 days: "))
        url = snooze.removeprefix("* Snooze 3 days: ")
        assert url.startswith(f"{PUBLIC_URL}/l/") and url.replace("&", "&amp;") in mail.links()
        before = _state(session_factory, by_link)

        status, page = _open(server, url)  # a person (or a mail scanner) opens it: a question, nothing changes
        assert status == 200 and "Snooze the reminders about" in page and "by 3 days?" in page
        assert _state(session_factory, by_link) == before

        status, said = _open(server, url, "POST")
        assert status == 200 and "Snoozed: the next reminder comes at" in said
        pieter = person("pieter").slack_user_id
        press(slack, _slack_reminder(standin, pieter, by_button), "reminder_snooze_3", pieter)  # the real button
        assert _state(session_factory, by_link) == _state(session_factory, by_button)
        assert _state(session_factory, by_link)[1] is not None  # snoozed, as the button snoozed

        with session_factory() as session:
            actors = session.scalars(
                select(AuditEntry.actor).where(AuditEntry.action == "reminder.snoozed").order_by(AuditEntry.id)
            )
            assert list(actors) == [f"person:{eva}", pieter]
        assert _open(server, url, "POST")[0] == 410  # once
    finally:
        server.stop()
