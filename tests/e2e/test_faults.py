"""Fault tests: forged requests, Slack's retries on every path, reminders under a failing Web API and a
dropped database connection — counted: due, sent, lost, duplicated."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from slack_bolt.adapter.socket_mode.internals import run_bolt_app
from slack_sdk.socket_mode.request import SocketModeRequest
from sqlalchemy import Engine, func, select, text

from bot.app import create_app, make_web_client
from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.models import Base, ReminderDelivery
from bot.delivery import Sweeper, store
from bot.entry.web import create_flask_app
from bot.services.plans.reminders import insert_once
from bot.slack_standin import StandinSlack
from bot.slack_standin import requests as slack_requests
from config.settings import Settings
from tests.support.demo import person
from tests.support.faults import held, known_recipients
from tests.support.harness import AppServer, SlackHarness


def _row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: int(connection.execute(select(func.count()).select_from(table)).scalar() or 0)
            for table in Base.metadata.sorted_tables
        }


def _mutations(secret: str, body: str, rng: random.Random) -> Iterator[tuple[str, dict[str, str]]]:
    now = int(time.time())
    while True:
        kind = rng.randrange(7)
        headers = slack_requests.sign(secret, body)
        mutated = body
        if kind == 0:  # a byte of the body changed after signing
            position = rng.randrange(len(body))
            mutated = body[:position] + chr((ord(body[position]) % 94) + 33) + body[position + 1 :]
            if mutated == body:
                continue
        elif kind == 1:  # stale or future timestamp, correctly signed
            skew = rng.choice([-1, 1]) * rng.randint(301, 100_000)
            headers = slack_requests.sign(secret, body, now + skew)
        elif kind == 2:  # one hex digit of the signature changed
            signature = headers["X-Slack-Signature"]
            position = rng.randrange(3, len(signature))
            digit = rng.choice([d for d in "0123456789abcdef" if d != signature[position]])
            headers["X-Slack-Signature"] = signature[:position] + digit + signature[position + 1 :]
        elif kind == 3:  # a header missing
            del headers[rng.choice(["X-Slack-Signature", "X-Slack-Request-Timestamp"])]
        elif kind == 4:  # signed with another secret
            headers = slack_requests.sign(secret + "x", body)
        elif kind == 5:  # wrong version prefix or garbage
            headers["X-Slack-Signature"] = rng.choice(["v1=", "", "V0=", "v0=zz"]) + headers["X-Slack-Signature"][3:]
        else:  # timestamp header not a number
            headers["X-Slack-Request-Timestamp"] = rng.choice(["", "abc", "1e10", "-1"])
        yield mutated, headers


def test_a_thousand_mutated_requests_are_all_refused(slack: SlackHarness, engine: Engine) -> None:
    before = _row_counts(engine)
    rng = random.Random(2026)
    command = slack_requests.slash_command(
        "/plan",
        "due Windkracht hernieuwbare-energie 2027-01-01",
        user_id=person("sanne").slack_user_id,
        response_url=slack.standin.response_url(),
    )
    event = slack_requests.event_callback(
        {
            "type": "app_mention",
            "user": person("sanne").slack_user_id,
            "text": "<@UBOTCOVENANT> status goud",
            "channel": "C1",
            "ts": "1.1",
        }
    )
    statuses: Counter[int] = Counter()
    for index, (body, headers) in zip(range(500), _mutations(slack.secret, command, rng), strict=False):
        statuses[slack.post(body, slack_requests.FORM, headers).status] += 1
        assert index < 500
    for _, (body, headers) in zip(range(500), _mutations(slack.secret, event, rng), strict=False):
        statuses[slack.post(body, slack_requests.JSON, headers).status] += 1
    assert statuses == {401: 1000}
    time.sleep(0.2)
    assert _row_counts(engine) == before
    assert slack.standin.calls == []


def _mention(event_id: str) -> dict[str, Any]:
    return slack_requests.event_callback(  # type: ignore[return-value]
        {
            "type": "app_mention",
            "user": person("emma").slack_user_id,
            "text": "<@UBOTCOVENANT> status goud",
            "channel": "C1",
            "ts": "1.9",
        },
        event_id=event_id,
    )


def test_retries_through_the_socket_mode_path_are_handled_once(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack
) -> None:
    import json

    app = create_app(
        settings,
        session_factory=session_factory,
        client=make_web_client(settings),
        clock=clock,
        work_in_request=True,
    )
    payload = json.loads(_mention("EvSOCKET0001"))  # type: ignore[arg-type]
    for attempt in (None, 1, 2, 3):
        request = SocketModeRequest(
            type="events_api",
            envelope_id=f"env-{attempt}",
            payload=payload,
            retry_attempt=attempt,
            retry_reason="timeout" if attempt else None,
        )
        assert run_bolt_app(app, request).status == 200
    assert len(standin.calls_to("chat.postEphemeral")) == 1


def test_retries_landing_on_two_instances_are_handled_once(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack
) -> None:
    servers = [
        AppServer(
            create_flask_app(
                create_app(settings, session_factory=session_factory, client=make_web_client(settings), clock=clock),
                session_factory,
                settings.slack_signing_secret or "",
            )
        )
        for _ in range(2)
    ]
    try:
        body = slack_requests.event_callback(
            {
                "type": "app_mention",
                "user": person("emma").slack_user_id,
                "text": "<@UBOTCOVENANT> status goud",
                "channel": "CGENERAL01",
                "ts": "1.8",
            },
            event_id="EvTWOINST001",
        )
        for attempt in range(4):
            harness = SlackHarness(servers[attempt % 2], standin, settings.slack_signing_secret or "")
            extra = {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_timeout"} if attempt else {}
            assert harness.signed(body, slack_requests.JSON, **extra).status == 200
        standin.wait_for("chat.postEphemeral")
        time.sleep(0.3)
        assert len(standin.calls_to("chat.postEphemeral")) == 1
    finally:
        for server in servers:
            server.stop()


def _owe(session_factory: SessionFactory, count: int, now: datetime, standin: StandinSlack) -> set[int]:
    known_recipients(standin, [f"CFAULT{i:04d}" for i in range(count)])
    with session_factory() as session:
        for i in range(count):
            insert_once(
                session,
                dedupe_key=f"fault:{i}",
                rule="failure",
                recipient=f"CFAULT{i:04d}",
                planned_for=now - timedelta(minutes=1),
                payload={"recipient": f"U{i}", "error": "test", "rule": "test"},
                created_at=now,
            )
        session.commit()
        return set(session.scalars(select(ReminderDelivery.id).where(ReminderDelivery.dedupe_key.like("fault:%"))))


def test_reminders_survive_a_web_api_failing_thirty_percent_of_calls(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack
) -> None:
    owed = _owe(session_factory, 60, clock.now(), standin)
    rng = random.Random(30)
    injected: Counter[str] = Counter()

    def fault(method: str, args: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]] | None:
        if method != "chat.postMessage" or rng.random() >= 0.3:
            return None
        kind = rng.choice(["429", "500", "timeout"])
        injected[kind] += 1
        if kind == "429":
            return 429, {"Retry-After": "0"}, {"ok": False, "error": "ratelimited"}
        if kind == "500":
            return 500, {}, {"ok": False, "error": "internal_error"}
        # Slack posts the message but answers later than the client waits (the answer is lost).
        standin._m_chat_postMessage(args)
        time.sleep(0.4)
        return 200, {}, {"ok": True}

    standin.fault = fault
    client = make_web_client(settings, retries=False)
    client.timeout = 0.2
    sweeper = Sweeper(session_factory, client, clock, settings, threads=4, batch=20)
    for _ in range(40):
        sweeper.run_once()
        if set(held(standin, owed)) == owed:
            with session_factory() as session:
                if all(session.get(ReminderDelivery, i).status == "sent" for i in owed):  # type: ignore[union-attr]
                    break
        clock.advance(timedelta(hours=2))  # past any backoff
    sent = held(standin, owed)
    lost = owed - set(sent)
    duplicated = [i for i, n in sent.items() if n > 1]
    assert min(injected.values()) > 0, injected
    assert (len(owed), len(lost), len(duplicated)) == (60, 0, 0)


def test_a_dropped_database_connection_loses_nothing(
    settings: Settings, engine: Engine, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack
) -> None:
    owed = _owe(session_factory, 40, clock.now(), standin)
    sweeper = Sweeper(session_factory, make_web_client(settings, retries=False), clock, settings, batch=10)
    # Deliver a first batch, then cut every connection under the app's feet.
    with session_factory() as session:
        ids = store.claim_due(session, clock.now(), sweeper.worker, limit=10)
    for delivery_id in ids:
        sweeper.deliver(delivery_id)
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            connection.commit()
    else:
        engine.dispose()  # SQLite: every pooled connection closed under the app's feet
    for _ in range(5):
        try:
            sweeper.run_once()
        except Exception:  # a sweep may fail on a dead connection; the next one reconnects
            continue
    sent = held(standin, owed)
    assert (len(owed - set(sent)), max(sent.values())) == (0, 1)
