"""What the person sees: the time until a chart shows in their DM against the time until a text answer shows.

Through the real app (the production Flask entry point on a real HTTP server) and the stand-in, on the demo
database: the covenant's secretariat member sends ``/covenant chart metaal <kind>`` and the clock stops when the
image message (an image block on the uploaded ``slack_file``) is posted to their DM, after the upload; the baseline,
in the same run, is ``/covenant status metaal`` until its answer reaches the response_url. The first of each is a
warm-up (matplotlib's import and font cache: once per process).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from bench.canvases import demo_bot
from bot.slack_standin.server import Call
from tests.support.minutes import uid

RATIO = 3.0
KINDS = ("plans", "outcomes", "participants", "targets")


@dataclass(frozen=True)
class VisibleLatency:
    """Median milliseconds until the person sees a chart of each kind, and a text answer."""

    chart_ms: dict[str, float]
    text_ms: float

    def ratio(self, kind: str) -> float:
        return self.chart_ms[kind] / max(self.text_ms, 1e-6)


def _is_picture(call: Call, after: float) -> bool:
    return call.at > after and call.method == "chat.postMessage" and "slack_file" in str(call.args.get("blocks"))


def measure(runs: int = 5) -> VisibleLatency:
    folder = Path(tempfile.mkdtemp(prefix="covenant-bench-chart-"))
    tom = uid("tom")
    with demo_bot(folder, "charts") as (slack, _clock, _sweeper, standin):
        text: list[float] = []
        for _ in range(runs + 1):
            started = time.monotonic()
            answered = slack.command("/covenant", "status metaal", tom)
            text.append((answered.at - started) * 1000)
        charts: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for _ in range(runs + 1):
            for kind in KINDS:
                started = time.monotonic()
                slack.command("/covenant", f"chart metaal {kind}", tom)
                [picture] = standin.wait_until(partial(_is_picture, after=started), timeout=20)
                charts[kind].append((picture.at - started) * 1000)
    return VisibleLatency({kind: statistics.median(ms[1:]) for kind, ms in charts.items()}, statistics.median(text[1:]))


if __name__ == "__main__":  # python -m bench.chart_latency
    result = measure()
    for kind, ms in result.chart_ms.items():
        print(f"{kind}: {ms:.0f} ms until the picture shows ({result.ratio(kind):.1f}× the text answer)")
    print(f"text answer (/covenant status): {result.text_ms:.0f} ms")
