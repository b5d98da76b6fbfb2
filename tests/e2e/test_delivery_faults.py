"""The delivery guarantee under the faults Slack really produces, counted: owed, sent, lost, duplicated.

Faults on every Web API method the sweep calls (chat.postMessage, conversations.open,
conversations.history), answers slower than the claim could survive without renewal, and a process
that lost its claim trying to record what it did. The times are scaled down from production (10 s
client timeout, 5 min lease) keeping their ratio.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import make_web_client
from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.enums import DeliveryStatus
from bot.db.models import AuditEntry, ReminderDelivery
from bot.delivery import Sweeper, store
from bot.services.plans.reminders import insert_once
from bot.slack_standin import StandinSlack
from config.settings import Settings
from tests.support.faults import Answer, faults_on_every_method, known_recipients
from tests.support.faults import held as _held


def _owe(session_factory: SessionFactory, count: int, now: datetime, standin: StandinSlack) -> set[int]:
    known_recipients(standin, [f"COWED{i:05d}" if i % 2 else f"UOWED{i:05d}" for i in range(count)])
    """``count`` notices due now: half to channels, half to users (a DM: conversations.open first)."""
    with session_factory() as session:
        for i in range(count):
            insert_once(
                session,
                dedupe_key=f"owed:{i}",
                rule="failure",
                recipient=f"COWED{i:05d}" if i % 2 else f"UOWED{i:05d}",
                planned_for=now - timedelta(minutes=1),
                payload={"recipient": f"U{i}", "error": "test", "rule": "test"},
                created_at=now,
            )
        session.commit()
        return set(session.scalars(select(ReminderDelivery.id).where(ReminderDelivery.dedupe_key.like("owed:%"))))


def _statuses(session_factory: SessionFactory, owed: set[int]) -> Counter[str]:
    with session_factory() as session:
        return Counter(
            str(s) for s in session.scalars(select(ReminderDelivery.status).where(ReminderDelivery.id.in_(owed)))
        )


def test_faults_on_every_method_lose_and_repeat_nothing(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack
) -> None:
    owed = _owe(session_factory, 200, clock.now(), standin)
    injected = faults_on_every_method(standin, 0.3, seed=2026, late=0.25)
    client = make_web_client(settings, retries=False)
    client.timeout = 0.15
    sweeper = Sweeper(session_factory, client, clock, settings, threads=8, batch=50)
    for _ in range(30):
        sweeper.run_once()
        if _statuses(session_factory, owed)["sent"] == len(owed):
            break
        clock.advance(timedelta(hours=1))  # past any backoff
    held = _held(standin, owed)
    lost = owed - set(held)
    duplicated = [i for i, n in held.items() if n > 1]
    for what in ("chat.postMessage", "conversations.history", "conversations.open", "429", "500", "timeout"):
        assert sum(n for name, n in injected.items() if what in name.split()) > 0, injected
    assert (len(owed), len(lost), len(duplicated)) == (200, 0, 0), duplicated
    assert _statuses(session_factory, owed) == {"sent": 200}


class _ShiftedClock:
    """The wall clock, moved on by ``shift`` (to wait out backoffs without waiting)."""

    def __init__(self) -> None:
        self.shift = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.shift


# Production's timings run 60 times faster here: so do Slack's limits (200 channels at 10 messages a second take
# 20 s, under a 5 min lease in production; against the scaled 5 s lease that is 60 times too slow).
@pytest.mark.floods_slack(60)
def test_slow_answers_never_let_a_claim_expire_under_a_send_in_flight(
    settings: Settings, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    # Production: answers of 9 s under a 10 s client timeout, a 5 min lease, batches of 200 (200 x 9 s over
    # 4 threads is 7.5 min). Scaled by 1/60: 150 ms answers, 167 ms timeout, 5 s lease.
    clock = _ShiftedClock()
    owed = _owe(session_factory, 200, clock.now(), standin)
    standin.latency = 0.15  # Slack stores the message when it answers, 150 ms after the request
    sweepers = []
    for _ in range(2):
        client = make_web_client(settings, retries=False)
        client.timeout = 0.167
        sweepers.append(
            Sweeper(session_factory, client, clock, settings, threads=4, batch=200, lease=timedelta(seconds=5))
        )
    first = threading.Thread(target=sweepers[0].run_once)
    first.start()
    while not standin.calls_to("chat.postMessage"):
        time.sleep(0.01)  # the first sweeper has claimed all 200
    # The second sweeper sweeps as the scheduler would, taking over whatever claim expires.
    while first.is_alive():
        sweepers[1].run_once()
        time.sleep(0.05)
    first.join()
    for _ in range(5):  # what timed out (a late answer near the timeout) is retried after its backoff
        clock.shift += timedelta(hours=1)
        sweepers[1].run_once()
    held = _held(standin, owed)
    lost = owed - set(held)
    duplicated = [i for i, n in held.items() if n > 1]
    with session_factory() as session:
        workers = set(session.scalars(select(ReminderDelivery.claimed_by).where(ReminderDelivery.id.in_(owed))))
    assert len(workers) == 2  # the second sweeper really took rows over
    assert (len(owed), len(lost), len(duplicated)) == (200, 0, 0), duplicated
    assert _statuses(session_factory, owed) == {"sent": 200}


def test_a_sweeper_that_lost_its_claim_writes_nothing(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack
) -> None:
    owed = _owe(session_factory, 1, clock.now(), standin)
    (delivery_id,) = owed
    slow = Sweeper(session_factory, make_web_client(settings, retries=False), clock, settings, worker="slow")
    other = Sweeper(session_factory, make_web_client(settings, retries=False), clock, settings, worker="other")

    def fault(method: str, args: dict[str, Any]) -> Answer | None:
        if method != "chat.postMessage" or standin.fault is None:
            return None
        standin.fault = None
        # While the slow sweeper's request hangs, its claim expires and the other sweeper takes the row over.
        clock.advance(timedelta(minutes=30))
        with session_factory() as session:
            assert store.claim_due(session, clock.now(), "other", only=delivery_id) == [delivery_id]
        return 500, {}, {"ok": False, "error": "internal_error"}

    standin.fault = fault
    with session_factory() as session:
        assert store.claim_due(session, clock.now(), "slow") == [delivery_id]
    result = slow.deliver(delivery_id)
    assert (result.retried, result.failed, result.sent) == (0, 0, 0)
    with session_factory() as session:
        row = session.get(ReminderDelivery, delivery_id)
        assert row is not None and (row.status, row.claimed_by) == (DeliveryStatus.CLAIMED, "other")
        audits = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_id == delivery_id))
        assert audits == 0  # no "reminder.retry" from the sweeper that no longer owned the row
    assert other.deliver(delivery_id).sent == 1
    assert _held(standin, owed) == {delivery_id: 1}


def test_an_unsure_send_whose_history_stays_unreadable_fails_after_24_hours_and_is_never_repeated(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack
) -> None:
    from tests.support.demo import person
    from tests.support.factories import windkracht_deadline as _windkracht_deadline

    deadline_id = _windkracht_deadline(session_factory, date(2026, 12, 7), "Unsure")  # before-14 is today
    pieter = person("pieter").slack_user_id

    def fault(method: str, args: dict[str, Any]) -> Answer | None:
        if method == "conversations.history":  # Slack's 1-a-minute limit, or an outage: never readable
            return 429, {"Retry-After": "60"}, {"ok": False, "error": "ratelimited"}
        if method == "chat.postMessage" and args.get("channel") == pieter and "Unsure" in str(args.get("text")):
            body = standin._answer(method, args)  # stored, but the answer never arrives
            time.sleep(0.3)
            return 200, {}, body
        return None

    standin.fault = fault
    client = make_web_client(settings, retries=False)
    client.timeout = 0.15
    sweeper = Sweeper(session_factory, client, clock, settings)
    sweeper.run_once()
    with session_factory() as session:
        delivery_id = session.scalar(
            select(ReminderDelivery.id).where(
                ReminderDelivery.deadline_id == deadline_id, ReminderDelivery.recipient == pieter
            )
        )
    assert delivery_id is not None
    start = clock.now()
    while clock.now() - start < timedelta(hours=23, minutes=30):
        clock.advance(timedelta(minutes=30))
        sweeper.run_once()
        assert _statuses(session_factory, {delivery_id}) in ({"planned": 1}, {"claimed": 1})
    checks = len(standin.calls_to("conversations.history"))
    clock.advance(timedelta(minutes=40))
    sweeper.run_once()  # 24 h after the unsure send: failed, and the secretariat is told
    sweeper.run_once()
    assert _statuses(session_factory, {delivery_id}) == {"failed": 1}
    assert _held(standin, {delivery_id}) == {delivery_id: 1}  # never sent blind
    assert checks >= 24  # it kept looking (once per Retry-After or backoff)
    notices = [c for c in standin.calls_to("chat.postMessage") if c.ok and c.args["channel"] == "CDEMOSECHE"]
    assert any("not verified: ratelimited" in str(c.args.get("blocks")) for c in notices)
