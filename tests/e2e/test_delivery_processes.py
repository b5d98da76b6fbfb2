"""The delivery guarantee across real processes: two schedulers on one database send each reminder once;
schedulers killed with SIGKILL mid-sweep and restarted lose none and repeat none, also when Slack
fails on every method, and when the killed process's last request was a retry after a 429."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select, update

from bot.db.engine import SessionFactory
from bot.db.enums import DeliveryStatus
from bot.db.models import ReminderDelivery
from bot.services.plans.reminders import insert_once
from bot.slack_standin import StandinSlack
from tests.support.faults import Answer, faults_on_every_method, known_recipients

pytestmark = pytest.mark.slow


def _owed(session_factory: SessionFactory, count: int, standin: StandinSlack) -> set[int]:
    """``count`` notices due now, each to its own channel."""
    known_recipients(standin, [f"CTEST{i:05d}" if i % 2 else f"UTEST{i:05d}" for i in range(count)])
    past = datetime.now(UTC) - timedelta(minutes=5)
    with session_factory() as session:
        for i in range(count):
            insert_once(
                session,
                dedupe_key=f"test:{i}",
                rule="failure",
                recipient=f"CTEST{i:05d}" if i % 2 else f"UTEST{i:05d}",  # a user: the DM, conversations.open
                planned_for=past,
                payload={"recipient": f"U{i}", "error": "test", "rule": "test"},
                created_at=past,
            )
        session.commit()
        return set(session.scalars(select(ReminderDelivery.id).where(ReminderDelivery.dedupe_key.like("test:%"))))


def _sweep(engine: Engine, standin: StandinSlack, *extra: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "SLACK_API_URL": standin.api_url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot.entry.cli", "sweep", "--until-idle", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _sent_ids(standin: StandinSlack, owed: set[int]) -> Counter[int]:
    return Counter(
        c.args["metadata"]["event_payload"]["delivery_id"]
        for c in standin.calls_to("chat.postMessage")
        if c.ok and c.args.get("metadata") and c.args["metadata"]["event_payload"]["delivery_id"] in owed
    )


def test_two_schedulers_deliver_each_reminder_exactly_once(
    engine: Engine, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    owed = _owed(session_factory, 120, standin)
    standin.latency = 0.005
    processes = [_sweep(engine, standin, "--batch", "8"), _sweep(engine, standin, "--batch", "8")]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr.decode()
    sent = _sent_ids(standin, owed)
    assert set(sent) == owed, f"lost: {sorted(owed - set(sent))[:10]}"
    assert max(sent.values()) == 1, f"duplicated: {[i for i, n in sent.items() if n > 1][:10]}"
    with session_factory() as session:
        statuses = Counter(session.scalars(select(ReminderDelivery.status).where(ReminderDelivery.id.in_(owed))))
        assert statuses == {DeliveryStatus.SENT: len(owed)}
        workers = set(session.scalars(select(ReminderDelivery.claimed_by).where(ReminderDelivery.id.in_(owed))))
        assert len(workers) == 2  # both processes really took part


def _held(standin: StandinSlack, owed: set[int]) -> Counter[int]:
    """How often Slack holds each owed delivery (a request whose answer never arrived is held too)."""
    with standin._lock:
        messages = [m for conversation in standin.messages.values() for m in conversation]
    return Counter(
        i for m in messages if m.get("metadata") and (i := m["metadata"]["event_payload"]["delivery_id"]) in owed
    )


def _finished(session_factory: SessionFactory, owed: set[int]) -> Counter[DeliveryStatus]:
    with session_factory() as session:
        return Counter(session.scalars(select(ReminderDelivery.status).where(ReminderDelivery.id.in_(owed))))


def _wait_out_backoffs(session_factory: SessionFactory) -> None:
    """Time passes: every delivery put back for later (a retry after its backoff) is due now."""
    with session_factory() as session:
        session.execute(
            update(ReminderDelivery)
            .where(ReminderDelivery.status == DeliveryStatus.PLANNED)
            .values(planned_for=datetime.now(UTC) - timedelta(seconds=1))
        )
        session.commit()


def test_a_rate_limited_send_whose_retry_was_stored_by_a_killed_process_is_not_repeated(
    engine: Engine, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    owed = _owed(session_factory, 4, standin)
    posts: Counter[int] = Counter()
    lock = threading.Lock()
    released = threading.Event()

    def fault(method: str, args: dict[str, Any]) -> Answer | None:
        delivery_id = args.get("metadata", {}).get("event_payload", {}).get("delivery_id")
        if method != "chat.postMessage" or delivery_id not in owed:
            return None
        with lock:
            posts[delivery_id] += 1
            attempt = posts[delivery_id]
        if attempt == 1:
            return 429, {"Retry-After": "0"}, {"ok": False, "error": "ratelimited"}
        if attempt == 2:
            body = standin._answer(method, args)  # Slack stores the retry...
            released.wait(30)  # ...and the process is killed before it hears back
            return 200, {}, body
        return None

    standin.fault = fault
    process = _sweep(engine, standin, "--lease", "1")
    deadline = time.monotonic() + 30
    while len(_held(standin, owed)) < len(owed) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    released.set()
    assert len(_held(standin, owed)) == len(owed) and set(posts.values()) == {2}
    final = _sweep(engine, standin, "--lease", "1", "--max-seconds", "30")
    _, stderr = final.communicate(timeout=60)
    assert final.returncode == 0, stderr.decode()
    held = _held(standin, owed)
    lost, duplicated = owed - set(held), [i for i, n in held.items() if n > 1]
    assert (len(owed), len(lost), len(duplicated)) == (4, 0, 0), duplicated
    assert _finished(session_factory, owed) == {DeliveryStatus.SENT: len(owed)}


FAULTS_TO_MEET = ("chat.postMessage", "conversations.history", "conversations.open", "429", "500", "timeout")


def _every_fault_met(injected: Counter[str]) -> bool:
    """Each method was failed, and each kind of failure happened, at least once."""
    return all(sum(n for name, n in injected.items() if what in name.split()) > 0 for what in FAULTS_TO_MEET)


@pytest.mark.timeout(300)  # up to forty kills on a busy machine
def test_two_schedulers_killed_twenty_times_under_faults_on_every_method_lose_and_repeat_nothing(
    engine: Engine, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    owed = _owed(session_factory, 150, standin)
    standin.latency = 0.05  # slow enough that every process is killed mid-sweep
    # 30% of calls to every method fail: 429, 500, or done with the answer after the 0.25 s timeout.
    injected = faults_on_every_method(standin, 0.3, seed=7, late=0.4)
    options = ("--lease", "3", "--batch", "10", "--timeout", "0.25")
    rng = random.Random(7)
    kills = 0
    # Twenty kills at least, and on until every method has met every fault (under load a process may be killed
    # before it opens a DM), up to forty.
    while (
        kills < 40
        and (kills < 20 or not _every_fault_met(injected))
        and _finished(session_factory, owed)[DeliveryStatus.SENT] < len(owed)
    ):
        posted = len(standin.calls_to("chat.postMessage"))
        processes = [_sweep(engine, standin, *options), _sweep(engine, standin, *options)]
        started = time.monotonic()
        while len(standin.calls_to("chat.postMessage")) == posted and time.monotonic() < started + 20:
            time.sleep(0.02)  # (starting a process takes a while)
        time.sleep(rng.uniform(0.2, 1.0))  # then kill both mid-sweep
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
        for process in processes:
            process.wait(timeout=30)
        _wait_out_backoffs(session_factory)
    sent_between_kills = _finished(session_factory, owed)[DeliveryStatus.SENT]
    standin.fault = None  # Slack recovers: one last sweep takes over what the killed ones left
    final = _sweep(engine, standin, *options, "--max-seconds", "60")
    _, stderr = final.communicate(timeout=90)
    assert final.returncode == 0, stderr.decode()
    held = _held(standin, owed)
    lost, duplicated = owed - set(held), [i for i, n in held.items() if n > 1]
    assert kills >= 20 and 0 < sent_between_kills < len(owed), (kills, sent_between_kills)
    assert _every_fault_met(injected), injected
    assert (len(owed), len(lost), len(duplicated)) == (150, 0, 0), duplicated
    assert _finished(session_factory, owed) == {DeliveryStatus.SENT: len(owed)}
