"""What recording acknowledged work costs the ack: ``acked_work.record`` for a typical slash command, timed
one after another in the request thread's way (a session, one INSERT, one commit), beside the least any
database round trip in a session costs (``SELECT 1``)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from sqlalchemy import delete, text

from bench.ack import percentile
from bot.db.engine import make_engine, make_session_factory
from bot.db.models import AckedWork
from bot.services import acked_work
from bot.slack_standin import requests as slack_requests


@dataclass(frozen=True)
class RecordingCost:
    p50_ms: float
    p99_ms: float
    select_p50_ms: float
    select_p99_ms: float
    runs: int


def recording_cost(database_url: str, runs: int = 500) -> RecordingCost:
    """Time ``runs`` records of a slash command's body, and as many ``SELECT 1`` round trips."""
    engine = make_engine(database_url)
    session_factory = make_session_factory(engine)
    body = dict(
        parse_qsl(
            slack_requests.slash_command(
                "/covenant", "status textiel", user_id="U0BENCH001", response_url="https://hooks.example/response/1"
            )
        )
    )
    body.pop("token")
    records: list[float] = []
    selects: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        with session_factory() as session:
            acked_work.record(
                session, function="answer_covenant", request=body, worker="bench:1", now=datetime.now(UTC)
            )
        records.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        with session_factory() as session:
            session.execute(text("SELECT 1"))
        selects.append((time.perf_counter() - started) * 1000)
    with session_factory() as session:
        session.execute(delete(AckedWork).where(AckedWork.claimed_by == "bench:1"))
        session.commit()
    engine.dispose()
    return RecordingCost(
        p50_ms=percentile(records, 50),
        p99_ms=percentile(records, 99),
        select_p50_ms=percentile(selects, 50),
        select_p99_ms=percentile(selects, 99),
        runs=runs,
    )
