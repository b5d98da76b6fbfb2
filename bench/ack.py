"""What the user sees, through the production HTTP server, against a bare Bolt app on the same server and settings.

Both apps run under gunicorn with the Procfile's ``web`` command (only the listen address is
127.0.0.1 instead of 0.0.0.0), side by side, with SLACK_API_URL pointing at the stand-in so
no call leaves the machine. For each kind of request and number of concurrent clients the load
generator (its own process) sends a fixed number of signed requests in rounds alternating between the
bare app and the product; after each round the replies (posted after the ack) are awaited, so one round's
work does not spill into the next. Two latencies per request: the ack (request sent to answer read) and the
reply (request sent to the reply reaching the stand-in), which is what the person waits for.
"""

from __future__ import annotations

import json
import math
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.slack_standin import StandinSlack

ROOT = Path(__file__).resolve().parent.parent
PROCFILE = ROOT / "Procfile"
BARE_APP = "bench.bare_app:create_wsgi_app()"
SECRET = "bench-signing-secret"
KINDS = {
    "status": "/covenant status <x>",
    "overdue": "/plan overdue",
    "mention": "app_mention question",
}


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of ``values``."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def web_command(port: int, app_spec: str | None = None, env: dict[str, str] | None = None) -> list[str]:
    """The Procfile's ``web`` command for ``port``, listening on 127.0.0.1, optionally serving another app."""
    env = dict(os.environ if env is None else env)
    env["PORT"] = str(port)
    line = next(row for row in PROCFILE.read_text().splitlines() if row.startswith("web:")).removeprefix("web:")
    expanded = re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: env.get(m[1]) or m[2], line)
    args = [arg.replace("0.0.0.0:", "127.0.0.1:") for arg in shlex.split(expanded)]
    assert args[0] == "gunicorn", "the Procfile's web process is gunicorn"
    if app_spec is not None:
        args[-1] = app_spec
    return [sys.executable, "-m", "gunicorn", *args[1:]]


def _rss_mb(pids: list[int]) -> dict[int, float]:
    sizes: dict[int, float] = {}
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        if match:
            sizes[pid] = int(match[1]) / 1024
    return sizes


@dataclass
class WebServer:
    """One gunicorn (master plus workers) started by the benchmark; only this process is ever signalled."""

    name: str
    command: list[str]
    env: dict[str, str]
    folder: Path
    port: int
    process: subprocess.Popen[bytes] | None = None
    worker_pids: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    @property
    def error_log(self) -> Path:
        return self.folder / f"{self.name}.stderr.log"

    def start(self) -> WebServer:
        workers = int(self.command[self.command.index("--workers") + 1])
        with (self.folder / f"{self.name}.access.log").open("wb") as out, self.error_log.open("wb") as err:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=out, stderr=err)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.error_log.read_text()[-2000:]}")
            self.worker_pids = [int(pid) for pid in re.findall(r"Booting worker with pid: (\d+)", self._log())]
            if len(self.worker_pids) >= workers and self._healthy():
                return self
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start: {self._log()[-2000:]}")

    def _log(self) -> str:
        return self.error_log.read_text(errors="replace")

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as answer:
                return bool(answer.status == 200)
        except OSError:
            return False

    def rss_mb(self) -> dict[int, float]:
        """VmRSS of each worker (MiB), read from /proc."""
        return _rss_mb(self.worker_pids)

    def child_rss_mb(self) -> dict[int, float]:
        """VmRSS of the workers' own child processes, MiB."""
        children: list[int] = []
        for pid in self.worker_pids:
            try:
                children += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
            except OSError:
                continue
        return _rss_mb(children)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@dataclass
class Cell:
    """One kind of request at one number of clients, on one app."""

    kind: str
    clients: int
    app: str
    requests: int
    p50_ms: float
    p99_ms: float
    errors: int
    seconds: float
    replies: int = 0
    reply_p50_ms: float = math.nan
    reply_p99_ms: float = math.nan


@dataclass
class Part:
    """One round of a cell on one app: what the load generator and the stand-in saw."""

    latencies_ms: list[float]
    errors: int
    seconds: float
    reply_waits_ms: list[float] = field(default_factory=list)


def combine(kind: str, clients: int, app: str, parts: list[Part]) -> Cell:
    """One cell from its rounds: percentiles over every request of every round."""
    latencies = [ms for part in parts for ms in part.latencies_ms]
    waits = [ms for part in parts for ms in part.reply_waits_ms]
    return Cell(
        kind=kind,
        clients=clients,
        app=app,
        requests=len(latencies),
        p50_ms=percentile(latencies, 50),
        p99_ms=percentile(latencies, 99),
        errors=sum(part.errors for part in parts),
        seconds=sum(part.seconds for part in parts),
        replies=len(waits),
        reply_p50_ms=percentile(waits, 50),
        reply_p99_ms=percentile(waits, 99),
    )


@dataclass
class AckRun:
    cells: list[Cell] = field(default_factory=list)
    rss_mb: dict[str, float] = field(default_factory=dict)
    workers: int = 0
    threads: int = 0
    command: str = ""

    def cell(self, kind: str, clients: int, app: str) -> Cell:
        return next(c for c in self.cells if (c.kind, c.clients, c.app) == (kind, clients, app))


@dataclass
class AckBenchmark:
    """Runs the cells; ``population`` says which users, secretariat members and covenants to ask about."""

    database_url: str
    standin: StandinSlack
    users: list[str]
    secretariat: list[str]
    covenants: list[str]
    requests: int
    levels: tuple[int, ...] = (1, 8, 32)
    kinds: tuple[str, ...] = tuple(KINDS)
    # Each cell's requests are sent in rounds alternating between the two apps, so that a slow moment of
    # the machine (other tenants, timers) does not fall on one app's whole cell.
    rounds: int = 4
    warmup: int = 30
    log: Any = print
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="covenant-bench-web-")))

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
        env.update(
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_BOT_TOKEN="xoxb-bench",
            SLACK_API_URL=self.standin.api_url,
            DATABASE_URL=self.database_url,
        )
        return env

    def run(self) -> AckRun:
        env = self._env()
        bare_port, product_port = free_port(), free_port()
        bare = WebServer("bare", web_command(bare_port, BARE_APP, env), env, self.folder, bare_port)
        product = WebServer("product", web_command(product_port, None, env), env, self.folder, product_port)
        result = AckRun(command=" ".join(shlex.quote(a) for a in web_command(3000, None, env)[2:]))
        result.workers = int(product.command[product.command.index("--workers") + 1])
        result.threads = int(product.command[product.command.index("--threads") + 1])
        servers = (bare, product)
        try:
            bare.start()
            product.start()
            for server in servers:
                for kind in self.kinds:
                    self._load(server, kind, self.warmup, 4)
            self._drain(timeout=120)
            per_round = math.ceil(self.requests / self.rounds)
            for kind in self.kinds:
                for clients in self.levels:
                    parts: dict[str, list[Part]] = {server.name: [] for server in servers}
                    for _ in range(self.rounds):
                        for server in servers:
                            parts[server.name].append(self._load(server, kind, per_round, clients))
                    for server in servers:
                        cell = combine(kind, clients, server.name, parts[server.name])
                        result.cells.append(cell)
                        self.log(
                            f"  ack {kind:8} {clients:>2} clients {server.name:8} p50 {cell.p50_ms:7.1f} ms "
                            f"p99 {cell.p99_ms:7.1f} ms  errors {cell.errors}"
                            + (f"  replies {cell.replies} (p99 {cell.reply_p99_ms:.0f} ms)" if cell.replies else "")
                        )
            for name, server in (("bare", bare), ("product", product)):
                sizes = server.rss_mb()
                result.rss_mb[name] = max(sizes.values()) if sizes else math.nan
            # Whatever a worker starts besides its threads (none since the reply process went) counts too.
            result.rss_mb["children"] = sum(product.child_rss_mb().values())
        finally:
            product.stop()
            bare.stop()
        return result

    def _load(self, server: WebServer, kind: str, count: int, clients: int) -> Part:
        spec = {
            "url": server.url,
            "secret": SECRET,
            "kind": kind,
            "count": count,
            "concurrency": clients,
            "users": self.users,
            "secretariat": self.secretariat,
            "covenants": self.covenants,
            "response_base": f"{self.standin.base_url}/response/",
            "deadline_s": 300.0,
        }
        spec_path, result_path = self.folder / "spec.json", self.folder / "result.json"
        spec_path.write_text(json.dumps(spec))
        seen = len(self.standin.calls)
        subprocess.run(
            [sys.executable, "-m", "bench.loadgen", str(spec_path), str(result_path)], cwd=ROOT, check=True, timeout=400
        )
        outcome = json.loads(result_path.read_text())
        latencies: list[float] = outcome["latencies_ms"]
        errors = sum(n for status, n in outcome["statuses"].items() if status != "200")
        part = Part(latencies, errors + (count - len(latencies)), float(outcome["seconds"]))
        # The replies (posted after the ack) are awaited: one round's work does not spill into the next
        # round of either app.
        sent: dict[str, float] = outcome["sent"]
        replied = self._replies(set(sent), seen, timeout=180)
        part.reply_waits_ms = [(replied[rid] - sent[rid]) * 1000 for rid in replied]
        return part

    def _replies(self, reply_ids: set[str], seen: int, timeout: float) -> dict[str, float]:
        """When (monotonic) the stand-in got the reply to each request, waiting up to ``timeout`` for all."""
        found: dict[str, float] = {}
        deadline = time.monotonic() + timeout
        while True:
            calls = self.standin.calls[seen:]
            seen += len(calls)
            for call in calls:
                rid = call.path.removeprefix("/response/") if call.method == "response_url" else None
                if call.method == "chat.postEphemeral":
                    rid = str(call.args.get("thread_ts"))
                if rid in reply_ids and rid not in found:
                    found[rid] = call.at
            if len(found) >= len(reply_ids) or time.monotonic() > deadline:
                return found
            time.sleep(0.2)

    def _drain(self, timeout: float) -> None:
        """Wait until the stand-in has had no call for a second (the warm-up's replies are done)."""
        deadline = time.monotonic() + timeout
        count = -1
        while time.monotonic() < deadline:
            if len(self.standin.calls) == count:
                return
            count = len(self.standin.calls)
            time.sleep(1.0)
