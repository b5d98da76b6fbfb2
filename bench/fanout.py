"""Fan-out: many reminders due at once, each to its own DM, through a stand-in that rate-limits like Slack.

The sweeper runs as ``covenant-bot sweep --until-idle`` does (one ``run_once`` after another, a
short pause when nothing could be claimed) on a clock that starts at the benchmark's moment and
then moves with real time, so reminders put back after a 429 fall due again. Every message
carries its delivery id in its metadata: counted over the messages the stand-in accepted, each id
must appear exactly once.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select

from bench.seeding import Population, Seeder
from bench.sweeps import make_sweeper, settle
from bot.clock import OffsetClock
from bot.db.enums import DeliveryStatus
from bot.db.models import ReminderDelivery
from bot.slack_standin import StandinSlack
from bot.slack_standin.ratelimits import RateLimits


@dataclass
class FanoutResult:
    reminders: int
    cap: float
    burst: float
    accepted: int
    refused: int
    lost: int
    duplicated: int
    failed_rows: int
    seconds: float

    @property
    def throughput(self) -> float:
        """Messages accepted per second, from the first attempt to the last accepted message."""
        return self.accepted / self.seconds if self.seconds > 0 else 0.0

    @property
    def fraction_of_cap(self) -> float:
        """Accepted messages over what the limit allowed in the same time (a full bucket, then ``cap`` a second)."""
        allowed = self.burst + self.cap * self.seconds
        return min(self.accepted, allowed) / allowed if allowed > 0 else 0.0


def run_fanout(
    engine: Engine,
    url: str,
    seeder: Seeder,
    population: Population,
    recipients: list[str],
    cap: float,
    start: datetime,
) -> FanoutResult:
    limits = RateLimits(per_channel=1.0, workspace=cap)
    standin = StandinSlack(rate_limits=limits, strict=False).start()
    try:
        clock = OffsetClock()
        clock.set(start)
        sweeper = make_sweeper(engine, url, standin, clock)  # type: ignore[arg-type]
        settle(sweeper)
        standin.reset()
        ids = seeder.due_reminders(recipients, population.covenant_ids[0])
        wanted = set(ids)
        deadline = time.monotonic() + len(ids) / cap * 4 + 60
        while time.monotonic() < deadline:
            result = sweeper.run_once()
            with sweeper.session_factory() as session:
                open_rows = session.scalar(
                    select(func.count())
                    .select_from(ReminderDelivery)
                    .where(
                        ReminderDelivery.id.in_(ids),
                        ReminderDelivery.status.in_([DeliveryStatus.PLANNED, DeliveryStatus.CLAIMED]),
                    )
                )
            if not open_rows:
                break
            if result.claimed == 0:
                time.sleep(0.2)
        posted = standin.calls_to("chat.postMessage")
        accepted = [call for call in posted if call.ok]
        counts = Counter(
            (call.args.get("metadata") or {}).get("event_payload", {}).get("delivery_id") for call in accepted
        )
        with sweeper.session_factory() as session:
            failed = session.scalar(
                select(func.count())
                .select_from(ReminderDelivery)
                .where(ReminderDelivery.id.in_(ids), ReminderDelivery.status == DeliveryStatus.FAILED)
            )
        first = min(call.at for call in posted) if posted else 0.0
        last = max(call.at for call in accepted) if accepted else first
        return FanoutResult(
            reminders=len(ids),
            cap=cap,
            burst=limits.bucket_size,
            accepted=sum(n for delivery_id, n in counts.items() if delivery_id in wanted),
            refused=len(posted) - len(accepted),
            lost=len(wanted - set(counts)),
            duplicated=sum(n - 1 for delivery_id, n in counts.items() if delivery_id in wanted and n > 1),
            failed_rows=int(failed or 0),
            seconds=last - first,
        )
    finally:
        standin.stop()
