"""The email route end to end: people without Slack get their reminders by email from the same engine, through a
real SMTP server (aiosmtpd on 127.0.0.1), with the guarantee of a Slack message."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from bot.app import make_web_client
from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.enums import ContactRoute, DeliveryStatus, RoleKind
from bot.db.models import AuditEntry, ReminderDelivery
from bot.delivery import Sweeper
from bot.services.plans.reminders import insert_once
from bot.slack_standin import Call, StandinSlack
from config.settings import Settings
from tests.support.demo import person
from tests.support.email_people import email_contact, give_email
from tests.support.factories import windkracht_deadline
from tests.support.harness import SlackHarness, press
from tests.support.smtp import Received, SmtpServer

MAIL_FROM = "Covenant bot <bot@covenant.example>"
SECRETARIAT_CHANNEL = "CDEMOSECHE"  # hernieuwbare-energie's


def link(address: str, action_id: str, value: str, now: datetime) -> str:
    """A stand-in for the signed links (another part builds them): says what it is for."""
    return f"https://bot.example/act?to={address}&action={action_id}&value={value}"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def mail_sweeper(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, smtp: SmtpServer | None
) -> Sweeper:
    mailing = settings.model_copy(update={"smtp_url": smtp.url if smtp else None, "mail_from": MAIL_FROM})
    return Sweeper(session_factory, make_web_client(mailing, retries=False), clock, mailing, threads=2, link_for=link)


def rows_for(session_factory: SessionFactory, person_id: int, *deadline_ids: int) -> list[ReminderDelivery]:
    """The deliveries to a person reached by email (of these deadlines only, when named)."""
    query = select(ReminderDelivery).where(ReminderDelivery.recipient == f"person:{person_id}")
    if deadline_ids:
        query = query.where(ReminderDelivery.deadline_id.in_(deadline_ids))
    with session_factory() as session:
        return list(session.scalars(query.order_by(ReminderDelivery.id)))


def secretariat_posts(standin: StandinSlack) -> list[Call]:
    """What the bot posted in hernieuwbare-energie's secretariat channel."""
    return [c for c in standin.calls_to("chat.postMessage") if c.ok and c.args["channel"] == SECRETARIAT_CHANNEL]


def test_email_only_contact_gets_the_deadline_reminder_by_email_in_their_language_and_zone(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack, smtp: SmtpServer
) -> None:
    eva = email_contact(
        session_factory, name="Eva Mailer", email="Eva@Example.org", language="en", timezone="America/New_York"
    )
    deadline = windkracht_deadline(session_factory, date(2026, 12, 7))  # due in 14 days: before-14 is today
    sweeper = mail_sweeper(settings, session_factory, clock, smtp)
    sweeper.run_once()
    # 09:00 in Eva's zone is 14:00 UTC: the Slack contacts have theirs (09:00 Amsterdam), she has nothing yet.
    assert smtp.received == []
    assert len([c for c in standin.calls_to("chat.postMessage") if c.ok and "Jaarrapportage" in c.args["text"]]) == 2
    (row,) = rows_for(session_factory, eva, deadline)
    assert row.planned_for == datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    clock.set(datetime(2026, 11, 23, 14, 1, tzinfo=UTC))
    sweeper.run_once()
    (mail,) = [m for m in smtp.to("eva@example.org") if "Jaarrapportage" in str(m.message["Subject"])]
    message = mail.message
    assert message["Message-ID"] == f"<delivery-{row.id}@covenant.example>"
    assert message["From"] == MAIL_FROM
    assert message["To"] == "Eva Mailer <eva@example.org>"
    assert message["Subject"] == "Reminder: Jaarrapportage 2026 — 7 December 2026"
    assert message.get_content_type() == "multipart/alternative"
    text, html = mail.part("plain"), mail.part("html")
    for part in (text, html):
        assert "Due on Monday, 7 December 2026: in 14 days." in part
        assert "<!date" not in part and ":bell:" not in part
    assert "<strong>Jaarrapportage 2026</strong>" in html
    value = str(row.deadline_id)
    expected = [
        link(f"person:{eva}", "reminder_done", value, clock.now()),
        link(f"person:{eva}", "reminder_snooze_1", f"{value}:1", clock.now()),
        link(f"person:{eva}", "reminder_snooze_3", f"{value}:3", clock.now()),
        link(f"person:{eva}", "reminder_not_for_me", value, clock.now()),
    ]
    assert mail.links() == [u.replace("&", "&amp;") for u in expected]
    for url, label in zip(expected, ("Mark done", "Snooze 1 day", "Snooze 3 days", "Not for me"), strict=True):
        assert f"* {label}: {url}" in text
    assert "answer in Slack" not in text  # every button has its link
    assert rows_for(session_factory, eva, deadline)[0].status == DeliveryStatus.SENT
    assert not [c for c in standin.calls if str(c.args.get("channel", "")).startswith("person:")]
    sweeper.run_once()
    assert smtp.copies()[mail.message_id] == 1


def test_a_contact_who_chose_dutch_gets_a_dutch_email_and_without_links_is_told_to_use_slack(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, smtp: SmtpServer
) -> None:
    email_contact(session_factory, name="Joris Post", email="joris@example.nl", language="nl")
    windkracht_deadline(session_factory, date(2026, 12, 7))
    mailing = settings.model_copy(update={"smtp_url": smtp.url, "mail_from": MAIL_FROM})
    Sweeper(session_factory, make_web_client(mailing, retries=False), clock, mailing).run_once()  # no link_for
    (mail,) = [m for m in smtp.to("joris@example.nl") if "Jaarrapportage" in str(m.message["Subject"])]
    assert mail.message["Subject"] == "Herinnering: Jaarrapportage 2026 — 7 december 2026"
    assert mail.message["Content-Language"] == "nl"
    assert "maandag 7 december 2026" in mail.part("plain")
    assert mail.links() == []
    assert "antwoord in Slack" in mail.part("plain") and "antwoord in Slack" in mail.part("html")


def test_a_temporary_answer_is_retried_with_backoff_and_gives_one_email(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, smtp: SmtpServer
) -> None:
    eva = email_contact(session_factory, name="Eva Mailer", email="eva@example.org")
    deadline = windkracht_deadline(session_factory, date(2026, 12, 7))
    smtp.answers = ["451 4.3.0 Try again later"] * 10  # every email of this sweep (Eva has Windkracht's others too)
    sweeper = mail_sweeper(settings, session_factory, clock, smtp)
    sweeper.run_once()
    assert smtp.to("eva@example.org") == [] and set(smtp.answered) == {"451 4.3.0 Try again later"}
    smtp.answers = []
    (row,) = rows_for(session_factory, eva, deadline)
    assert row.status == DeliveryStatus.PLANNED and row.unsure_since is None  # a 4xx proves nothing was accepted
    assert row.last_error is not None and row.last_error.startswith("not sent: smtp 451")
    assert timedelta(seconds=20) < row.planned_for - clock.now() < timedelta(seconds=40)  # the engine's backoff
    clock.advance(timedelta(minutes=1))
    sweeper.run_once()
    sweeper.run_once()
    assert smtp.copies()[f"<delivery-{row.id}@covenant.example>"] == 1
    assert max(smtp.copies().values()) == 1
    assert rows_for(session_factory, eva, deadline)[0].status == DeliveryStatus.SENT
    with session_factory() as session:
        actions = list(
            session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == row.id).order_by(AuditEntry.id))
        )
    assert actions == ["reminder.retry", "reminder.sent"]


def test_a_permanent_answer_fails_the_row_audits_it_and_tells_the_secretariat_in_slack(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack, smtp: SmtpServer
) -> None:
    eva = email_contact(session_factory, name="Eva Mailer", email="eva@example.org")
    deadline = windkracht_deadline(session_factory, date(2026, 12, 7))
    smtp.answers = ["550 5.1.1 No such mailbox"] * 10
    sweeper = mail_sweeper(settings, session_factory, clock, smtp)
    sweeper.run_once()
    sweeper.run_once()
    (row,) = rows_for(session_factory, eva, deadline)
    assert row.status == DeliveryStatus.FAILED and "550" in str(row.last_error)
    assert smtp.received == []
    with session_factory() as session:
        audited = session.scalar(
            select(AuditEntry).where(AuditEntry.action == "reminder.failed", AuditEntry.entity_id == row.id)
        )
    assert audited is not None and audited.detail == {"error": row.last_error, "recipient": f"person:{eva}"}
    failed = "Herinnering niet bezorgd: Jaarrapportage 2026"  # the secretariat channel speaks Dutch
    (notice,) = [c for c in secretariat_posts(standin) if c.args["text"] == failed]
    body = str(notice.args["blocks"])
    assert "Eva Mailer (eva@example.org)" in body and "550 5.1.1 No such mailbox" in body
    assert "<@person:" not in body


def test_without_smtp_the_secretariat_is_told_once_who_cannot_be_reached(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack, smtp: SmtpServer
) -> None:
    eva = email_contact(session_factory, name="Eva Mailer", email="eva@example.org")
    first = windkracht_deadline(session_factory, date(2026, 12, 7))
    second = windkracht_deadline(session_factory, date(2026, 12, 7), "Ketenkaart 2026")
    sweeper = mail_sweeper(settings, session_factory, clock, None)
    sweeper.run_once()
    sweeper.run_once()
    rows = [r for r in rows_for(session_factory, eva, first, second) if r.rule == "before-14"]
    assert [r.status for r in rows] == [DeliveryStatus.FAILED, DeliveryStatus.FAILED]
    assert {r.last_error for r in rows} == {"email route unavailable: SMTP_URL is not set"}
    told = [c for c in secretariat_posts(standin) if c.args["text"] == "Niet bereikbaar: Eva Mailer"]
    assert not [c for c in secretariat_posts(standin) if "niet bezorgd" in c.args["text"]]
    assert len(told) == 1  # once for the person, not per message
    assert "Eva Mailer" in str(told[0].args["blocks"]) and "SMTP_URL" in str(told[0].args["blocks"])
    assert smtp.received == []


def test_route_both_gets_one_slack_dm_and_one_email(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack, smtp: SmtpServer
) -> None:
    pieter = person("pieter").slack_user_id
    pieter_id = give_email(session_factory, pieter, "pieter@windkracht.example", ContactRoute.BOTH)
    deadline = windkracht_deadline(session_factory, date(2026, 12, 7))
    mail_sweeper(settings, session_factory, clock, smtp).run_once()
    dms = [c for c in standin.calls_to("chat.postMessage") if c.ok and c.args["channel"] == pieter]
    assert len([c for c in dms if "Jaarrapportage" in c.args["text"]]) == 1
    (mail,) = [m for m in smtp.to("pieter@windkracht.example") if "Jaarrapportage" in str(m.message["Subject"])]
    (row,) = [r for r in rows_for(session_factory, pieter_id, deadline) if r.rule == "before-14"]
    assert mail.message_id == f"<delivery-{row.id}@covenant.example>"
    with session_factory() as session:
        keys = set(session.scalars(select(ReminderDelivery.dedupe_key).where(ReminderDelivery.deadline_id == deadline)))
    # Each route its own delivery, with its own dedupe key.
    assert {k for k in keys if "before-14" in k and k.endswith((f":{pieter}", f":person:{pieter_id}"))} == {
        f"deadline:{deadline}:2026-12-07:before-14:{pieter}",
        f"deadline:{deadline}:2026-12-07:before-14:person:{pieter_id}",
    }


def test_route_email_with_a_slack_id_gets_email_only(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack, smtp: SmtpServer
) -> None:
    pieter = person("pieter").slack_user_id
    give_email(session_factory, pieter, "pieter@windkracht.example", ContactRoute.EMAIL)
    windkracht_deadline(session_factory, date(2026, 12, 7))
    mail_sweeper(settings, session_factory, clock, smtp).run_once()
    assert [c for c in standin.calls_to("chat.postMessage") if c.ok and c.args["channel"] == pieter] == []
    mails = [m for m in smtp.to("pieter@windkracht.example") if "Jaarrapportage" in str(m.message["Subject"])]
    assert len(mails) == 1


def _meeting_mail(smtp: SmtpServer, address: str) -> Received:
    mails = [m for m in smtp.to(address) if m.attachments()]
    assert mails, [m.message["Subject"] for m in smtp.to(address)]
    return mails[0]


def test_a_meeting_reminder_email_carries_the_invitation(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack, smtp: SmtpServer
) -> None:
    member = email_contact(
        session_factory,
        name="Mila Meeting",
        email="mila@zonneveld.example",
        organisation="Zonneveld",
        language="en",
        timezone="America/New_York",
        group="Werkgroep Leefbaar Loon",
    )
    sweeper = mail_sweeper(settings, session_factory, clock, smtp)
    for _ in range(5 * 24):  # the monthly meeting is 3 days ahead: its reminder the working day before
        sweeper.run_once()
        clock.advance(timedelta(hours=1))
        if [m for m in smtp.to("mila@zonneveld.example") if m.attachments()]:
            break  # (the group's weekly digest came first, by email too)
    mail = _meeting_mail(smtp, "mila@zonneveld.example")
    with session_factory() as session:
        row = session.scalar(
            select(ReminderDelivery).where(
                ReminderDelivery.recipient == f"person:{member}",
                ReminderDelivery.status == DeliveryStatus.SENT,
                ReminderDelivery.rule.like("meeting-%"),
            )
        )
        assert row is not None and row.rule == "meeting-dayBefore"
        starts = datetime.fromisoformat(str((row.payload or {})["starts_at"]))
    # The channel got its own reminder too.
    assert [c for c in standin.calls_to("chat.postMessage") if c.ok and c.args["channel"] == "CDEMOWG001"]
    assert mail.message.get_content_type() == "multipart/mixed"
    (invite,) = mail.attachments()
    assert invite.get_content_type() == "text/calendar" and invite.get_param("method") == "REQUEST"
    assert invite.get_filename() == "invite.ics"
    calendar = Calendar.from_ical(invite.get_content())
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART").astimezone(UTC) == starts
    assert str(event["ATTENDEE"]) == "mailto:mila@zonneveld.example"
    assert str(event["ORGANIZER"]) == "mailto:bot@covenant.example"
    # The time in the text is in Mila's zone (14:00 in The Hague is 08:00 in New York).
    local = starts.astimezone(__import__("zoneinfo").ZoneInfo("America/New_York"))
    assert f"{local:%H:%M} {local.tzname()}" in mail.part("plain")
    assert [label for label in ("Attend", "Not attending", "Maybe") if label in mail.part("plain")]
    actions = [u for u in mail.links() if u.startswith("https://bot.example/")]
    assert [u.split("action=")[1].split("&")[0] for u in actions] == [
        "meeting_rsvp_yes",
        "meeting_rsvp_no",
        "meeting_rsvp_maybe",
        "meeting_rsvp_who",
    ]
    assert "https://meet.example.org/leefbaar-loon" in mail.links()  # the video link of the message


def test_digests_reach_people_by_email_who_read_no_channel(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack, smtp: SmtpServer
) -> None:
    member = email_contact(
        session_factory,
        name="Mila Member",
        email="mila@zonneveld.example",
        organisation="Zonneveld",
        language="en",
        group="Werkgroep Leefbaar Loon",
    )
    secretary = email_contact(
        session_factory,
        name="Sam Secretary",
        email="sam@ser.example",
        organisation="SER-secretariaat",
        language="en",
        role=RoleKind.SECRETARIAT,
    )
    sweeper = mail_sweeper(settings, session_factory, clock, smtp)
    sweeper.run_once()  # Monday 10:00 in The Hague: the secretariat's digest (08:30) and the groups' (09:00)
    with session_factory() as session:
        rules = {
            row.recipient: row.rule
            for row in session.scalars(select(ReminderDelivery).where(ReminderDelivery.rule.like("digest-%")))
            if row.recipient.startswith("person:")
        }
    assert rules == {f"person:{member}": "digest-group", f"person:{secretary}": "digest-secretariat"}
    (weekly,) = [m for m in smtp.to("mila@zonneveld.example") if "Living Wage" in _text(m)]
    (daily,) = [m for m in smtp.to("sam@ser.example") if "Good morning" in _text(m)]
    assert "Windkracht" not in _text(weekly)  # a group's digest names no company's plans
    assert "Windkracht" in _text(daily) or "Zonneveld" in _text(daily)  # the secretariat's does
    # The channels still get theirs.
    assert secretariat_posts(standin)


def _text(mail: Received) -> str:
    return f"{mail.message['Subject']}\n{mail.part('plain')}"


def test_not_for_me_pressed_in_slack_by_a_person_on_both_routes_stops_their_emails_too(
    slack: SlackHarness, settings: Settings, session_factory: SessionFactory, clock: ManualClock, smtp: SmtpServer
) -> None:
    pieter = person("pieter").slack_user_id
    pieter_id = give_email(session_factory, pieter, "pieter@windkracht.example", ContactRoute.BOTH)
    deadline = windkracht_deadline(session_factory, date(2026, 12, 7))
    sweeper = mail_sweeper(settings, session_factory, clock, smtp)
    sweeper.run_once()
    (dm,) = [
        c
        for c in slack.standin.calls_to("chat.postMessage")
        if c.ok and c.args["channel"] == pieter and "Jaarrapportage" in c.args["text"]
    ]
    press(slack, dm, "reminder_not_for_me", pieter)
    for _ in range(20):
        clock.advance(timedelta(days=1))
        sweeper.run_once()
    sent = [
        r.rule
        for r in rows_for(session_factory, pieter_id, deadline)
        if r.status == DeliveryStatus.SENT and r.rule != "optout"
    ]
    assert sent == ["before-14"]  # the one before the press; none after it, on either route
    assert len([m for m in smtp.to("pieter@windkracht.example") if "Jaarrapportage" in str(m.message["Subject"])]) == 1


def test_a_notice_about_someone_without_slack_names_them_instead_of_a_broken_mention(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack, smtp: SmtpServer
) -> None:
    eva = email_contact(session_factory, name="Eva Mailer", email="eva@example.org")
    deadline = windkracht_deadline(session_factory, date(2026, 12, 7))
    now = clock.now()
    with session_factory() as session:
        notices = (("submitted", {"by": f"person:{eva}", "on": "2026-11-23"}), ("forwarded", {"by": f"person:{eva}"}))
        for rule, payload in notices:
            insert_once(
                session,
                dedupe_key=f"{rule}:test:{SECRETARIAT_CHANNEL}",
                deadline_id=deadline,
                rule=rule,
                recipient=SECRETARIAT_CHANNEL,
                planned_for=now,
                payload=payload,
                created_at=now,
            )
        session.commit()
    mail_sweeper(settings, session_factory, clock, smtp).run_once()
    notices = [c for c in secretariat_posts(standin) if "Jaarrapportage" in c.args["text"]]
    assert len(notices) == 2
    for notice in notices:
        body = str(notice.args["blocks"])
        assert "Eva Mailer (eva@example.org)" in body and "person:" not in body
