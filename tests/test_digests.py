"""Digests: the secretariat's at 08:30 on business days, each group's on Monday 09:00, each once."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.clock import ManualClock
from bot.delivery import Sweeper
from bot.standin import StandinSlack


def _digests(standin: StandinSlack, channel: str) -> list[str]:
    return [
        str(c.args["text"])
        for c in standin.calls_to("chat.postMessage")
        if c.ok
        and c.args["channel"] == channel
        and ("Goedemorgen" in str(c.args["text"]) or "Deze week" in str(c.args["text"]))
    ]


def test_morning_digest_once_per_business_day(sweeper: Sweeper, clock: ManualClock, standin: StandinSlack) -> None:
    clock.set(datetime(2026, 11, 23, 7, 0, tzinfo=UTC))  # Monday 08:00 Amsterdam: too early
    sweeper.run_once()
    assert _digests(standin, "CDEMOSECHE") == []
    clock.set(datetime(2026, 11, 23, 7, 31, tzinfo=UTC))  # 08:31
    sweeper.run_once()
    sweeper.run_once()
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    sweeper.run_once()
    digests = _digests(standin, "CDEMOSECHE")
    assert len(digests) == 1 and "Hernieuwbare" in digests[0]
    body = str([c.args["blocks"] for c in standin.calls_to("chat.postMessage") if c.args["channel"] == "CDEMOSECHE"])
    assert "Noordzee Wind Services" in body  # overdue plan listed for the secretariat
    clock.set(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))  # Saturday: none
    sweeper.run_once()
    assert len(_digests(standin, "CDEMOSECHE")) == 1


def test_group_digest_on_monday_morning_only(sweeper: Sweeper, clock: ManualClock, standin: StandinSlack) -> None:
    clock.set(datetime(2026, 11, 23, 8, 5, tzinfo=UTC))  # Monday 09:05 Amsterdam
    sweeper.run_once()
    sweeper.run_once()
    assert len(_digests(standin, "CDEMOWG001")) == 1
    clock.set(datetime(2026, 11, 24, 8, 5, tzinfo=UTC))  # Tuesday
    sweeper.run_once()
    assert len(_digests(standin, "CDEMOWG001")) == 1
