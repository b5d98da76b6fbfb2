"""The reminder engine: right offsets, business days and hours, catch-up, retries, exactly once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.enums import DeadlineStatus, DeliveryStatus
from bot.db.models import Covenant, Deadline, ReminderDelivery
from bot.delivery import Sweeper
from bot.services.plans import deadlines
from bot.slack_standin import StandinSlack
from tests.support.demo import person
from tests.support.factories import windkracht_deadline

AMS = ZoneInfo("Europe/Amsterdam")


def _sent(standin: StandinSlack, title: str) -> list[str]:
    return [str(c.args["channel"]) for c in standin.calls_to("chat.postMessage") if c.ok and title in c.args["text"]]


def test_both_contacts_get_the_reminder_once(
    sweeper: Sweeper, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    windkracht_deadline(session_factory, date(2026, 12, 7))  # due in 14 days: before-14 is today
    result = sweeper.run_once()
    assert sorted(_sent(standin, "Jaarrapportage")) == sorted(
        [person("pieter").slack_user_id, person("lotte").slack_user_id]
    )
    assert result.sent >= 2
    sweeper.run_once()
    sweeper.run_once()
    assert len(_sent(standin, "Jaarrapportage")) == 2


def _local(clock_time: datetime) -> datetime:
    return clock_time.astimezone(AMS)


def test_reminders_follow_the_policy_offsets_at_nine_local(
    sweeper: Sweeper, clock: ManualClock, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    windkracht_deadline(session_factory, date(2027, 1, 29), "Offsets")  # a Friday
    moments: list[datetime] = []
    pieter = person("pieter").slack_user_id
    start = clock.now().replace(hour=0)
    # Sweep around 09:00 local (07:00/08:00 UTC) and a few other times a day: a reminder planned for any
    # other hour would show up at a later sweep and fail the 09:00 check.
    for day in range(80):  # to 11 February
        for hour in (0, 7, 8, 12):
            clock.set(start + timedelta(days=day, hours=hour))
            before = len([c for c in _sent(standin, "Offsets") if c == pieter])
            sweeper.run_once()
            if len([c for c in _sent(standin, "Offsets") if c == pieter]) > before:
                moments.append(_local(clock.now()))
    days = [m.date() for m in moments]
    # 30 days before is 30 Dec (a Wednesday), 14 before is 15 Jan, 7 before 22 Jan, 1 before 28 Jan, due 29 Jan,
    # overdue every 7 days: 5 Feb, 12 Feb...
    assert days == [
        date(2026, 12, 30),
        date(2027, 1, 15),
        date(2027, 1, 22),
        date(2027, 1, 28),
        date(2027, 1, 29),
        date(2027, 2, 5),
    ]
    assert all(m.hour == 9 for m in moments)


def _send_moments(
    sweeper: Sweeper, clock: ManualClock, standin: StandinSlack, title: str, start: datetime, hours: int
) -> list[datetime]:
    pieter = person("pieter").slack_user_id
    moments = []
    for hour in range(hours):
        clock.set(start + timedelta(hours=hour))
        before = _sent(standin, title).count(pieter)
        sweeper.run_once()
        if _sent(standin, title).count(pieter) > before:
            moments.append(_local(clock.now()))
    return moments


def test_a_reminder_before_the_due_date_on_kings_day_comes_the_business_day_before(
    sweeper: Sweeper, clock: ManualClock, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    windkracht_deadline(session_factory, date(2027, 5, 4), "Koningsdag")  # before-7 = Tuesday 27 April, King's Day
    clock.set(datetime(2027, 4, 19, 20, 0, tzinfo=UTC))
    sweeper.run_once()  # before-14 (20 April) goes out on the 20th
    moments = _send_moments(sweeper, clock, standin, "Koningsdag", datetime(2027, 4, 20, 0, 0, tzinfo=UTC), 24 * 9)
    # Before the due date the business day before is the useful one: Monday 26 April, not Wednesday 28.
    assert moments[:2] == [datetime(2027, 4, 20, 9, 0, tzinfo=AMS), datetime(2027, 4, 26, 9, 0, tzinfo=AMS)]


def test_due_monday_21_december_is_reminded_on_friday_18_december(
    sweeper: Sweeper, clock: ManualClock, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    windkracht_deadline(session_factory, date(2026, 12, 21), "Maandag")  # before-1 = Sunday 20 December
    clock.set(datetime(2026, 12, 13, 20, 0, tzinfo=UTC))
    sweeper.run_once()  # the earlier reminders' catch-up (before-14 of 7 December) goes out now
    moments = _send_moments(sweeper, clock, standin, "Maandag", datetime(2026, 12, 14, 0, 0, tzinfo=UTC), 24 * 8)
    assert moments == [
        datetime(2026, 12, 14, 9, 0, tzinfo=AMS),  # before-7
        datetime(2026, 12, 18, 9, 0, tzinfo=AMS),  # before-1, moved from Sunday to the Friday before
        datetime(2026, 12, 21, 9, 0, tzinfo=AMS),  # due
    ]


def test_due_the_day_after_christmas_is_reminded_before_the_holidays(
    sweeper: Sweeper, clock: ManualClock, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    # Due Monday 28 December 2026: before-1 is Sunday 27, after Christmas (Fri 25) and Tweede Kerstdag (Sat 26).
    windkracht_deadline(session_factory, date(2026, 12, 28), "Na kerst")
    clock.set(datetime(2026, 12, 20, 20, 0, tzinfo=UTC))
    sweeper.run_once()
    moments = _send_moments(sweeper, clock, standin, "Na kerst", datetime(2026, 12, 21, 0, 0, tzinfo=UTC), 24 * 8)
    assert moments == [
        datetime(2026, 12, 21, 9, 0, tzinfo=AMS),  # before-7
        datetime(2026, 12, 24, 9, 0, tzinfo=AMS),  # before-1, on the last business day before the due date
        datetime(2026, 12, 28, 9, 0, tzinfo=AMS),  # due
    ]


def test_two_reminders_moved_onto_one_day_are_one_reminder(
    sweeper: Sweeper, clock: ManualClock, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    deadline_id = windkracht_deadline(session_factory, date(2026, 12, 21), "Samen")
    with session_factory() as session:
        deadline = session.get(Deadline, deadline_id)
        assert deadline is not None
        # 3 days before is Friday 18 December, 1 day before Sunday 20 December, which moves to that Friday too.
        deadline.covenant.reminder_policy = {"default": {"before_days": [3, 1], "escalate_after_days": None}}
        session.commit()
    moments = _send_moments(sweeper, clock, standin, "Samen", datetime(2026, 12, 17, 0, 0, tzinfo=UTC), 24 * 5)
    assert moments == [datetime(2026, 12, 18, 9, 0, tzinfo=AMS), datetime(2026, 12, 21, 9, 0, tzinfo=AMS)]
    friday = [c for c in standin.calls_to("chat.postMessage") if c.ok and "Samen" in c.args["text"]]
    assert "nog 3 dagen" in str(friday[0].args["blocks"]) or "in 3 days" in str(friday[0].args["blocks"])


def test_dst_weeks_keep_nine_local(
    sweeper: Sweeper, clock: ManualClock, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    windkracht_deadline(session_factory, date(2027, 4, 1), "Maart")  # DST starts Sunday 28 March 2027
    windkracht_deadline(session_factory, date(2027, 11, 4), "Oktober")  # DST ends Sunday 31 October 2027
    spring = _send_moments(sweeper, clock, standin, "Maart", datetime(2027, 3, 24, 0, 0, tzinfo=UTC), 24 * 9)
    autumn = _send_moments(sweeper, clock, standin, "Oktober", datetime(2027, 10, 27, 0, 0, tzinfo=UTC), 24 * 9)
    # (The first moment of each is the catch-up of the 14-days-before reminder, sent on the first morning.)
    assert [m.date() for m in spring[1:]] == [date(2027, 3, 25), date(2027, 3, 31), date(2027, 4, 1)]
    assert [m.date() for m in autumn[1:]] == [date(2027, 10, 28), date(2027, 11, 3), date(2027, 11, 4)]
    assert {m.hour for m in spring + autumn} == {9}
    assert {m.utcoffset() for m in spring} == {timedelta(hours=1), timedelta(hours=2)}


def test_after_downtime_only_the_latest_reminder_is_sent(
    sweeper: Sweeper, clock: ManualClock, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    windkracht_deadline(session_factory, date(2027, 1, 29), "Downtime")
    sweeper.run_once()  # plans before-30 for 30 December
    clock.set(datetime(2027, 2, 3, 10, 0, tzinfo=UTC))  # down for weeks: due date has passed
    sweeper.run_once()
    pieter = person("pieter").slack_user_id
    # What Pieter sees: posts Slack accepted (one refused for its rate limit, under load, is retried, not shown).
    sent = [
        c
        for c in standin.calls_to("chat.postMessage")
        if c.ok and "Downtime" in c.args["text"] and c.args["channel"] == pieter
    ]
    assert len(sent) == 1
    assert "overdue" in str(sent[0].args["blocks"]) or "te laat" in str(sent[0].args["blocks"])


def test_rate_limits_and_server_errors_are_retried(
    sweeper: Sweeper, clock: ManualClock, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    failures = {"count": 0}

    def fault(method: str, args: dict) -> tuple[int, dict[str, str], dict] | None:  # type: ignore[type-arg]
        if method == "chat.postMessage" and failures["count"] < 2:
            failures["count"] += 1
            if failures["count"] == 1:
                return 429, {"Retry-After": "1"}, {"ok": False, "error": "ratelimited"}
            return 503, {}, {"ok": False, "error": "service_unavailable"}
        return None

    standin.fault = fault
    deadline_id = windkracht_deadline(session_factory, date(2026, 12, 7), "Retry me")
    for minutes in range(0, 10):
        clock.set(clock.now() + timedelta(minutes=minutes))
        sweeper.run_once()
    assert sorted(_sent(standin, "Retry me")) == sorted([person("pieter").slack_user_id, person("lotte").slack_user_id])
    with session_factory() as session:
        statuses = session.scalars(
            select(ReminderDelivery.status).where(
                ReminderDelivery.deadline_id == deadline_id, ReminderDelivery.rule == "before-14"
            )
        ).all()
        assert set(statuses) == {DeliveryStatus.SENT}


def test_a_second_long_rate_limit_is_waited_out_in_the_same_sweep(
    sweeper: Sweeper, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    """Slack answers a burst into one channel with 429 and Retry-After 1: the message still goes in this sweep,
    as it would in a workspace (the next sweep is a minute away), and the refusal is not counted as a post."""
    refused: list[str] = []

    def fault(method: str, args: dict) -> tuple[int, dict[str, str], dict] | None:  # type: ignore[type-arg]
        if method == "chat.postMessage" and not refused:
            refused.append(str(args.get("channel")))
            return 429, {"Retry-After": "1"}, {"ok": False, "error": "ratelimited"}
        return None

    standin.fault = fault
    deadline_id = windkracht_deadline(session_factory, date(2026, 12, 7), "Burst")
    result = sweeper.run_once()
    assert result.retried == 0 and len(refused) == 1
    assert sorted(_sent(standin, "Burst")) == sorted([person("pieter").slack_user_id, person("lotte").slack_user_id])
    with session_factory() as session:
        rows = session.scalars(
            select(ReminderDelivery).where(
                ReminderDelivery.deadline_id == deadline_id, ReminderDelivery.rule == "before-14"
            )
        ).all()
        assert {row.status for row in rows} == {DeliveryStatus.SENT} and {row.posts for row in rows} == {1}


def test_permanent_failure_is_marked_and_told_to_the_secretariat(
    sweeper: Sweeper, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    def fault(method: str, args: dict) -> tuple[int, dict[str, str], dict] | None:  # type: ignore[type-arg]
        if method == "chat.postMessage" and args.get("channel") == person("lotte").slack_user_id:
            return 200, {}, {"ok": False, "error": "account_inactive"}
        return None

    standin.fault = fault
    windkracht_deadline(session_factory, date(2026, 12, 7), "Inactive")
    sweeper.run_once()
    sweeper.run_once()
    with session_factory() as session:
        covenant = session.scalar(select(Covenant).where(Covenant.slug == "hernieuwbare-energie"))
        assert covenant is not None and covenant.secretariat_channel
        # (Lotte also takes the minutes of the demo meeting two days ago: that DM to her fails too.)
        failed = session.scalar(
            select(func.count())
            .select_from(ReminderDelivery)
            .where(ReminderDelivery.status == DeliveryStatus.FAILED, ReminderDelivery.deadline_id.is_not(None))
        )
        assert failed == 1
        channel = covenant.secretariat_channel
    notices = [c for c in standin.calls_to("chat.postMessage") if c.args["channel"] == channel and c.ok]
    assert any("account_inactive" in str(c.args["blocks"]) for c in notices)


def test_a_crash_after_slack_accepted_is_recovered_without_resending(
    sweeper: Sweeper, clock: ManualClock, session_factory: SessionFactory, standin: StandinSlack, settings
) -> None:  # type: ignore[no-untyped-def]
    windkracht_deadline(session_factory, date(2026, 12, 7), "Crash")
    sweeper.plan()
    # A first process claims and sends, then "dies" before recording the send.
    crashed = Sweeper(session_factory, sweeper.client, clock, settings, worker="crashed")
    with session_factory() as session:
        from bot.delivery import store

        ids = store.claim_due(session, clock.now(), "crashed")
    crashed_sent = []
    with session_factory() as session:
        for delivery_id in ids:
            delivery = session.get(ReminderDelivery, delivery_id)
            assert delivery is not None
            reply = crashed._build(session, delivery, clock.now())
            if reply is None:  # e.g. an empty digest: nothing to send
                continue
            # As the engine does: the request is recorded before it is made.
            assert store.start_post(session, delivery, "crashed", clock.now(), store.LEASE)
            standin.rate_limiter.let_time_pass(1.0)  # the engine spaces its posts as Slack's limits ask
            crashed.client.chat_postMessage(
                channel=delivery.recipient,
                metadata={"event_type": "covenant_bot_delivery", "event_payload": {"delivery_id": delivery.id}},
                **reply.as_message(),
            )
            crashed_sent.append(delivery_id)
    assert crashed_sent
    clock.set(clock.now() + timedelta(minutes=6))  # the lease expires
    result = sweeper.run_once()
    assert result.recovered == len(crashed_sent)
    sent_ids = [
        c.args["metadata"]["event_payload"]["delivery_id"]
        for c in standin.calls_to("chat.postMessage")
        if c.ok and c.args.get("metadata")
    ]
    assert sorted(i for i in sent_ids if i in crashed_sent) == sorted(crashed_sent)  # recovered, not resent
    with session_factory() as session:
        assert all(session.get(ReminderDelivery, i).status == DeliveryStatus.SENT for i in crashed_sent)  # type: ignore[union-attr]


def test_closed_deadline_is_not_reminded(
    sweeper: Sweeper, session_factory: SessionFactory, standin: StandinSlack, clock: ManualClock
) -> None:
    deadline_id = windkracht_deadline(session_factory, date(2026, 12, 30), "Closed")
    with session_factory() as session:
        deadline = session.get(Deadline, deadline_id)
        assert deadline is not None
        deadlines.close(session, deadline, DeadlineStatus.DONE, clock.now(), "test")
        session.commit()
    sweeper.run_once()
    assert _sent(standin, "Closed") == []


def test_moving_the_due_date_drops_the_old_reminders_and_escalation(
    sweeper: Sweeper, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack
) -> None:
    deadline_id = windkracht_deadline(session_factory, date(2026, 11, 18), "Moved")  # overdue: escalation planned
    sweeper.run_once()
    with session_factory() as session:
        deadline = session.get(Deadline, deadline_id)
        assert deadline is not None
        deadlines.set_due(session, deadline, date(2027, 2, 1), clock.now(), "test")
        session.commit()
        stale = session.scalars(
            select(ReminderDelivery).where(
                ReminderDelivery.deadline_id == deadline_id,
                ReminderDelivery.status == DeliveryStatus.PLANNED,
                ReminderDelivery.dedupe_key.contains("2026-11-18"),
            )
        ).all()
        assert stale == []
    clock.set(clock.now() + timedelta(days=10))
    sweeper.run_once()
    escalations = [
        c
        for c in standin.calls_to("chat.postMessage")
        if c.ok and "Moved" in str(c.args.get("blocks")) and c.args["channel"].startswith("CDEMOSEC")
    ]
    assert len(escalations) == 1  # the one sent before the move; none for the old date afterwards


def test_reopened_deadline_escalates_again(
    sweeper: Sweeper, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack
) -> None:
    deadline_id = windkracht_deadline(session_factory, date(2026, 11, 30), "Reopened")
    with session_factory() as session:
        deadline = session.get(Deadline, deadline_id)
        assert deadline is not None
        deadlines.close(session, deadline, DeadlineStatus.DONE, clock.now(), "test")
        deadlines.reopen(session, deadline, clock.now(), "test")
        session.commit()
    clock.set(datetime(2026, 12, 3, 9, 0, tzinfo=UTC))  # due + 3 days
    sweeper.run_once()
    assert any(
        "Reopened" in str(c.args.get("blocks"))
        for c in standin.calls_to("chat.postMessage")
        if c.ok and c.args["channel"] == "CDEMOSECHE"
    )


def _deadline_statuses(session_factory: SessionFactory, recipient: str, label: str) -> set[DeliveryStatus]:
    """The statuses of the reminders to ``recipient`` about the deadline titled ``label`` that were due."""
    with session_factory() as session:
        deadline_id = session.scalar(select(Deadline.id).where(Deadline.title == label))
        return set(
            session.scalars(
                select(ReminderDelivery.status).where(
                    ReminderDelivery.deadline_id == deadline_id,
                    ReminderDelivery.recipient == recipient,
                    ReminderDelivery.rule == "before-14",
                )
            )
        )


def test_a_deactivated_person_is_a_permanent_failure_told_to_the_secretariat(
    sweeper: Sweeper, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    lotte = person("lotte").slack_user_id
    standin.users[lotte]["deleted"] = True  # deactivated in Slack: her DM refuses with user_disabled
    standin.expected_refusals = {"user_disabled"}
    windkracht_deadline(session_factory, date(2026, 12, 7), "Deactivated")
    sweeper.run_once()
    sweeper.run_once()
    assert _deadline_statuses(session_factory, lotte, "Deactivated") == {DeliveryStatus.FAILED}
    told = [c for c in standin.calls_to("chat.postMessage") if c.ok and "user_disabled" in str(c.args.get("blocks"))]
    assert told and all(c.args["channel"].startswith("C") for c in told)


def test_an_unsure_send_to_a_person_deactivated_since_is_given_up_at_once(
    sweeper: Sweeper, clock: ManualClock, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    """The history check cannot open the DM of a deactivated person (user_disabled): no point waiting a day."""
    lotte = person("lotte").slack_user_id

    def fault(method: str, args: dict) -> tuple[int, dict[str, str], dict] | None:  # type: ignore[type-arg]
        if method == "chat.postMessage" and args.get("channel") == lotte:
            standin.users[lotte]["deleted"] = True  # Slack failed (maybe after storing it); she leaves meanwhile
            return 500, {}, {"ok": False, "error": "internal_error"}
        return None

    standin.fault = fault
    standin.expected_refusals = {"user_disabled"}
    windkracht_deadline(session_factory, date(2026, 12, 7), "Unsure then gone")
    sweeper.run_once()
    standin.fault = None
    clock.set(clock.now() + timedelta(minutes=10))  # past the backoff: the history check runs
    sweeper.run_once()
    assert _deadline_statuses(session_factory, lotte, "Unsure then gone") == {DeliveryStatus.FAILED}
