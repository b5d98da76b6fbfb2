"""Approving minutes with the group canvas kept: the approver's reply latency against approving without canvases.

Through the real app (the production Flask entry point on a real HTTP server) and the stand-in, as the tests
drive it: the chair presses **Approve** on circulated minutes, and the time until the answer reaches the
response_url is the latency the approver sees. The baseline is the same approval in the same run with the canvas
keeping switched off (``Sweeper.keep_canvases`` and the sweep's part do nothing), so what is compared is only
the canvas update, which runs after the answer. Each approval after the first is of a corrected version (the
correction cycle: Correct, the form, Circulate, Approve), so the canvas is edited in place, section by section.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from bot.app import create_app, make_web_client
from bot.clock import ManualClock
from bot.db.engine import make_engine, make_session_factory
from bot.db.enums import MinutesStatus
from bot.db.migrate import upgrade
from bot.delivery import Sweeper
from bot.entry.web import create_flask_app
from bot.render import minutes as render
from bot.services.administration import seed
from bot.slack_standin import StandinSlack
from bot.slack_standin.demo import furnish
from bot.slack_standin.ratelimits import SLACK_LIMITS
from config.settings import Settings
from tests.support.demo import NOW, SIGNING_SECRET
from tests.support.harness import AppServer, SlackHarness
from tests.support.minutes import (
    METALS_CHANNEL,
    call_minutes,
    click,
    end_the_call,
    eventually,
    opened_view,
    submit,
    uid,
    write_minutes,
)

RATIO = 1.5


@dataclass(frozen=True)
class ApprovalLatency:
    with_canvas_ms: list[float]
    without_ms: list[float]
    canvas_edits: int

    @property
    def ratio(self) -> float:
        return statistics.median(self.with_canvas_ms) / max(statistics.median(self.without_ms), 1e-6)


@contextmanager
def demo_bot(folder: Path, name: str) -> Iterator[tuple[SlackHarness, ManualClock, Sweeper, StandinSlack]]:
    """The real app on the demo database (SQLite in ``folder``) behind a real HTTP server, with the stand-in."""
    standin = StandinSlack(rate_limits=SLACK_LIMITS.raised(1000)).start()
    furnish(standin, seed.demo_people(), seed.demo_channels())
    engine = make_engine(f"sqlite:///{folder / name}.sqlite3")
    upgrade(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        seed.load_public(session)
        seed.load_demo(session, NOW.date(), NOW)
    settings = Settings(
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=standin.api_url,
        DATABASE_URL=engine.url.render_as_string(hide_password=False),
    )
    clock = ManualClock(NOW)
    app = create_app(settings, session_factory=factory, client=make_web_client(settings), clock=clock)
    server = AppServer(create_flask_app(app, factory, SIGNING_SECRET, clock))
    sweeper = Sweeper(factory, make_web_client(settings, retries=False), clock, settings, threads=2)
    try:
        yield SlackHarness(server, standin, SIGNING_SECRET), clock, sweeper, standin
    finally:
        server.stop()
        standin.stop()
        engine.dispose()


def _version_id(wanted: int) -> Callable[[Session], int | None]:
    """The id of version ``wanted`` of the call's minutes, once it exists."""
    return lambda session: call_minutes(session).id if call_minutes(session).version == wanted else None


def _approvals(folder: Path, name: str, approvals: int) -> tuple[list[float], int]:
    """Milliseconds from pressing Approve to the answer, for ``approvals`` versions; and the canvas edits made."""
    timings = []
    with demo_bot(folder, name) as (slack, clock, sweeper, standin):
        session_factory = sweeper.session_factory
        end_the_call(clock, sweeper, standin)
        minutes_id = write_minutes(slack, session_factory)
        for number in range(approvals):
            if number:
                _, before = click(slack, uid("tom"), render.ACTION_CORRECT, str(minutes_id))
                view = opened_view(slack, before)
                submit(slack, uid("tom"), view, summary=f"Round of updates (correction {number}).", actions="")
                minutes_id = eventually(session_factory, _version_id(number + 1))
            click(slack, uid("tom"), render.ACTION_CIRCULATE, str(minutes_id))
            eventually(session_factory, lambda s: call_minutes(s).status == MinutesStatus.CIRCULATED)
            started = time.monotonic()
            response_url, _ = click(slack, uid("emma"), render.ACTION_APPROVE, str(minutes_id))
            answered = slack.wait_response(response_url, timeout=10)
            timings.append((answered.at - started) * 1000)
            eventually(session_factory, lambda s: call_minutes(s).status == MinutesStatus.APPROVED)
            time.sleep(0.3)  # the canvas update after the answer finishes before the next round
        edits = len(standin.calls_to("canvases.edit", "conversations.canvases.create"))
        assert name != "with" or standin.canvases.markdown(METALS_CHANNEL), "the canvas was not written"
    return timings, edits


def measure(approvals: int) -> ApprovalLatency:
    folder = Path(tempfile.mkdtemp(prefix="covenant-bench-canvas-"))
    with_canvas, edits = _approvals(folder, "with", approvals)
    keep, sweep_part = Sweeper.keep_canvases, Sweeper._keep_canvases
    Sweeper.keep_canvases = lambda self, only=None: 0  # type: ignore[method-assign]
    Sweeper._keep_canvases = lambda self: None  # type: ignore[method-assign]
    try:
        without, _ = _approvals(folder, "without", approvals)
    finally:
        Sweeper.keep_canvases, Sweeper._keep_canvases = keep, sweep_part  # type: ignore[method-assign]
    return ApprovalLatency(with_canvas, without, edits)


if __name__ == "__main__":  # python -m bench.canvases
    result = measure(5)
    print(
        f"approve with canvas: median {statistics.median(result.with_canvas_ms):.1f} ms; "
        f"without: {statistics.median(result.without_ms):.1f} ms; ratio {result.ratio:.2f} "
        f"({result.canvas_edits} canvas calls)"
    )
