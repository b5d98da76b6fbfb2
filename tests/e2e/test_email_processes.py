"""The email route's delivery guarantee across real processes: sweepers SIGKILLed mid-send 20 times lose no email,
and repeat one only within the stated bound (SMTP cannot be asked what it accepted: a send broken off after the
server accepted the message, before the row was committed, gives one extra copy, with the same Message-ID)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, update

from bot.db.engine import SessionFactory
from bot.db.enums import DeliveryStatus
from bot.db.models import Person, ReminderDelivery
from bot.delivery.email_route import delivery_id_of
from bot.services.plans.reminders import insert_once
from bot.slack_standin import StandinSlack
from tests.support.smtp import SmtpServer

# Forty-odd sweeper processes started and killed: 40 s idle, near 2 minutes on a busy machine.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

THREADS = 4  # a sweeper's default: at most this many emails in flight when it is killed


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def _owed(session_factory: SessionFactory, count: int) -> set[int]:
    """``count`` notices due now, each to its own person reached by email."""
    past = datetime.now(UTC) - timedelta(minutes=5)
    with session_factory() as session:
        people = [Person(name=f"Mail Test {i}", email=f"mailtest{i}@example.org") for i in range(count)]
        session.add_all(people)
        session.flush()
        for i, person in enumerate(people):
            insert_once(
                session,
                dedupe_key=f"mailtest:{i}",
                rule="failure",
                recipient=f"person:{person.id}",
                planned_for=past,
                payload={"recipient": f"U{i}", "error": "test", "rule": "test"},
                created_at=past,
            )
        session.commit()
        return set(session.scalars(select(ReminderDelivery.id).where(ReminderDelivery.dedupe_key.like("mailtest:%"))))


def _sweep(engine: Engine, standin: StandinSlack, smtp: SmtpServer, *extra: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "SLACK_API_URL": standin.api_url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SMTP_URL": smtp.url,
        "MAIL_FROM": "Covenant bot <bot@covenant.example>",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot.entry.cli", "sweep", "--until-idle", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _copies(smtp: SmtpServer, owed: set[int]) -> Counter[int]:
    """How many copies of each owed delivery the server accepted (by the delivery id in its Message-ID)."""
    found: Counter[int] = Counter()
    for message_id, n in smtp.copies().items():
        delivery_id = delivery_id_of(message_id)
        if delivery_id in owed:
            found[delivery_id] += n
    return found


def _rows(session_factory: SessionFactory, owed: set[int]) -> list[ReminderDelivery]:
    with session_factory() as session:
        return list(session.scalars(select(ReminderDelivery).where(ReminderDelivery.id.in_(owed))))


def _wait_out_backoffs(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        session.execute(
            update(ReminderDelivery)
            .where(ReminderDelivery.status == DeliveryStatus.PLANNED)
            .values(planned_for=datetime.now(UTC) - timedelta(seconds=1))
        )
        session.commit()


def test_sweepers_killed_twenty_times_mid_send_lose_no_email_and_repeat_within_the_bound(
    engine: Engine, session_factory: SessionFactory, standin: StandinSlack, smtp: SmtpServer
) -> None:
    owed = _owed(session_factory, 120)
    # The server keeps each message, then takes 50 ms to say so: a process killed then has had its email
    # accepted without hearing it (the window the bound is about).
    smtp.accept_delay = 0.05
    options = ("--lease", "2", "--batch", "10")
    rng = random.Random(15)
    kills = 0
    while kills < 20 and len(_copies(smtp, owed)) < len(owed):
        accepted = len(smtp.received)
        processes = [_sweep(engine, standin, smtp, *options), _sweep(engine, standin, smtp, *options)]
        started = time.monotonic()
        while len(smtp.received) == accepted and time.monotonic() < started + 20:
            time.sleep(0.02)  # (starting a process takes a while)
        time.sleep(rng.uniform(0.05, 0.4))  # then kill both mid-send
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
        for process in processes:
            process.wait(timeout=30)
        time.sleep(2.1)  # the killed processes' leases run out
        _wait_out_backoffs(session_factory)
    delivered_between_kills = len(_copies(smtp, owed))
    smtp.accept_delay = 0.0
    final = _sweep(engine, standin, smtp, *options, "--max-seconds", "60")
    _, stderr = final.communicate(timeout=90)
    assert final.returncode == 0, stderr.decode()
    copies = _copies(smtp, owed)
    rows = {row.id: row for row in _rows(session_factory, owed)}
    lost = owed - set(copies)
    duplicated = sum(n - 1 for n in copies.values())
    print(  # the figures of the closing note
        f"owed {len(owed)}, delivered {len(copies)}, lost {len(lost)}, duplicated {duplicated} "
        f"(bound: one per send broken off after acceptance; {kills} kills x {THREADS} sends in flight)"
    )
    assert kills >= 20 and 0 < delivered_between_kills < len(owed), (kills, delivered_between_kills)
    assert lost == set()
    assert {row.status for row in rows.values()} == {DeliveryStatus.SENT}
    # Every copy the server holds is an attempt the row recorded before it was made; the copies beyond the first
    # are attempts whose acceptance was never recorded, at most one per send a kill broke off.
    assert all(copies[i] <= rows[i].posts for i in owed), [(i, copies[i], rows[i].posts) for i in owed]
    assert duplicated <= kills * THREADS
    # Copies of one delivery carry one Message-ID: a mail client shows them as one.
    assert all(n == copies[delivery_id_of(m) or 0] for m, n in smtp.copies().items() if delivery_id_of(m) in owed)
