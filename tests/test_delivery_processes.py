"""The delivery guarantee across real processes: two schedulers on one database send each reminder once;
a scheduler killed with SIGKILL mid-sweep and restarted loses none (and repeats none)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from bot.db.engine import SessionFactory
from bot.db.enums import DeliveryStatus
from bot.db.models import ReminderDelivery
from bot.services.reminders import insert_once
from bot.standin import StandinSlack

pytestmark = pytest.mark.slow


def _owed(session_factory: SessionFactory, count: int) -> set[int]:
    """``count`` notices due now, each to its own channel."""
    past = datetime.now(UTC) - timedelta(minutes=5)
    with session_factory() as session:
        for i in range(count):
            insert_once(
                session,
                dedupe_key=f"test:{i}",
                rule="failure",
                recipient=f"CTEST{i:05d}",
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
        [sys.executable, "-m", "bot.cli", "sweep", "--until-idle", *extra],
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
    owed = _owed(session_factory, 120)
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


def test_scheduler_killed_mid_sweep_twenty_times_loses_and_repeats_nothing(
    engine: Engine, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    owed = _owed(session_factory, 150)
    standin.latency = 0.05  # slow enough that every process is killed mid-sweep
    rng = random.Random(7)
    kills = 0
    for _ in range(20):
        process = _sweep(engine, standin, "--lease", "1", "--batch", "10")
        time.sleep(rng.uniform(0.8, 1.6))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=30)
        if len(_sent_ids(standin, owed)) == len(owed):
            break
    final = _sweep(engine, standin, "--lease", "1", "--max-seconds", "60")
    _, stderr = final.communicate(timeout=90)
    assert final.returncode == 0, stderr.decode()
    sent = _sent_ids(standin, owed)
    assert kills >= 5, "the sweeps finished before they could be killed: make the stand-in slower"
    assert set(sent) == owed, f"lost: {sorted(owed - set(sent))[:10]}"
    assert max(sent.values()) == 1, f"duplicated: {[i for i, n in sent.items() if n > 1][:10]}"
    with session_factory() as session:
        statuses = Counter(session.scalars(select(ReminderDelivery.status).where(ReminderDelivery.id.in_(owed))))
        assert statuses == {DeliveryStatus.SENT: len(owed)}
