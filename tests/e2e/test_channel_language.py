"""Every message to a channel is in its audience's language: a working group's channel in the group's, a
secretariat channel in its covenant's; DMs stay in each person's own language.

The demo's metals due-diligence group (CDEMOWG002) works in English while the bot's default is Dutch.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.enums import MinutesStatus
from bot.db.models import AuditEntry, Covenant
from bot.delivery import Sweeper
from bot.render import minutes as render
from bot.slack_standin import StandinSlack
from tests.support.factories import windkracht_deadline
from tests.support.harness import SlackHarness, reply_text
from tests.support.harness import click as share_click
from tests.support.minutes import (
    METALS_CHANNEL,
    answer_to,
    call_minutes,
    click,
    end_the_call,
    eventually,
    posts,
    uid,
    write_minutes,
)

ENERGY_SECRETARIAT = "CDEMOSECHE"


def test_approved_minutes_are_shown_in_the_english_groups_channel_in_english(
    slack: SlackHarness,
    clock: ManualClock,
    sweeper: Sweeper,
    standin: StandinSlack,
    session_factory: SessionFactory,
) -> None:
    end_the_call(clock, sweeper, standin)
    minutes_id = write_minutes(slack, session_factory)
    click(slack, uid("tom"), render.ACTION_CIRCULATE, str(minutes_id))
    eventually(session_factory, lambda s: call_minutes(s).status == MinutesStatus.CIRCULATED)
    circulated = standin.wait_until(
        lambda c: c.method == "chat.postMessage" and render.ACTION_APPROVE in str(c.args.get("blocks"))
    )[0]
    assert circulated.args["channel"] == METALS_CHANNEL and "comments" in reply_text(circulated).lower()
    answer_to(slack, click(slack, uid("emma"), render.ACTION_APPROVE, str(minutes_id))[0])
    [update] = standin.wait_for("chat.update")
    assert update.args["channel"] == METALS_CHANNEL
    assert "Approved by" in reply_text(update)
    assert "goedgekeurd" not in reply_text(update).lower() and "VERSLAG" not in reply_text(update)


def test_the_english_groups_digest_and_meeting_reminder_are_in_english(
    sweeper: Sweeper, clock: ManualClock, standin: StandinSlack
) -> None:
    clock.set(datetime(2026, 11, 23, 8, 5, tzinfo=UTC))  # Monday 09:05 Amsterdam: the weekly group digest
    sweeper.run_once()
    sweeper.run_once()
    assert posts(standin, METALS_CHANNEL, "This week in")
    assert not posts(standin, METALS_CHANNEL, "Deze week")
    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))  # Tuesday 10:00: the day before the weekly call
    sweeper.run_once()
    reminders = [c for c in posts(standin, METALS_CHANNEL, "weekly call") if "meeting_rsvp_yes" in str(c.args)]
    assert reminders and all("Reminder" in reply_text(c) or "Starting soon" in reply_text(c) for c in reminders)
    assert not any("Herinnering" in reply_text(c) for c in reminders)


def test_an_english_covenants_secretariat_channel_gets_english_and_people_keep_their_own(
    slack: SlackHarness, sweeper: Sweeper, clock: ManualClock, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    bad = reply_text(slack.command("/covenant", "kanaaltaal hernieuwbare-energie fr", uid("sanne")))
    assert "fr" in bad and "nl" in bad and "en" in bad
    with session_factory() as session:
        assert session.scalar(select(Covenant.language).where(Covenant.slug == "hernieuwbare-energie")) is None
    done = reply_text(slack.command("/covenant", "kanaaltaal hernieuwbare-energie engels", uid("sanne")))
    assert "Engels" in done and "secretariaatskanaal" in done  # Sanne reads Dutch
    refused = reply_text(slack.command("/covenant", "channel-language hernieuwbare-energie nl", uid("fatima")))
    assert "secretariaat" in refused
    with session_factory() as session:
        assert session.scalar(select(Covenant.language).where(Covenant.slug == "hernieuwbare-energie")) == "en"
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "covenant.language")) is not None
    clock.set(datetime(2026, 11, 23, 7, 31, tzinfo=UTC))  # Monday 08:31 Amsterdam: the morning digest
    sweeper.run_once()
    sweeper.run_once()
    morning = posts(standin, ENERGY_SECRETARIAT, "Good morning")
    assert len(morning) == 1 and "Overdue action plans" in reply_text(morning[0])
    assert not posts(standin, ENERGY_SECRETARIAT, "Goedemorgen")
    assert posts(standin, "CDEMOSECMT", "Goedemorgen")  # the metals covenant's secretariat keeps Dutch
    windkracht_deadline(session_factory, date(2026, 11, 30), "Jaarrapportage 2026")
    clock.set(datetime(2026, 12, 3, 9, 0, tzinfo=UTC))  # due + 3 days: escalated to the secretariat channel
    sweeper.run_once()
    escalated = posts(standin, ENERGY_SECRETARIAT, "Jaarrapportage 2026")
    assert escalated and all("Overdue" in reply_text(c) and "Te laat" not in reply_text(c) for c in escalated)


def test_a_status_shared_in_the_english_groups_channel_is_in_english(slack: SlackHarness) -> None:
    sanne = uid("sanne")  # reads Dutch
    status = slack.command("/covenant", "status metaal", sanne, channel=METALS_CHANNEL)
    assert "Convenant Metaalsector" in reply_text(status)
    url = share_click(slack, status, "share_status", sanne, channel=METALS_CHANNEL)
    posted = slack.standin.wait_for("chat.postMessage")[0]
    assert posted.args["channel"] == METALS_CHANNEL
    assert "Metals Sector Agreement" in reply_text(posted) and f"Shared by <@{sanne}>" in reply_text(posted)
    assert "Gedeeld in" in reply_text(slack.wait_response(url))  # the note to Sanne stays Dutch


def test_setting_a_groups_language_names_the_language(slack: SlackHarness) -> None:
    said = reply_text(slack.command("/meeting", "group language leefbaar loon en", uid("sanne")))
    assert "*Engels*" in said and "*en*" not in said  # Sanne reads Dutch
