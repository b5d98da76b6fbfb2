"""covenant-bot's benchmark suite: ``python bench/run.py [--quick | --tiny] [--database sqlite|postgresql|both]
[--output docs/BENCHMARKS.md]``.

Seeds a large database on SQLite and PostgreSQL, then measures, each figure against a baseline in
the same run: what the user sees through gunicorn (reply and ack latency, against a bare Bolt app that
acks and posts a fixed reply), a web worker's memory, the durability of acknowledged work (a burst with
web workers SIGKILLed), the reminder sweep (nothing due at two sizes, and 1,000 due), fan-out through a
rate-limited stand-in, the cost of a covenant's targets (bench/targets.py), and the console's start-up.
Prints a table and writes it, with the machine, to the
output file. Every request goes to 127.0.0.1; loops are bounded in count and time. ``--tiny`` (under a
minute, no console) is what CI runs so the benchmark cannot rot; its figures mean nothing.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench import (
    ack,
    burst,
    canvases,
    chart_latency,
    charts,
    fanout,
    recording,
    report,
    report_pack,
    seeding,
    startup,
    sweeps,
)
from bench import targets as targets_bench
from bench.report import Figure
from bot.clock import ManualClock
from bot.db.engine import make_engine, make_session_factory
from bot.services.administration import seed
from bot.slack_standin import StandinSlack
from bot.slack_standin.ratelimits import SLACK_LIMITS

# The ack, burst and sweep benchmarks measure the bot under load, far beyond one workspace's Slack limits
# (hundreds of people in a minute): they raise the stand-in's limits a thousandfold, so that what they time is
# the bot, not Slack's throttling. The fan-out benchmark keeps Slack's chat.postMessage limits (its subject).
LOAD_LIMITS = SLACK_LIMITS.raised(1000)

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
ASK_ABOUT = ["textiel", "metaal", "goud", "banken", "natuursteen", "kleding", "verzekeraars", "wind"]
ACK_P99_MS = 250.0
ACK_RATIO = 1.3
# The reply's p99 against the bare app's, by number of clients.
REPLY_RATIO = {1: 1.5, 8: 1.5, 32: 2.0}
SWEEP_MS = 50.0
SWEEP_RATIO = 1.5
FANOUT_FRACTION = 0.9
RSS_MB = 120.0
STARTUP_S = 1.5
CHART_MS = 300.0
CHART_RATIO = 3.0
PARTS = ("ack", "burst", "sweep", "fanout", "targets", "report", "console", "charts", "chart-view", "canvases")
# The targets section of a status (every target, derived from this many companies over 5 cycles), at most:
TARGETS_MS = 250.0


@dataclass(frozen=True)
class Plan:
    """How big and how long: the full run, or ``--quick``."""

    sizes: seeding.Sizes
    sweep_sizes: tuple[int, int]
    due: int
    fanout: int
    requests: int
    console_runs: int
    sweep_runs: int
    burst: int = 400
    bursts: int = 5
    levels: tuple[int, ...] = (1, 8, 32)
    rounds: int = 4
    warmup: int = 30


FULL = Plan(seeding.Sizes(), (100_000, 1_000_000), 1_000, 1_000, 400, 7, 21)
QUICK = Plan(seeding.Sizes().scaled(0.1), (10_000, 50_000), 200, 100, 40, 3, 11, burst=150, bursts=2)
# CI's run: every part but the console (a fresh venv and pip install), each as small as still exercises it.
TINY = Plan(
    seeding.Sizes().scaled(0.005), (500, 1_000), 20, 20, 8, 0, 3, burst=45, bursts=1, levels=(1, 8), rounds=2, warmup=4
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="smaller sizes and fewer requests (about 2 minutes)")
    size.add_argument("--tiny", action="store_true", help="the smallest run that exercises every part (CI)")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--output",
        help="write the figures here as Markdown (default: docs/BENCHMARKS.md for a full run; nothing otherwise)",
    )
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES, help=f"(default {DEFAULT_POSTGRES})")
    parser.add_argument("--fanout-cap", type=float, default=10.0, help="workspace cap in messages/s (default 10)")
    parser.add_argument("--requests", type=int, help="requests per ack cell (default 400; 40 with --quick)")
    parser.add_argument(
        "--note", action="append", default=[], help="a sentence for the report's notes (e.g. who else used the machine)"
    )
    parser.add_argument(
        "--only",
        type=lambda text: set(text.split(",")),
        default=set(PARTS),
        metavar="PART[,PART]",
        help=f"measure only these parts ({', '.join(PARTS)}; a partial run while working on one figure)",
    )
    return parser


def _say(message: str) -> None:
    print(message, flush=True)


def _create_database(url: str) -> None:
    """Create the benchmark's database on its server when it is not there yet (a fresh machine)."""
    target = make_url(url)
    admin = make_engine(
        target.set(database="postgres").render_as_string(hide_password=False),
        connect_args={"connect_timeout": 3},
        isolation_level="AUTOCOMMIT",
    )
    try:
        with admin.connect() as connection:
            exists = text("SELECT 1 FROM pg_database WHERE datname = :name")
            if connection.execute(exists, {"name": target.database}).scalar() is None:
                _say(f"creating PostgreSQL database {target.database}")
                connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        admin.dispose()


def _postgres_version(url: str) -> str | None:
    target = make_url(url)
    if target.database == "test" or target.host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("bench: PostgreSQL must be a local database other than 'test' (default: bench)")
    try:
        _create_database(url)
        engine = make_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            version = str(connection.execute(text("SHOW server_version")).scalar_one())
        engine.dispose()
        return version
    except Exception as error:
        _say(f"PostgreSQL at {target.render_as_string(hide_password=True)} did not answer: {error}")
        return None


def _ms(value: float) -> str:
    return f"{value:,.1f} ms"


class Run:
    def __init__(self, plan: Plan, args: argparse.Namespace) -> None:
        self.plan = plan
        self.args = args
        self.figures: list[Figure] = []
        self.notes: list[str] = []
        self.folder = Path(tempfile.mkdtemp(prefix="covenant-bench-"))

    def database(self, label: str, url: str) -> None:
        plan = self.plan
        started = time.perf_counter()
        _say(f"[{label}] seeding {plan.sizes}")
        engine, migrate_s = seeding.fresh_database(url)
        seeder = seeding.Seeder(engine, plan.sizes, datetime.now(UTC))
        seed_started = time.perf_counter()
        population = seeder.seed_large()
        seed_s = time.perf_counter() - seed_started
        rows = seeder.report.total_rows
        orm_rate = seeding.orm_baseline(engine, 1_000, population.covenant_ids[0], population.people[0], seeder.now)
        rate = rows / seed_s
        self.figures.append(
            Figure(
                "seed",
                f"{label}, bulk Core inserts",
                f"{rows:,} rows in {seed_s:.1f} s ({rate:,.0f} rows/s; "
                f"deadlines {seeder.report.deadline_rows_per_s:,.0f}/s)",
                f"ORM add + flush: {orm_rate:,.0f} rows/s",
                note=f"migrations {migrate_s:.2f} s",
            )
        )
        _say(f"[{label}] seeded {rows:,} rows in {seed_s:.1f} s (+ migrations {migrate_s:.2f} s)")
        engine.dispose()

        if "ack" in self.args.only:
            self._recording(label, url)
            self._ack(label, url, population)
        if "sweep" in self.args.only:
            self._sweeps(label, url, engine, seeder, population)
        if "fanout" in self.args.only:
            self._fanout(label, url, engine, seeder, population)
        if "charts" in self.args.only:
            self._charts(label, url, seeder)
        if "targets" in self.args.only:
            self._targets(label, engine)
        if "report" in self.args.only:
            self._report_pack(label, engine, seeder)
        engine.dispose()
        if "burst" in self.args.only:  # last: it starts from a fresh, small database
            self._burst(label, url)
        _say(f"[{label}] done in {time.perf_counter() - started:.0f} s")

    def _ack(self, label: str, url: str, population: seeding.Population) -> None:
        plan = self.plan
        # Timing, not Slack's refusals (the tests check those).
        standin = StandinSlack(rate_limits=LOAD_LIMITS, strict=False).start()
        try:
            benchmark = ack.AckBenchmark(
                database_url=url,
                standin=standin,
                users=population.people[::7][:500],
                secretariat=population.secretariat,
                covenants=ASK_ABOUT,
                requests=self.args.requests or plan.requests,
                levels=plan.levels,
                rounds=plan.rounds,
                warmup=plan.warmup,
                log=_say,
                folder=self.folder,
            )
            outcome = benchmark.run()
        finally:
            standin.stop()
        if label == "SQLite":
            self.notes.append(f"Web server as in the Procfile: `{outcome.command}` (listening on 127.0.0.1).")
        for kind, description in ack.KINDS.items():
            for clients in benchmark.levels:
                mine = outcome.cell(kind, clients, "product")
                bare = outcome.cell(kind, clients, "bare")
                where = f"{label}, {description}, {clients} client{'s' if clients > 1 else ''}"
                self.figures.append(self._reply_figure(where, mine, bare, REPLY_RATIO.get(clients, 2.0)))
                limit = min(ACK_P99_MS, bare.p99_ms * ACK_RATIO)
                ratio = mine.p99_ms / bare.p99_ms if bare.p99_ms else float("inf")
                errors = f", {mine.errors} errors" if mine.errors else ""
                self.figures.append(
                    Figure(
                        "ack",
                        where,
                        f"p50 {_ms(mine.p50_ms)}, p99 {_ms(mine.p99_ms)} ({ratio:.2f}× bare){errors}",
                        f"bare Bolt p50 {_ms(bare.p50_ms)}, p99 {_ms(bare.p99_ms)}",
                        f"p99 ≤ {ACK_RATIO}× bare and < {ACK_P99_MS:.0f} ms",
                        met=mine.p99_ms <= limit and mine.p99_ms < ACK_P99_MS and mine.errors == 0,
                    )
                )
        rss, bare_rss = outcome.rss_mb.get("product", float("nan")), outcome.rss_mb.get("bare", float("nan"))
        children = outcome.rss_mb.get("children", 0.0)
        started = f" + {children:.0f} MB of processes it started" if children else " (it starts no processes)"
        self.figures.append(
            Figure(
                "memory",
                f"{label}, web worker VmRSS after the load, with everything it starts",
                f"{rss + children:.0f} MB{started}",
                f"bare Bolt worker {bare_rss:.0f} MB",
                f"< {RSS_MB:.0f} MB",
                met=rss + children < RSS_MB,
            )
        )

    def _recording(self, label: str, url: str) -> None:
        cost = recording.recording_cost(url, runs=max(50, self.plan.requests))
        _say(f"[{label}] recording acknowledged work: p50 {cost.p50_ms:.2f} ms, p99 {cost.p99_ms:.2f} ms")
        self.figures.append(
            Figure(
                "ack",
                f"{label}, recording a command's work before the ack (one INSERT and commit)",
                f"p50 {_ms(cost.p50_ms)}, p99 {_ms(cost.p99_ms)} ({cost.runs} one after another)",
                f"`SELECT 1` in a session: p50 {_ms(cost.select_p50_ms)}, p99 {_ms(cost.select_p99_ms)}",
                "—",
            )
        )

    @staticmethod
    def _reply_figure(where: str, mine: ack.Cell, bare: ack.Cell, ratio_target: float) -> Figure:
        """Request sent to reply at the stand-in: what the person waits for, against the bare app's fixed reply."""
        ratio = mine.reply_p99_ms / bare.reply_p99_ms if bare.reply_p99_ms else float("inf")
        missing = mine.requests - mine.replies
        lost = f", {missing} of {mine.requests} unanswered" if missing else ""
        return Figure(
            "reply",
            where,
            f"p50 {_ms(mine.reply_p50_ms)}, p99 {_ms(mine.reply_p99_ms)} ({ratio:.2f}× bare){lost}",
            f"bare Bolt p50 {_ms(bare.reply_p50_ms)}, p99 {_ms(bare.reply_p99_ms)}",
            f"p99 ≤ {ratio_target}× bare",
            met=ratio <= ratio_target and missing == 0,
        )

    def _burst(self, label: str, url: str) -> None:
        plan = self.plan
        engine, _ = seeding.fresh_database(url)
        now = datetime.now(UTC)
        with make_session_factory(engine)() as session:
            seed.load_public(session)
            seed.load_demo(session, now.date(), now)
        engine.dispose()
        standin = StandinSlack(rate_limits=LOAD_LIMITS, strict=False).start()
        for person in seed.demo_people():
            standin.add_user(person.slack_user_id, person.name, tz=person.tz, locale=person.locale)
        results: list[burst.BurstResult] = []
        try:
            for number in range(plan.bursts):
                result = burst.burst(url, standin, count=plan.burst, kills=1, log=self.folder / "burst.log")
                results.append(result)
                _say(f"[{label}] burst {number + 1}: {result}")
        finally:
            standin.stop()
        acknowledged = sum(r.acknowledged for r in results)
        writes = sum(r.writes_acknowledged for r in results)
        runs = ", ".join(
            f"{r.acknowledged}/{r.answered}/{r.duplicated} in {r.seconds:.0f} s, {r.taken_over} taken over"
            for r in results
        )
        self.figures.append(
            Figure(
                "durability",
                f"{label}, {plan.burst} signed commands (a third write), a web worker SIGKILLed mid-burst, "
                f"{plan.bursts} time{'s' if plan.bursts > 1 else ''}",
                f"acknowledged {acknowledged:,}, done {sum(r.done for r in results):,}, answered "
                f"{sum(r.answered for r in results):,}, duplicated {sum(r.duplicated for r in results)}; "
                f"writes {sum(r.writes_found for r in results)} of {writes} once "
                f"(per burst acknowledged/answered/duplicated: {runs})",
                f"sent {sum(r.sent for r in results):,}",
                "answered = acknowledged, duplicated 0, nothing left unfinished, each write once",
                met=all(r.exact for r in results),
            )
        )

    def _sweeps(
        self, label: str, url: str, engine: Any, seeder: seeding.Seeder, population: seeding.Population
    ) -> None:
        plan = self.plan
        standin = StandinSlack(rate_limits=LOAD_LIMITS, strict=False).start()
        try:
            sweeper = sweeps.make_sweeper(engine, url, standin, ManualClock(population.sweep_now))
            idle: list[sweeps.IdleSweep] = []
            for size in plan.sweep_sizes:
                grow_s = seeder.grow_open_deadlines(population, size)
                _say(f"[{label}] {size:,} open deadlines (grown in {grow_s:.0f} s)")
                idle.append(sweeps.idle_sweep(sweeper, seeder.open_deadlines(), plan.sweep_runs))
                _say(f"[{label}] idle sweep at {size:,}: median {idle[-1].median_ms:.1f} ms")
            for result in idle:
                self.figures.append(
                    Figure(
                        "sweep",
                        f"{label}, nothing due, {result.open_deadlines:,} open deadlines",
                        f"median {_ms(result.median_ms)} (p90 {_ms(result.p90_ms)}, {result.runs} sweeps)",
                        f"claim query alone {_ms(result.claim_only_ms)}",
                        f"< {SWEEP_MS:.0f} ms",
                        met=result.median_ms < SWEEP_MS,
                    )
                )
            small, large = idle
            ratio = large.median_ms / small.median_ms
            self.figures.append(
                Figure(
                    "sweep",
                    f"{label}, time({large.open_deadlines:,}) / time({small.open_deadlines:,})",
                    f"{ratio:.2f}",
                    f"{_ms(small.median_ms)} at {small.open_deadlines:,}",
                    f"≤ {SWEEP_RATIO}",
                    met=ratio <= SWEEP_RATIO,
                )
            )
            ids = seeder.due_reminders(population.people[: plan.due], population.covenant_ids[0])
            due = sweeps.due_sweep(sweeper, ids, standin)
            _say(f"[{label}] sweep with {due.due:,} due: {due.seconds:.2f} s, {due.sent} sent")
            self.figures.append(
                Figure(
                    "sweep",
                    f"{label}, {due.due:,} due (one run_once, no rate limit)",
                    f"{due.seconds:.2f} s ({due.seconds / due.due * 1000:.1f} ms a reminder), {due.sent:,} sent",
                    f"{due.due:,} bare chat.postMessage calls: {due.bare_seconds:.2f} s",
                    f"all {due.due:,} sent",
                    met=due.sent == due.due,
                )
            )
        finally:
            standin.stop()

    def _report_pack(self, label: str, engine: Any, seeder: seeding.Seeder) -> None:
        timing = report_pack.measure(engine, seeder.now)
        _say(f"[{label}] report pack of {timing.slug}: {timing.pack_s:.2f} s (text answer {timing.text_s:.2f} s)")
        self.figures.append(
            Figure(
                "report",
                f"{label}, annual report pack of the largest covenant ({timing.slug}, {timing.plans:,} plans): "
                "gathered, workbook, charts and Markdown written",
                f"secretariat's pack {timing.pack_s:.2f} s ({timing.workbook_bytes / 1024:,.0f} KiB), public pack "
                f"{timing.public_s:.2f} s; of which gathering and drawing the charts {timing.charts_s:.2f} s",
                f"the same queries as a text answer (the summary alone) {timing.text_s:.2f} s; an empty workbook "
                f"{timing.empty_workbook_s * 1000:.0f} ms",
                f"< {report_pack.TARGET_S:.0f} s",
                met=timing.pack_s < report_pack.TARGET_S and timing.public_s < report_pack.TARGET_S,
            )
        )

    def _fanout(
        self, label: str, url: str, engine: Any, seeder: seeding.Seeder, population: seeding.Population
    ) -> None:
        plan = self.plan
        start = population.sweep_now
        recipients = population.people[plan.due : plan.due + plan.fanout]
        result = fanout.run_fanout(engine, url, seeder, population, recipients, self.args.fanout_cap, start)
        _say(
            f"[{label}] fan-out: {result.accepted} accepted in {result.seconds:.1f} s "
            f"({result.fraction_of_cap:.2f} of the cap), {result.refused} refused with 429, lost {result.lost}, "
            f"duplicated {result.duplicated}"
        )
        self.figures.append(
            Figure(
                "fan-out",
                f"{label}, {result.reminders:,} reminders to {result.reminders:,} DMs",
                f"{result.throughput:.1f} msg/s = {result.fraction_of_cap:.2f} of the cap "
                f"({result.refused} answered 429)",
                f"cap {result.cap:g} msg/s workspace-wide (burst {result.burst:g}), 1 msg/s per channel",
                f"≥ {FANOUT_FRACTION} of the cap",
                met=result.fraction_of_cap >= FANOUT_FRACTION,
            )
        )
        self.figures.append(
            Figure(
                "fan-out",
                f"{label}, lost / duplicated (by delivery id in metadata)",
                f"{result.lost} / {result.duplicated}"
                + (f" ({result.failed_rows} rows failed)" if result.failed_rows else ""),
                f"{result.reminders:,} owed",
                "0 / 0",
                met=result.lost == 0 and result.duplicated == 0,
            )
        )

    def _charts(self, label: str, url: str, seeder: seeding.Seeder) -> None:
        for timing in charts.time_charts(url, seeder.now.date()):
            _say(f"[{label}] chart {timing.kind}: {timing.chart_ms:.0f} ms, as text {timing.text_ms:.1f} ms")
            self.figures.append(
                Figure(
                    "charts",
                    f"{label}, {timing.kind} chart of the largest covenant ({timing.plans:,} plans, "
                    f"{timing.cycles} cycles): figures + PNG + alt text",
                    f"{_ms(timing.chart_ms)} ({timing.ratio:.1f}× the text; PNG {timing.png_bytes // 1024} kB)",
                    f"same figures as a text answer: {_ms(timing.text_ms)}",
                    f"< {CHART_MS:.0f} ms and ≤ {CHART_RATIO:g}×",
                    met=timing.chart_ms < CHART_MS and timing.ratio <= CHART_RATIO,
                )
            )

    def _targets(self, label: str, engine: Any) -> None:
        companies = {FULL: 2_000, QUICK: 500}.get(self.plan, 50)
        result = targets_bench.measure(engine, companies, cycles=5, runs=5 if self.plan is TINY else 21)
        _say(f"[{label}] targets: {result.figures_ms:.1f} ms against {result.baseline_ms:.1f} ms")
        self.figures.append(
            Figure(
                "targets",
                f"{label}, {result.targets} targets of a covenant with {result.companies:,} companies, 5 cycles",
                f"{_ms(result.figures_ms)} ({result.ratio:.1f}× the baseline)",
                f"one plan aggregate: {_ms(result.baseline_ms)}",
                f"< {TARGETS_MS:.0f} ms",
                met=result.figures_ms < TARGETS_MS,
            )
        )

    def console(self) -> None:
        result = startup.console_startup(self.plan.console_runs)
        _say(f"console start-up: median {result.median_s:.2f} s")
        self.figures.append(
            Figure(
                "console",
                "`covenant-bot console --demo`, empty stdin, installed by the README's command 1",
                f"median {result.median_s:.2f} s of {len(result.samples)} "
                f"(min {min(result.samples):.2f}, max {max(result.samples):.2f})",
                f"`python -c pass`: {result.baseline_s:.2f} s",
                f"< {STARTUP_S} s",
                met=result.median_s < STARTUP_S,
            )
        )

    def canvases(self, approvals: int) -> None:
        result = canvases.measure(approvals)
        mine, bare = statistics.median(result.with_canvas_ms), statistics.median(result.without_ms)
        _say(f"approving with the canvas: median {mine:.1f} ms, without {bare:.1f} ms")
        self.figures.append(
            Figure(
                "canvases",
                f"SQLite, pressing Approve until the answer, the group canvas kept ({approvals} versions)",
                f"median {_ms(mine)}, max {_ms(max(result.with_canvas_ms))} ({result.ratio:.2f}× without); "
                f"{result.canvas_edits} canvas writes",
                f"without canvases: median {_ms(bare)}",
                f"≤ {canvases.RATIO}× without",
                met=result.ratio <= canvases.RATIO,
            )
        )

    def chart_view(self, runs: int) -> None:
        result = chart_latency.measure(runs)
        _say(f"chart until seen: {result.chart_ms}; text answer {result.text_ms:.1f} ms")
        for kind, ms in result.chart_ms.items():
            self.figures.append(
                Figure(
                    "chart-view",
                    f"SQLite demo, /covenant chart metaal {kind} until the picture shows in the DM (upload included)",
                    f"median {_ms(ms)} ({result.ratio(kind):.1f}× the text answer)",
                    f"/covenant status metaal until its answer shows: median {_ms(result.text_ms)}",
                    f"≤ {chart_latency.RATIO:g}× the text answer",
                    met=result.ratio(kind) <= chart_latency.RATIO,
                )
            )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    plan = QUICK if args.quick else TINY if args.tiny else FULL
    output = args.output or (None if args.quick or args.tiny else "docs/BENCHMARKS.md")
    if args.tiny:
        args.only -= {"console"}
    databases: list[tuple[str, str]] = []
    postgresql = None
    if args.database in ("postgresql", "both"):
        postgresql = _postgres_version(args.postgres_url)
        if postgresql is None and args.database == "postgresql":
            return 2
    box = report.machine(postgresql)
    started = time.perf_counter()
    run = Run(plan, args)
    if args.database in ("sqlite", "both"):
        databases.append(("SQLite", f"sqlite:///{run.folder / 'bench.sqlite3'}"))
    if postgresql is not None:
        databases.append(("PostgreSQL", args.postgres_url))
    elif args.database == "both":
        run.notes.append("PostgreSQL did not answer: only SQLite was measured.")
    try:
        if args.only - {"console", "canvases", "chart-view"}:
            for label, url in databases:
                run.database(label, url)
        if "console" in args.only:
            run.console()
        if "canvases" in args.only:
            run.canvases(3 if args.tiny else 10)
        if "chart-view" in args.only:
            run.chart_view(2 if args.tiny else 5)
    finally:
        shutil.rmtree(run.folder, ignore_errors=True)
    box.seconds = time.perf_counter() - started
    box.load_after = __import__("os").getloadavg()
    if args.quick or args.tiny:
        size = "--quick" if args.quick else "--tiny"
        run.notes.insert(0, f"`{size}`: smaller database and fewer requests; the targets are meant for the full run.")
    run.notes[:0] = args.note
    print()
    print(report.terminal_table(run.figures))
    missed = [f for f in run.figures if f.met is False]
    judged = sum(f.met is not None for f in run.figures)
    print(f"\n{len(missed)} of {judged} targets missed; took {box.seconds / 60:.1f} min")
    if box.busy:
        print(
            f"note: the machine was busy (load average {box.load_before[0]:.1f} before, {box.load_after[0]:.1f} after)"
        )
    if output:
        command = "python bench/run.py " + " ".join(shlex.quote(a) for a in _reproducible(argv or sys.argv[1:]))
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(report.markdown(run.figures, box, command.strip(), run.notes + METHOD), encoding="utf-8")
        print(f"wrote {path}")
    return 0


def _reproducible(argv: list[str]) -> list[str]:
    """The arguments that decide what is measured (``--note`` and its text left out)."""
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--note":
            skip = True
        elif not arg.startswith("--note="):
            kept.append(arg)
    return kept


METHOD = [
    "Seed: the product's migrations (`bot.db.migrate.upgrade`) and public covenant list, then one Core "
    "`insert` executemany per table and batch of 20,000 rows, values pre-converted to what each column stores. "
    "Baseline: the same kind of row added one at a time through the ORM (add + flush), rolled back.",
    "Ack and reply: gunicorn as in the Procfile serves the product and, beside it, `bench/bare_app.py` (a Bolt "
    "app whose listener acks and posts a fixed reply to the response_url through the same client, same "
    "signature verification). A separate load-generator process sends each cell's requests (new connection "
    "each, signed, unique event_ids; each client sends its next request when its previous one was acknowledged) "
    "in four rounds alternating between the bare app and the product (so a slow moment of the shared machine "
    "does not fall on one app's whole cell). Ack latency is from sending the request to reading the whole "
    "answer; reply latency from sending the request to the stand-in receiving the reply, which is what the "
    "person waits for. The replies of each round are awaited before the next. Percentiles are nearest-rank. "
    "Earlier designs, with their measurements: docs/ack-latency.md.",
    "Memory: VmRSS from /proc/<pid>/status of each gunicorn worker after all cells, with whatever the worker "
    "starts (it starts no processes of its own); the largest is shown.",
    "Sweep: `Sweeper.run_once` on a fixed clock (a Tuesday–Thursday, 10:30 Amsterdam, so the digest planners "
    "run), after a sweep that sent the day's digests; every open deadline has its next reminder (and its "
    "escalation) planned in the future, as the engine leaves them. Growing the database between the two sizes "
    "uses PostgreSQL COPY / SQLite's executemany (set-up, not measured).",
    "Sweep with reminders due: that many new deadlines whose reminder is due now, one per recipient, sent by one "
    "`run_once` to a stand-in without limits; baseline: as many chat.postMessage calls on as many threads.",
    "Fan-out: the stand-in limits chat.postMessage to 1 message/s per channel and a workspace-wide token bucket "
    "(answering 429 with Retry-After); the sweeper runs as `covenant-bot sweep --until-idle` does. Fraction of "
    "the cap = accepted ÷ what the limit allowed from the first attempt to the last accepted message.",
    "Console: wall time of `covenant-bot console --demo < /dev/null` from start to exit, median of several runs "
    "after one warm-up (which builds the day's demo template; every run copies it to a fresh demo database), "
    "with the console installed as the README's first command does: a fresh venv and `pip install .` (a "
    "regular install: pip compiles it to bytecode; this machine sets PYTHONDONTWRITEBYTECODE=1, so an editable "
    "install would compile the bot's 140 modules again at every start, about 0.25 s).",
]


if __name__ == "__main__":
    sys.exit(main())
