"""Reminder sweep time: nothing due at two database sizes, and 1,000 reminders due at once."""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import Engine

from bot.app import build_sweeper, make_web_client
from bot.clock import ManualClock
from bot.db.engine import make_session_factory
from bot.delivery import Sweeper, store
from bot.standin import StandinSlack
from config.settings import Settings


@dataclass
class IdleSweep:
    """``Sweeper.run_once`` with nothing due, against the claim query alone (its floor)."""

    open_deadlines: int
    median_ms: float
    p90_ms: float
    claim_only_ms: float
    runs: int


@dataclass
class DueSweep:
    """One ``run_once`` that sends ``due`` reminders, against the same number of bare chat.postMessage calls."""

    due: int
    sent: int
    seconds: float
    bare_seconds: float


def settings_for(url: str, standin: StandinSlack) -> Settings:
    return Settings(SLACK_BOT_TOKEN="xoxb-bench", SLACK_API_URL=standin.api_url, DATABASE_URL=url)


def make_sweeper(engine: Engine, url: str, standin: StandinSlack, clock: ManualClock) -> Sweeper:
    return build_sweeper(settings_for(url, standin), session_factory=make_session_factory(engine), clock=clock)


def settle(sweeper: Sweeper, rounds: int = 20) -> int:
    """Sweep until a sweep claims nothing (today's digests go out first); returns what was sent."""
    sent = 0
    for _ in range(rounds):
        result = sweeper.run_once()
        sent += result.sent
        if result.claimed == 0:
            break
    return sent


def idle_sweep(sweeper: Sweeper, open_deadlines: int, runs: int) -> IdleSweep:
    """Median time of ``runs`` sweeps that find nothing to plan or send."""
    settle(sweeper)
    for _ in range(3):  # warm the caches (database pages, connection pool) before measuring
        sweeper.run_once()
    timings: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        result = sweeper.run_once()
        timings.append((time.perf_counter() - started) * 1000)
        assert result.claimed == 0, f"an idle sweep claimed {result}"
    claims: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        with sweeper.session_factory() as session:
            assert store.claim_due(session, sweeper.clock.now(), sweeper.worker, sweeper.batch) == []
        claims.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return IdleSweep(
        open_deadlines=open_deadlines,
        median_ms=statistics.median(timings),
        p90_ms=timings[min(len(timings) - 1, int(len(timings) * 0.9))],
        claim_only_ms=statistics.median(claims),
        runs=runs,
    )


def due_sweep(sweeper: Sweeper, delivery_ids: list[int], standin: StandinSlack) -> DueSweep:
    """Time one sweep that finds ``delivery_ids`` due; the baseline posts as many messages directly."""
    before = len(standin.calls_to("chat.postMessage"))
    started = time.perf_counter()
    result = sweeper.run_once()
    seconds = time.perf_counter() - started
    posted = standin.calls_to("chat.postMessage")[before:]
    wanted = set(delivery_ids)
    sent = {
        call.args["metadata"]["event_payload"]["delivery_id"]
        for call in posted
        if call.ok and (call.args.get("metadata") or {}).get("event_payload", {}).get("delivery_id") in wanted
    }
    assert result.sent >= len(sent)
    return DueSweep(
        due=len(delivery_ids), sent=len(sent), seconds=seconds, bare_seconds=bare_posts(sweeper, len(delivery_ids))
    )


def bare_posts(sweeper: Sweeper, count: int) -> float:
    """Seconds for ``count`` chat.postMessage calls straight from a WebClient, on as many threads as the sweep."""
    client = make_web_client(sweeper.settings, retries=False)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "Bench: a reminder of the same size."}}]

    def post(index: int) -> None:
        client.chat_postMessage(channel=f"UBARE{index:06d}", text="Bench reminder", blocks=blocks)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=sweeper.threads) as pool:
        list(pool.map(post, range(count)))
    return time.perf_counter() - started
