"""The confidentiality matrix for email: an email never carries what its recipient may not see. Windkracht's
confidential data is planted with markers; a contact of another company reached by email gets a week of
everything the bot sends, and deliveries forged to reach that contact with Windkracht's data are never sent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, timedelta

import pytest
from sqlalchemy import select

from bot.app import make_web_client
from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.enums import DeliveryStatus
from bot.db.models import Covenant, Meeting, ReminderDelivery
from bot.delivery import Sweeper
from bot.services.plans.reminders import insert_once
from config.settings import Settings
from tests.support.email_people import email_contact
from tests.support.factories import HIDDEN_IDS, MARKERS, plant_confidential
from tests.support.smtp import Received, SmtpServer

MAIL_FROM = "Covenant bot <bot@covenant.example>"
ZONNEVELD = "lena@zonneveld.example"
WINDKRACHT = "wim@windkracht.example"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def _sweeper(settings: Settings, session_factory: SessionFactory, clock: ManualClock, smtp: SmtpServer) -> Sweeper:
    mailing = settings.model_copy(update={"smtp_url": smtp.url, "mail_from": MAIL_FROM})
    return Sweeper(
        session_factory,
        make_web_client(mailing, retries=False),
        clock,
        mailing,
        threads=2,
        link_for=lambda address, action, value, now: f"https://bot.example/act?to={address}&v={value}",
    )


def _everything(mail: Received) -> str:
    """Subject, both parts and every attachment of an email, as text."""
    attachments = [str(part.get_content()) for part in mail.attachments()]
    return "\n".join([str(mail.message["Subject"]), mail.part("plain"), mail.part("html"), *attachments])


def _contacts(session_factory: SessionFactory) -> tuple[int, int]:
    """An email-only contact of Zonneveld (another company) and one of Windkracht, both in the living-wage group."""
    other = email_contact(
        session_factory,
        name="Lena Zonneveld",
        email=ZONNEVELD,
        organisation="Zonneveld",
        language="en",
        group="Werkgroep Leefbaar Loon",
    )
    own = email_contact(session_factory, name="Wim Windkracht", email=WINDKRACHT, group="Werkgroep Leefbaar Loon")
    return other, own


def test_a_week_of_email_to_another_companys_contact_never_carries_windkrachts_data(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, smtp: SmtpServer
) -> None:
    plant_confidential(session_factory)
    _contacts(session_factory)
    sweeper = _sweeper(settings, session_factory, clock, smtp)
    for _ in range(7 * 24):
        sweeper.run_once()
        clock.advance(timedelta(hours=1))
    to_other = smtp.to(ZONNEVELD)
    assert to_other, "the other company's contact got nothing: the test would show nothing"
    assert any(m.attachments() for m in to_other)  # the group's (public) meeting reminder, with its invitation
    for mail in to_other:
        leaked = [marker for marker in MARKERS if marker in _everything(mail)]
        assert not leaked, (mail.message["Subject"], leaked)
    # Windkracht's own contact is told of Windkracht's confidential deadline: the markers do reach who may see them.
    assert any(MARKERS[1] in _everything(mail) for mail in smtp.to(WINDKRACHT))


def test_deliveries_forged_to_reach_another_companys_contact_are_never_emailed(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, smtp: SmtpServer
) -> None:
    plant_confidential(session_factory)
    other, _ = _contacts(session_factory)
    now = clock.now()
    with session_factory() as session:
        assessment = session.get(Meeting, HIDDEN_IDS + 1)
        energy = session.scalar(select(Covenant).where(Covenant.slug == "hernieuwbare-energie"))
        assert assessment is not None and energy is not None
        forged = [
            # The confidential assessment meeting's reminder, as if planned for the other company's contact.
            {
                "dedupe_key": "forged:meeting",
                "meeting_id": assessment.id,
                "occurrence_start": assessment.starts_at,
                "working_group_id": assessment.working_group_id,
                "covenant_id": energy.id,
                "rule": "meeting-dayBefore",
                "payload": {"starts_at": assessment.starts_at.astimezone(UTC).isoformat()},
            },
            # Windkracht's confidential deadline's reminder.
            {"dedupe_key": "forged:deadline", "deadline_id": HIDDEN_IDS, "covenant_id": energy.id, "rule": "due"},
            # The secretariat's digest (every company's plans).
            {"dedupe_key": "forged:digest", "covenant_id": energy.id, "rule": "digest-secretariat"},
        ]
        for values in forged:
            insert_once(session, recipient=f"person:{other}", planned_for=now, created_at=now, **values)
        session.commit()
    _sweeper(settings, session_factory, clock, smtp).run_once()
    for mail in smtp.to(ZONNEVELD):
        assert not [marker for marker in MARKERS if marker in _everything(mail)], mail.message["Subject"]
    with session_factory() as session:
        statuses = dict(
            session.execute(
                select(ReminderDelivery.dedupe_key, ReminderDelivery.status).where(
                    ReminderDelivery.dedupe_key.like("forged:%")
                )
            ).all()
        )
    assert statuses == {
        "forged:meeting": DeliveryStatus.SKIPPED,
        "forged:deadline": DeliveryStatus.SKIPPED,
        "forged:digest": DeliveryStatus.SKIPPED,
    }
