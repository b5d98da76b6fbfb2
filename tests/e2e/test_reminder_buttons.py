"""The buttons on a reminder, pressed through the real app: once, by the right person, with a clear answer."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.enums import DeadlineStatus
from bot.db.models import ActionPlan, AuditEntry, Deadline, Organisation, ReminderDelivery
from bot.delivery import Sweeper
from bot.render import reminders as render
from bot.slack_standin import Call
from tests.support.demo import person
from tests.support.factories import windkracht_deadline
from tests.support.harness import SlackHarness, press


def _reminder(slack: SlackHarness, sweeper: Sweeper, key: str, title_part: str) -> Call:
    sweeper.run_once()
    user = person(key).slack_user_id
    found = [
        c
        for c in slack.standin.calls_to("chat.postMessage")
        if c.ok and c.args["channel"] == user and title_part in c.args["text"]
    ]
    assert found, f"no reminder about {title_part} for {key}"
    return found[-1]


def _secretariat_message(slack: SlackHarness, words: str) -> Call:
    return slack.standin.wait_until(
        lambda c: (
            c.method == "chat.postMessage"
            and c.args.get("channel") == "CDEMOSECMT"
            and words in str(c.args.get("text", "")).lower()
        )
    )[0]


def _delta_plan(session_factory: SessionFactory) -> ActionPlan:
    with session_factory() as session:
        plan = session.scalar(
            select(ActionPlan)
            .join(Organisation)
            .where(Organisation.name.like("Delta Alloys%"))
            .order_by(ActionPlan.cycle_year.desc())
        )
        assert plan is not None
        session.expunge(plan)
        return plan


def test_mark_submitted_tells_the_secretariat_who_confirms(
    slack: SlackHarness, sweeper: Sweeper, session_factory: SessionFactory
) -> None:
    reminder = _reminder(slack, sweeper, "emma", "Action plan")
    assert "Action plan 2026" in str(reminder.args["blocks"]) and "Plan van aanpak" not in str(reminder.args)
    replies = press(slack, reminder, render.ACTION_DONE, person("emma").slack_user_id)
    assert replies[0].args["replace_original"] in (True, "true")
    assert "marked as submitted" in replies[0].args["text"]
    notice = _secretariat_message(slack, "ingediend")
    assert "Plan van aanpak 2026" in str(notice.args["blocks"])  # the secretariat's channel reads Dutch
    plan = _delta_plan(session_factory)
    assert plan.submitted_on is not None and not plan.submitted_confirmed
    # Pressed again: nothing changes, and the presser is told.
    again = press(slack, reminder, render.ACTION_DONE, person("emma").slack_user_id)
    assert "already" in again[-1].args["text"]
    # Someone other than the secretariat cannot confirm.
    refused = press(slack, notice, render.ACTION_CONFIRM, person("emma").slack_user_id)
    assert "Only the covenant's secretariat" in refused[-1].args["text"]
    confirmed = press(slack, notice, render.ACTION_CONFIRM, person("tom").slack_user_id)
    assert "confirmed receipt" in confirmed[0].args["text"]
    assert _delta_plan(session_factory).submitted_confirmed
    twice = press(slack, notice, render.ACTION_CONFIRM, person("tom").slack_user_id)
    assert "already confirmed" in twice[-1].args["text"]
    with session_factory() as session:
        actions = set(session.scalars(select(AuditEntry.action)))
        assert {"plan.submitted", "plan.receipt_confirmed", "deadline.done"} <= actions


def test_not_received_reopens_and_reminders_resume(
    slack: SlackHarness, sweeper: Sweeper, session_factory: SessionFactory
) -> None:
    reminder = _reminder(slack, sweeper, "emma", "Action plan")
    press(slack, reminder, render.ACTION_DONE, person("emma").slack_user_id)
    notice = _secretariat_message(slack, "ingediend")
    press(slack, notice, render.ACTION_NOT_RECEIVED, person("tom").slack_user_id)
    plan = _delta_plan(session_factory)
    assert plan.submitted_on is None
    with session_factory() as session:
        deadline = session.get(Deadline, plan.deadline_id)
        assert deadline is not None and deadline.status == DeadlineStatus.OPEN and deadline.planned_at is None


def test_snooze_holds_reminders_but_never_past_the_due_date(
    slack: SlackHarness, sweeper: Sweeper, session_factory: SessionFactory, clock: ManualClock
) -> None:
    reminder = _reminder(slack, sweeper, "emma", "Action plan")
    replies = press(slack, reminder, f"{render.ACTION_SNOOZE}_3", person("emma").slack_user_id)
    assert "Snoozed" in replies[-1].args["text"]
    plan = _delta_plan(session_factory)
    with session_factory() as session:
        deadline = session.get(Deadline, plan.deadline_id)
        assert deadline is not None and deadline.snoozed_until is not None
        # Three days from Monday 23 November 10:00: Thursday 26 November at the usual hour (09:00 in Amsterdam).
        assert deadline.snoozed_until == datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
        # After the due date, snoozing is refused and changes nothing.
        clock.set(clock.now() + timedelta(days=30))
    refused = press(slack, reminder, f"{render.ACTION_SNOOZE}_1", person("emma").slack_user_id)
    assert "before its due date" in refused[-1].args["text"]


def test_wrong_person_cannot_act_on_someone_elses_reminder(
    slack: SlackHarness, sweeper: Sweeper, session_factory: SessionFactory
) -> None:
    reminder = _reminder(slack, sweeper, "emma", "Action plan")
    for action in (render.ACTION_DONE, f"{render.ACTION_SNOOZE}_1", render.ACTION_NOT_FOR_ME):
        replies = press(slack, reminder, action, person("pieter").slack_user_id)
        # Pieter (another company) is told nothing about Delta's deadline, not even that it exists.
        assert [r.args["text"] for r in replies] == [
            "Dat bestaat niet meer, of het is niet voor jou. Er is niets veranderd."
        ]
    plan = _delta_plan(session_factory)
    assert plan.submitted_on is None


def test_not_for_me_stops_reminders_and_forwards_to_the_secretariat(
    slack: SlackHarness, sweeper: Sweeper, session_factory: SessionFactory, clock: ManualClock
) -> None:
    reminder = _reminder(slack, sweeper, "emma", "Action plan")
    press(slack, reminder, render.ACTION_NOT_FOR_ME, person("emma").slack_user_id)
    _secretariat_message(slack, "niet voor")
    again = press(slack, reminder, render.ACTION_NOT_FOR_ME, person("emma").slack_user_id)
    assert "already said" in again[-1].args["text"]
    clock.set(clock.now() + timedelta(days=20))
    sweeper.run_once()
    plan = _delta_plan(session_factory)
    with session_factory() as session:
        later = session.scalar(
            select(func.count())
            .select_from(ReminderDelivery)
            .where(
                ReminderDelivery.deadline_id == plan.deadline_id,
                ReminderDelivery.recipient == person("emma").slack_user_id,
                ReminderDelivery.status == "sent",
            )
        )
        assert later == 1  # only the first reminder, none after "not for me"


def _moments_for(
    slack: SlackHarness, sweeper: Sweeper, clock: ManualClock, user: str, title: str, days: int
) -> list[datetime]:
    """Sweep every hour for ``days`` days; the local moments at which ``user`` got a reminder about ``title``."""

    def count() -> int:
        return len(
            [
                c
                for c in slack.standin.calls_to("chat.postMessage")
                if c.ok and c.args["channel"] == user and title in c.args["text"]
            ]
        )

    moments = []
    start = clock.now()
    for hour in range(1, days * 24):
        clock.set(start + timedelta(hours=hour))
        before = count()
        sweeper.run_once()
        if count() > before:
            moments.append(clock.now().astimezone(ZoneInfo("Europe/Amsterdam")))
    return moments


def test_snooze_one_day_reminds_the_next_business_morning_then_follows_the_policy(
    slack: SlackHarness, sweeper: Sweeper, session_factory: SessionFactory, clock: ManualClock
) -> None:
    pieter = person("pieter").slack_user_id
    windkracht_deadline(session_factory, date(2026, 12, 7), "Snooze")  # before-14 is today, Monday 23 November
    reminder = _reminder(slack, sweeper, "pieter", "Snooze")
    replies = press(slack, reminder, f"{render.ACTION_SNOOZE}_1", pieter)
    assert "Snoozed" in replies[-1].args["text"] or "Uitgesteld" in replies[-1].args["text"]
    moments = _moments_for(slack, sweeper, clock, pieter, "Snooze", 8)
    ams = ZoneInfo("Europe/Amsterdam")
    assert moments == [
        datetime(2026, 11, 24, 9, 0, tzinfo=ams),  # the day after, at the usual hour: the snooze's promise
        datetime(2026, 11, 30, 9, 0, tzinfo=ams),  # then the policy again: 7 days before
    ]


def test_snooze_on_a_friday_reminds_on_monday(
    slack: SlackHarness, sweeper: Sweeper, session_factory: SessionFactory, clock: ManualClock
) -> None:
    pieter = person("pieter").slack_user_id
    clock.set(datetime(2026, 11, 27, 10, 0, tzinfo=UTC))  # Friday 27 November, 11:00 in Amsterdam
    windkracht_deadline(session_factory, date(2026, 12, 11), "Vrijdag")  # before-14 is today
    reminder = _reminder(slack, sweeper, "pieter", "Vrijdag")
    press(slack, reminder, f"{render.ACTION_SNOOZE}_1", pieter)
    moments = _moments_for(slack, sweeper, clock, pieter, "Vrijdag", 8)
    ams = ZoneInfo("Europe/Amsterdam")
    # Saturday is no working day: Monday 30 November at 09:00; then 7 days before (Friday 4 December).
    assert moments == [datetime(2026, 11, 30, 9, 0, tzinfo=ams), datetime(2026, 12, 4, 9, 0, tzinfo=ams)]
