"""Work a listener hands over once it acknowledged: building and sending its reply.

Three runners, one contract — ``runner(work, payload)`` calls ``work(deps, client, payload)`` later:

- :class:`InlineRunner` at once, in the caller's thread (the console prints replies before its next prompt);
- :class:`ThreadRunner` on a small thread pool of the same process (tests, Socket Mode);
- :class:`ProcessRunner` in a reply process of its own beside each web worker, at the lowest CPU priority
  (HTTP mode behind gunicorn). Replies are CPU work (queries, rendering): under the GIL a reply thread in
  the web worker delays every ack that arrives meanwhile, and even a niced process on the other core
  stretches the acks' tail (measured: docs/ack-latency.md). So the reply process also waits for the web
  workers to be quiet (no request in flight for ``QUIET_S``) before it starts a reply, but never longer
  than ``MAX_WAIT_S`` after the request: acknowledging within Slack's 3 seconds comes first, the reply
  follows. ``work`` must be a module-level function and ``payload`` plain data (it is pickled):
  listeners pass Slack's own dicts.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient

if TYPE_CHECKING:
    from bot.app import Deps
    from config.settings import Settings

logger = logging.getLogger(__name__)

Payload = dict[str, Any]
Work = Callable[["Deps", WebClient, Payload], None]

# Threads per process that build replies (ThreadRunner): two overlap one reply's wait for Slack with
# the next reply's work; more would only add threads contending for the GIL.
REPLY_THREADS = 2
# The reply process's niceness (0 = the web worker's own priority, 19 = the lowest); on Linux it also
# runs in the SCHED_IDLE class: it gets the CPU the web worker leaves and gives way as soon as a request
# thread wakes (a niced process keeps its time slice; measured, that stretched the acks' tail). Either
# way it keeps a small share of a busy CPU, so replies are late under overload, never starved.
REPLY_NICENESS = 19
# A reply starts once the instance's web workers have had no request in flight for QUIET_S, or
# MAX_WAIT_S after the request at the latest (a steady stream must not hold replies back for long).
# While requests are in flight the reply process looks again every POLL_S (each wake-up costs the
# busy workers a little).
QUIET_S = 0.02
MAX_WAIT_S = 2.0
POLL_S = 0.05
# Work that may wait in the pipe to the reply process (Linux allows up to 1 MiB unprivileged).
PIPE_BYTES = 1 << 20


def run_safely(work: Work, deps: Deps, client: WebClient, payload: Payload) -> None:
    """Run ``work``; a failure is logged (the user already has their ack; a listener's own apology is its own)."""
    try:
        work(deps, client, payload)
    except Exception:
        logger.exception("work after the ack failed: %s", getattr(work, "__qualname__", work))


class RequestActivity:
    """Requests in flight in this instance's web workers and when the last one ended, in shared memory.

    Shared by every web worker of a gunicorn master when the master makes it before forking them
    (config/gunicorn.py calls :func:`share_between_workers`): then a reply process waits until the whole
    instance is quiet, not only its own worker. Reply processes only read it.
    """

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._in_flight = context.Value("i", 0)
        self._last_end = context.Value("d", 0.0, lock=False)  # time.monotonic(): one clock for all processes

    def started(self) -> None:
        """A request came in (a web worker calls this)."""
        with self._in_flight.get_lock():
            self._in_flight.value += 1

    def finished(self) -> None:
        """A request was answered (a web worker calls this)."""
        with self._in_flight.get_lock():
            self._in_flight.value -= 1
            self._last_end.value = time.monotonic()

    def quiet(self) -> bool:
        """No request in flight, and none answered in the last QUIET_S."""
        return bool(self._in_flight.value <= 0 and time.monotonic() - self._last_end.value >= QUIET_S)

    def wait_until_quiet(self, deadline: float) -> None:
        """Block until :meth:`quiet` or ``deadline`` (a ``time.monotonic()``).

        Polls, but seldom: every wake-up of the reply process costs the busy web workers a little
        (measured), so it sleeps until the quiet period would end, or POLL_S while requests are in flight.
        """
        while not self.quiet():
            now = time.monotonic()
            if now >= deadline:
                return
            pause = POLL_S if self._in_flight.value > 0 else self._last_end.value + QUIET_S - now
            time.sleep(min(max(pause, 0.001), deadline - now))


_shared_activity: RequestActivity | None = None


def share_between_workers() -> None:
    """Make the instance's RequestActivity now, before the web workers are forked (gunicorn's on_starting)."""
    global _shared_activity
    _shared_activity = RequestActivity()


def request_activity() -> RequestActivity:
    """The instance's shared RequestActivity, or one of this process's own when none was made."""
    return _shared_activity or RequestActivity()


class InlineRunner:
    """Runs the work at once in the calling thread."""

    def __init__(self) -> None:
        self._deps: Deps | None = None
        self._client: WebClient | None = None

    def bind(self, deps: Deps, client: WebClient) -> None:
        """Give the runner the app's Deps and Web API client (the app factory does, once)."""
        self._deps, self._client = deps, client

    def __call__(self, work: Work, payload: Payload) -> None:
        assert self._deps is not None and self._client is not None, "bind() first"
        run_safely(work, self._deps, self._client, payload)

    def close(self) -> None:
        """Finish queued work (nothing to do here)."""


class ThreadRunner(InlineRunner):
    """Runs the work on a thread pool of this process."""

    def __init__(self, threads: int = REPLY_THREADS) -> None:
        super().__init__()
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="reply")

    def __call__(self, work: Work, payload: Payload) -> None:
        assert self._deps is not None and self._client is not None, "bind() first"
        self._pool.submit(run_safely, work, self._deps, self._client, payload)

    def close(self) -> None:
        self._pool.shutdown(wait=True)


class ProcessRunner(InlineRunner):
    """Runs the work in a reply process of the lowest CPU priority (SCHED_IDLE), spawned with its own Deps.

    Handing over is one write to a pipe in the caller's thread: no helper thread in the web worker competes
    with its request threads (a ProcessPoolExecutor's two did, measurably). The pipe holds about
    ``PIPE_BYTES`` of waiting work (hundreds of replies); beyond that, handing over waits for the reply
    process: an overloaded worker slows down rather than piling up work it cannot do. The web worker
    reports its requests to :attr:`activity`; the reply process starts each reply when the worker is quiet
    (see the module's docstring). If the reply process dies, what was waiting in the pipe is lost (logged)
    and the next call starts a new one; when the web worker stops, the reply process finishes what is
    waiting and exits.
    """

    def __init__(self, settings: Settings, niceness: int = REPLY_NICENESS) -> None:
        super().__init__()
        self._settings = settings
        self._niceness = niceness
        self.activity = request_activity()
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._sender: Connection | None = None
        atexit.register(self.close)

    def start(self) -> int:
        """Start the reply process now (it imports the bot, about a second) rather than at the first reply;
        returns its pid."""
        with self._lock:
            return self._started()[0]

    def __call__(self, work: Work, payload: Payload) -> None:
        job = (work, payload, time.monotonic())
        with self._lock:
            for _attempt in (1, 2):
                pid, sender = self._started()
                try:
                    sender.send(job)
                    return
                except OSError as error:  # BrokenPipeError: the reply process is gone
                    logger.error(
                        "reply process %s stopped (%s); work waiting in it is lost; starting a new one", pid, error
                    )
                    self._forget()
        logger.error("no reply process would start; running %s in the web worker", work.__qualname__)
        super().__call__(work, payload)

    def close(self, timeout: float = 10.0) -> None:
        """Let the reply process finish what is waiting, then stop it."""
        with self._lock:
            process, sender = self._process, self._sender
            self._process = self._sender = None
        if sender is not None:
            sender.close()
        if process is not None:
            process.join(timeout)
            if process.is_alive():
                process.terminate()

    def _started(self) -> tuple[int, Connection]:
        """The running reply process's pid and pipe, starting one if there is none (caller holds the lock)."""
        if self._process is None or self._sender is None or not self._process.is_alive():
            self._forget()
            context = multiprocessing.get_context("spawn")
            receiver, sender = context.Pipe(duplex=False)
            _widen(sender)
            process = context.Process(
                target=_reply_process_main,
                args=(receiver, self._settings, self._niceness, self.activity),
                name="covenant-bot-replies",
                daemon=True,
            )
            process.start()
            receiver.close()  # only the reply process reads: when this worker goes, it sees the end
            self._process, self._sender = process, sender
        assert self._process.pid is not None
        return self._process.pid, self._sender

    def _forget(self) -> None:
        if self._sender is not None:
            self._sender.close()
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
        self._process = self._sender = None


def _widen(connection: Connection) -> None:
    try:
        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (AttributeError, OSError) as error:  # not Linux, or above /proc/sys/fs/pipe-max-size
        logger.info("reply pipe keeps its default size: %s", error)


# --- inside the reply process ---------------------------------------------------------------------

_reply_deps: Deps | None = None
_reply_client: WebClient | None = None


def _reply_process_main(receiver: Connection, settings: Settings, niceness: int, activity: RequestActivity) -> None:
    """The reply process: lower its priority, build its own Deps, then run work until the pipe closes."""
    global _reply_deps, _reply_client
    from bot.app import build_deps, make_web_client

    os.nice(niceness)
    # Linux: run only on CPU time no normal process wants, and give way at once when one wakes
    # (elsewhere the niceness alone).
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s [reply]: %(message)s")
    _reply_client = make_web_client(settings)
    _reply_deps = build_deps(settings, runner=InlineRunner(), client=_reply_client)
    while True:
        try:
            work, payload, submitted = receiver.recv()
        except EOFError:  # the web worker closed the pipe or is gone
            return
        except Exception:
            logger.exception("could not read work from the web worker")
            continue
        activity.wait_until_quiet(submitted + MAX_WAIT_S)
        run_safely(work, _reply_deps, _reply_client, payload)
