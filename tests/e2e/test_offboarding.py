"""Offboarding (``/covenant unlink @person [covenant]``): the person's roles and group places in the covenant go,
a reminder already planned for them is not sent, the company's other contacts still get theirs, and when nobody
is left the secretariat is told. Only that covenant's secretariat may do it; nothing changes otherwise."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.models import AuditEntry, Covenant, Person, ReminderDelivery
from bot.delivery import Sweeper
from bot.services.people import access
from bot.slack_standin import StandinSlack
from tests.support.demo import person
from tests.support.email_people import email_contact
from tests.support.factories import windkracht_deadline
from tests.support.harness import SlackHarness, reply_text

SANNE, TOM, FATIMA = (person(k).slack_user_id for k in ("sanne", "tom", "fatima"))
PIETER, LOTTE, EMMA = (person(k).slack_user_id for k in ("pieter", "lotte", "emma"))
TITLE = "Offboarding check"


def _mention(slack_id: str) -> str:
    return f"<@{slack_id}|someone>"


def _dms(standin: StandinSlack, slack_id: str) -> list[str]:
    return [
        str(c.args["text"])
        for c in standin.calls_to("chat.postMessage")
        if c.ok and c.args["channel"] == slack_id and TITLE in str(c.args["text"])
    ]


def _roles(session_factory: SessionFactory, slack_id: str) -> set[tuple[str, str]]:
    with session_factory() as session:
        found = session.scalars(select(Person).where(Person.slack_user_id == slack_id)).one()
        return {(role.covenant.slug, role.kind.value) for role in found.roles}


def _secretariat_channel(session_factory: SessionFactory, slug: str) -> str:
    with session_factory() as session:
        covenant = session.scalars(select(Covenant).where(Covenant.slug == slug)).one()
        assert covenant.secretariat_channel
        return covenant.secretariat_channel


def test_a_planned_reminder_is_not_sent_after_unlinking_and_the_other_contact_still_gets_hers(
    slack: SlackHarness, sweeper: Sweeper, clock: ManualClock, session_factory: SessionFactory
) -> None:
    windkracht_deadline(session_factory, date(2027, 1, 29), TITLE)
    sweeper.run_once()  # plans the 30-days-before reminder for both of Windkracht's contacts
    answer = reply_text(slack.command("/covenant", f"unlink {_mention(PIETER)} hernieuwbare-energie", SANNE))
    assert "hernieuwbare" in answer.lower() or "renewable" in answer.lower()
    assert _roles(session_factory, PIETER) == set()
    clock.set(datetime(2026, 12, 30, 9, 0, tzinfo=UTC))
    sweeper.run_once()
    assert _dms(slack.standin, PIETER) == []
    assert len(_dms(slack.standin, LOTTE)) == 1
    with session_factory() as session:
        pieter = session.scalars(select(Person).where(Person.slack_user_id == PIETER)).one()
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "person.unlink", AuditEntry.entity_id == pieter.id)
        ).one()
        assert entry.actor == SANNE and entry.detail == {
            "slack_user_id": PIETER,
            "covenants": ["hernieuwbare-energie"],
            "groups": ["Werkgroep Leefbaar Loon"],
        }


def test_when_the_last_contact_goes_the_secretariat_is_told_nobody_is_left(
    slack: SlackHarness, sweeper: Sweeper, clock: ManualClock, session_factory: SessionFactory
) -> None:
    windkracht_deadline(session_factory, date(2027, 1, 29), TITLE)
    sweeper.run_once()
    slack.command("/covenant", f"ontkoppel {_mention(PIETER)}", SANNE)
    last = reply_text(slack.command("/covenant", f"unlink {_mention(LOTTE)}", SANNE))
    assert "Windkracht" in last and "hernieuwbare-energie" in last  # no contact left there: said at once
    sweeper.run_once()
    channel = _secretariat_channel(session_factory, "hernieuwbare-energie")
    notices = [
        c
        for c in slack.standin.calls_to("chat.postMessage")
        if c.ok and c.args["channel"] == channel and TITLE in str(c.args)
    ]
    assert notices, "the secretariat was not told that Windkracht has no contact left"
    clock.set(datetime(2026, 12, 30, 9, 0, tzinfo=UTC))
    sweeper.run_once()
    assert _dms(slack.standin, PIETER) == [] and _dms(slack.standin, LOTTE) == []


def test_unlinking_from_a_covenant_takes_the_groups_and_so_the_minutes_with_it(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    with session_factory() as session:
        before = access.minutes_group_ids(session, access.viewer_for(session, EMMA, None, "en", "Europe/Amsterdam"))
    assert before
    answer = reply_text(slack.command("/covenant", f"unlink {_mention(EMMA)} metaal", TOM))
    assert "Metals due diligence" in answer or "Werkgroep" in answer
    with session_factory() as session:
        viewer = access.viewer_for(session, EMMA, None, "en", "Europe/Amsterdam")
        assert access.minutes_group_ids(session, viewer) == set()
    assert not {slug for slug, _ in _roles(session_factory, EMMA)} & {"metaal"}


def test_only_that_covenants_secretariat_may_unlink_and_a_refusal_changes_nothing(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    roles = _roles(session_factory, PIETER)
    assert roles
    # Tom runs metaal, not hernieuwbare-energie: Pieter has no role in a covenant he runs.
    nothing = reply_text(slack.command("/covenant", f"unlink {_mention(PIETER)}", TOM))
    assert "Nothing was changed" in nothing or "niets veranderd" in nothing
    named = reply_text(slack.command("/covenant", f"unlink {_mention(PIETER)} hernieuwbare-energie", TOM))
    assert "secretariat" in named.lower() or "secretariaat" in named.lower()
    ngo = reply_text(slack.command("/covenant", f"unlink {_mention(PIETER)}", FATIMA))
    assert "secretariat" in ngo.lower() or "secretariaat" in ngo.lower()
    unknown = reply_text(slack.command("/covenant", f"unlink {_mention('UNKNOWN001')}", SANNE))
    assert "niets veranderd" in unknown or "Nothing was changed" in unknown
    usage = reply_text(slack.command("/covenant", "unlink", SANNE))
    assert "@person" in usage or "@persoon" in usage
    assert _roles(session_factory, PIETER) == roles
    with session_factory() as session:
        assert not session.scalars(select(AuditEntry).where(AuditEntry.action == "person.unlink")).all()


def test_a_contact_without_slack_is_unlinked_by_email_address_and_gets_no_more_reminders(
    slack: SlackHarness, sweeper: Sweeper, clock: ManualClock, session_factory: SessionFactory
) -> None:
    eva = email_contact(session_factory, name="Eva Mailer", email="eva@windkracht.example", language="en")
    windkracht_deadline(session_factory, date(2027, 1, 29), TITLE)
    sweeper.run_once()  # plans the reminders, one of them to person:<eva> by email
    with session_factory() as session:
        assert session.scalar(select(ReminderDelivery.id).where(ReminderDelivery.recipient == f"person:{eva}"))
    # Typed as Slack sends a typed address: a mailto link. Someone else's secretariat may not.
    typed = "unlink <mailto:eva@windkracht.example|eva@windkracht.example>"
    refused = reply_text(slack.command("/covenant", typed, TOM))
    assert "eva@windkracht.example" in refused and "None" not in refused
    with session_factory() as session:
        contact = session.get(Person, eva)
        assert contact is not None and contact.roles
    answer = reply_text(slack.command("/covenant", typed, SANNE))
    assert "Eva Mailer (eva@windkracht.example)" in answer and "None" not in answer
    with session_factory() as session:
        contact = session.get(Person, eva)
        assert contact is not None and contact.roles == []
        unlinked = session.scalars(select(AuditEntry).where(AuditEntry.action == "person.unlink")).one()
        assert unlinked.entity_id == eva and unlinked.actor == SANNE
    clock.set(datetime(2026, 12, 30, 9, 0, tzinfo=UTC))
    sweeper.run_once()
    with session_factory() as session:
        rows = session.scalars(select(ReminderDelivery).where(ReminderDelivery.recipient == f"person:{eva}")).all()
        assert rows and all(row.status.value != "sent" for row in rows)
    unknown = reply_text(slack.command("/covenant", "unlink nobody@windkracht.example", SANNE))
    assert "nobody@windkracht.example" in unknown
