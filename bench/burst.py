"""A burst of signed slash commands at the Procfile's web process, with a worker SIGKILLed mid-burst.

Used by the benchmark (400 commands, five kills) and by the suite (tests/test_durability.py, a smaller burst).
A third of the commands write (each adds its own organisation); the rest read. What counts is what the
stand-in received: every acknowledged command answered exactly once, every acknowledged write in the
database once, and no acknowledged work left unfinished once the takeover has run.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from bot.db.engine import make_engine, make_session_factory
from bot.db.models import AckedWork, Organisation
from bot.services import acked_work
from bot.services.administration import seed
from bot.slack_standin import StandinSlack
from bot.slack_standin import requests as slack_requests

ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "bench-burst-secret"
REPLAYED = ("already reached me", "al eerder bij me binnen")


@dataclass(frozen=True)
class BurstResult:
    """What one burst came to, counted at the stand-in and in the database."""

    sent: int
    acknowledged: int
    answered: int  # acknowledged commands answered at least once
    duplicated: int  # answers beyond the first, over all commands
    done: int  # records of acknowledged work finished
    unfinished: int  # records still pending or failed when the burst was over
    taken_over: int  # records run more than once (their first worker was killed, or slow)
    writes_acknowledged: int
    writes_found: int  # of those, organisations in the database (each exactly once: names are unique)
    answered_as_replayed: int  # writes whose answer was "already carried out" (a takeover after the commit)
    kills: int
    seconds: float

    @property
    def exact(self) -> bool:
        """Acknowledged N, done N, answered N, duplicated 0 (and every acknowledged write found once)."""
        return (
            self.answered == self.acknowledged
            and self.duplicated == 0
            and self.unfinished == 0
            and self.done >= self.acknowledged
            and self.writes_found == self.writes_acknowledged
        )


def procfile_command(port: int) -> str:
    """The Procfile's web process, bound to 127.0.0.1:``port``, run by this interpreter."""
    procfile = (ROOT / "Procfile").read_text()
    web = re.search(r"^web: (.+)$", procfile, re.MULTILINE)
    assert web is not None, "no web process in the Procfile"
    command = web.group(1).replace("${PORT:-3000}", str(port)).replace("0.0.0.0", "127.0.0.1")
    return command.replace("gunicorn", f"{sys.executable} -m gunicorn", 1).replace("--access-logfile -", "")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def workers_of(master: int) -> list[int]:
    """The gunicorn master's worker processes."""
    try:
        return [int(child) for child in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


class WebProcess:
    """The Procfile's web process (gunicorn, 2 workers) on a free port, with a short lease for takeovers."""

    def __init__(self, database_url: str, standin: StandinSlack, lease_seconds: float, log: Path | None = None):
        self.port = free_port()
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": "xoxb-burst",
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": standin.api_url,
            "DATABASE_URL": database_url,
            "WEB_CONCURRENCY": "2",
            "ACKED_WORK_LEASE_SECONDS": str(lease_seconds),
            "LOG_LEVEL": "WARNING",
        }
        self._log = open(log or os.devnull, "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            f"exec {procfile_command(self.port)}", shell=True, env=env, cwd=ROOT, stdout=self._log, stderr=self._log
        )
        self.base = f"http://127.0.0.1:{self.port}"
        self.wait_ready()

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(workers_of(self.process.pid)) >= 2:
                try:
                    with urllib.request.urlopen(self.base + "/healthz", timeout=1) as response:
                        if response.status == 200:
                            return
                except OSError:
                    pass
            time.sleep(0.1)
        raise RuntimeError("the web process did not come up")

    def kill_a_worker(self) -> int | None:
        """SIGKILL one worker (gunicorn's master respawns it); its pid."""
        workers = workers_of(self.process.pid)
        if not workers:
            return None
        victim = workers[0]
        os.kill(victim, signal.SIGKILL)
        return victim

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


def _post(base: str, body: str) -> bool:
    request = urllib.request.Request(
        base + "/slack/events",
        data=body.encode(),
        headers={"Content-Type": slack_requests.FORM, **slack_requests.sign(SIGNING_SECRET, body)},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):  # the worker died holding this connection: not acknowledged
        return False


def _commands(count: int, standin: StandinSlack, tag: str) -> list[tuple[str, str, str | None]]:
    """(response_url, body, organisation it adds or None): a third write, the rest read."""
    people = {person.key: person.slack_user_id for person in seed.demo_people()}
    emma, sanne = people["emma"], people["sanne"]
    commands: list[tuple[str, str, str | None]] = []
    for index in range(count):
        response_url = standin.response_url()
        organisation = None
        if index % 3 == 0:
            organisation = f"Burst {tag} BV {index}"
            body = slack_requests.slash_command(
                "/covenant", f'add-org "{organisation}" bedrijf', user_id=sanne, response_url=response_url
            )
        elif index % 3 == 1:
            body = slack_requests.slash_command("/covenant", "status textiel", user_id=emma, response_url=response_url)
        else:
            body = slack_requests.slash_command("/plan", "overdue", user_id=sanne, response_url=response_url)
        commands.append((response_url, body, organisation))
    return commands


def burst(
    database_url: str,
    standin: StandinSlack,
    *,
    count: int = 400,
    kills: int = 1,
    clients: int = 8,
    lease_seconds: float = 2.0,
    settle_timeout: float = 90.0,
    log: Path | None = None,
) -> BurstResult:
    """Send ``count`` signed commands from ``clients`` threads while SIGKILLing a web worker ``kills`` times
    (evenly spread over the burst), then wait for the takeover and count."""
    tag = uuid.uuid4().hex[:6]
    commands = _commands(count, standin, tag)
    session_factory = make_session_factory(make_engine(database_url))
    with session_factory() as session:
        earlier = int(session.scalar(select(func.max(AckedWork.id))) or 0)  # records of bursts before this one
    ours = AckedWork.id > earlier
    web = WebProcess(database_url, standin, lease_seconds, log)
    started = time.monotonic()
    try:
        acknowledged: dict[int, bool] = {}
        next_index = iter(range(count))
        lock = threading.Lock()
        kill_at = {count * (k + 1) // (kills + 1) for k in range(kills)}
        killed = 0

        def client() -> None:
            nonlocal killed
            while True:
                with lock:
                    index = next(next_index, None)
                    if index is None:
                        return
                    if index in kill_at and web.kill_a_worker() is not None:
                        killed += 1
                acknowledged[index] = _post(web.base, commands[index][1])

        threads = [threading.Thread(target=client) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        acked = [index for index in range(count) if acknowledged.get(index)]
        paths = {index: commands[index][0].removeprefix(standin.base_url) for index in range(count)}

        def answers() -> Counter[str]:
            return Counter(call.path for call in standin.calls if call.path.startswith("/response/"))

        def unfinished() -> int:
            with session_factory() as session:
                return int(
                    session.scalar(
                        select(func.count()).select_from(AckedWork).where(ours, AckedWork.status != acked_work.DONE)
                    )
                    or 0
                )

        # Done when every record is finished (an answer noted but never sent stays missing: no use waiting).
        deadline = time.monotonic() + settle_timeout
        while time.monotonic() < deadline and unfinished() > 0:
            time.sleep(0.25)
        time.sleep(min(lease_seconds * 2, 5))  # long enough for a wrong second takeover to show
        counted = answers()
        writes = [commands[index][2] for index in acked if commands[index][2]]
        with session_factory() as session:
            found = set(session.scalars(select(Organisation.name).where(Organisation.name.like(f"Burst {tag} BV %"))))
            done = int(
                session.scalar(
                    select(func.count()).select_from(AckedWork).where(ours, AckedWork.status == acked_work.DONE)
                )
                or 0
            )
            taken_over = int(
                session.scalar(select(func.count()).select_from(AckedWork).where(ours, AckedWork.attempts > 1)) or 0
            )
        replayed = sum(
            1
            for call in standin.calls
            if call.path in {paths[index] for index in acked if commands[index][2]}
            and any(word in str(call.args.get("text")) for word in REPLAYED)
        )
        return BurstResult(
            sent=count,
            acknowledged=len(acked),
            answered=sum(1 for index in acked if counted[paths[index]]),
            duplicated=sum(max(0, counted[paths[index]] - 1) for index in range(count)),
            done=done,
            unfinished=unfinished(),
            taken_over=taken_over,
            writes_acknowledged=len(writes),
            writes_found=len(found & set(writes)),
            answered_as_replayed=replayed,
            kills=killed,
            seconds=time.monotonic() - started,
        )
    finally:
        web.stop()
