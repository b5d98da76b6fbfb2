"""Work done after the ack, made durable: recorded before the ack, finished once, taken over after a crash.

Bolt runs each listener's lazy functions through ``app.listener_runner.lazy_listener_runner``; this module
wraps that runner (:func:`install`):

- ``start`` (Bolt calls it in the request thread, after the ack function and before the HTTP answer leaves,
  since the app runs with ``process_before_response``) records the request in the database, committed, and
  only then hands the work to Bolt's executor. So exactly the requests with work after the ack are recorded
  (not url_verification, not a form whose field errors went back in the ack with no lazy function, not a
  channel message that is not for the bot: no listener with lazy work matches it), and a retried event is
  dropped in that same transaction (its event_id is recorded with the work, ``processed_event``). A
  listener of events has one lazy function: a second would find its event recorded and be dropped.
- When the work returns, its record is marked done and the stored request dropped. When it raised, it is
  run again by a takeover, at most ``acked_work.MAX_ATTEMPTS`` times, then failed and logged: the work runs
  through ``handlers.run``, which answers a bug with an apology, so what escapes it is Slack or the
  database failing (worth another try), and a bug would fail every time (not worth more than a few).
- :meth:`DurableLazyRunner.take_over` claims records whose lease expired (the process that acked them died)
  and re-dispatches each stored request through the app with Bolt's ``x-slack-bolt-lazy-only`` and
  ``x-slack-bolt-lazy-function-name`` headers: Bolt skips the ack function and runs just that lazy function,
  inline, through ``run`` below.

Running work twice changes nothing: writes carry their request key (``bot.commands.replays``) and owed
notices their dedupe key; the answer goes out through :func:`answer_once`, which records it first.

Where Bolt's global middleware would be the obvious place to record: it runs before a listener is matched
(and its ``next()`` is no continuation), so it cannot know whether the request has work after the ack.

Not durable: a refusal of unreadable text (``handlers.middleware`` answers it before any listener runs).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from concurrent.futures import Executor
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, TypeVar

from slack_bolt import App
from slack_bolt.kwargs_injection import build_required_kwargs
from slack_bolt.lazy_listener import LazyListenerRunner
from slack_bolt.request import BoltRequest
from slack_bolt.util.utils import get_arg_names_of_callable, get_name_for_callable

from bot.services import acked_work, events
from bot.services.acked_work import Claim

if TYPE_CHECKING:
    from bot.deps import Deps

logger = logging.getLogger(__name__)

T = TypeVar("T")
# On a re-dispatched request: which record (and claim) its work belongs to, "<id>:<attempt>".
WORK_HEADER = "x-covenant-acked-work"


@dataclass(frozen=True)
class _Running:
    claim: Claim
    deps: Deps


# The record of the work running in this thread (Bolt's executor runs one lazy function per thread at a time).
_running: ContextVar[_Running | None] = ContextVar("acked_work", default=None)


def worker_name() -> str:
    """This process, as records name their holder (host and pid: gunicorn's workers are processes)."""
    return f"{socket.gethostname()}:{os.getpid()}"[-64:]


class DurableLazyRunner(LazyListenerRunner):
    """Bolt's lazy listener runner, with every run recorded, marked done, and taken over when abandoned."""

    def __init__(self, app: App, executor: Executor, deps: Deps, worker: str | None = None) -> None:
        self.app = app
        self.logger = app.logger
        self.executor = executor
        self.deps = deps
        self.worker = worker or worker_name()
        self.lease = timedelta(seconds=deps.settings.acked_work_lease_seconds)

    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        """Record the work (committed, before the ack leaves), then start it on Bolt's executor."""
        name = get_name_for_callable(function)
        body = {key: value for key, value in request.body.items() if key != "token"}
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        try:
            with self.deps.session_factory() as session:
                claim = acked_work.record(
                    session,
                    function=name,
                    request=body,
                    worker=self.worker,
                    now=self.deps.clock.now(),
                    lease=self.lease,
                    event_id=str(event_id) if event_id else None,
                )
        except Exception:
            # Unrecorded work still runs (the user is owed an answer); it just would not survive a crash.
            logger.exception("could not record %s; running it unrecorded", name)
            self.executor.submit(self._work(function, request, None))
            return
        if claim is None:
            logger.info("event %s already handled; ignoring the retry", event_id)
            return
        self.executor.submit(self._work(function, request, claim))

    def run(self, function: Callable[..., None], request: BoltRequest) -> None:
        """Run lazy-only work inline: a record re-dispatched by :meth:`take_over`."""
        self._work(function, request, self._claim_in(request))()

    def take_over(self, limit: int = 20) -> int:
        """Renew the leases of this process's own work, then claim records whose lease expired (their process
        died) and run each again through the app; returns how many were taken over."""
        with self.deps.session_factory() as session:
            acked_work.renew(session, self.worker, self.deps.clock.now(), self.lease)
            claims = acked_work.claim_expired(session, self.deps.clock.now(), self.worker, self.lease, limit)
        for claim in claims:
            logger.warning("taking over %s (record %s, attempt %s)", claim.function, claim.id, claim.attempt)
            headers = {
                "x-slack-bolt-lazy-only": "1",
                "x-slack-bolt-lazy-function-name": claim.function,
                WORK_HEADER: f"{claim.id}:{claim.attempt}",
            }
            # Socket-mode requests carry the parsed body as it is: the stored dict needs no re-encoding.
            request = BoltRequest(body=dict(claim.request or {}), headers=dict(headers), mode="socket_mode")
            try:
                self.app.dispatch(request)
            except Exception:
                logger.exception("taking over record %s failed; its lease brings it back", claim.id)
        return len(claims)

    def forget_old(self) -> int:
        """Drop processed events and finished records past Slack's retry window; returns rows removed."""
        now = self.deps.clock.now()
        with self.deps.session_factory() as session:
            return events.forget_old(session, now) + acked_work.forget_old(session, now)

    def _claim_in(self, request: BoltRequest) -> Claim | None:
        value = request.headers.get(WORK_HEADER, [""])[0]
        record_id, _, attempt = value.partition(":")
        if not (record_id.isdigit() and attempt.isdigit()):
            return None
        return Claim(id=int(record_id), attempt=int(attempt), worker=self.worker)

    def _work(self, function: Callable[..., None], request: BoltRequest, claim: Claim | None) -> Callable[[], None]:
        arg_names = get_arg_names_of_callable(function)

        def work() -> None:
            token = _running.set(_Running(claim, self.deps) if claim else None)
            try:
                kwargs = build_required_kwargs(
                    logger=self.logger, required_arg_names=arg_names, request=request, response=None, this_func=function
                )
                function(**kwargs)
            except Exception as error:
                logger.exception("%s raised after the ack", get_name_for_callable(function))
                if claim is not None:
                    self._give_back(claim, error)
            else:
                if claim is not None:
                    self._finish(claim)
            finally:
                _running.reset(token)

        return work

    def _finish(self, claim: Claim) -> None:
        try:
            with self.deps.session_factory() as session:
                if not acked_work.finish(session, claim, self.deps.clock.now()):
                    logger.info("record %s was taken over meanwhile; its new holder finishes it", claim.id)
        except Exception:
            logger.exception("could not mark record %s done; a takeover runs it again (it is idempotent)", claim.id)

    def _give_back(self, claim: Claim, error: Exception) -> None:
        try:
            with self.deps.session_factory() as session:
                outcome = acked_work.give_back(session, claim, self.deps.clock.now(), repr(error), self.lease)
        except Exception:
            logger.exception("could not give record %s back; its lease brings it back", claim.id)
            return
        if outcome == "failed":
            logger.error("gave up record %s after %s attempts: %r", claim.id, claim.attempt, error)


def answer_once(send: Callable[[], T]) -> T | None:
    """Send the answer to the user unless this work's record says it went out before; None when skipped.

    The record notes the answer (committed) just before it is sent. A process killed after that note and
    before Slack received the request leaves the user unanswered rather than answered twice (Slack's
    response_url takes no idempotency key and has no history to look in, so "maybe sent" cannot be checked
    as the reminder engine checks a channel). The window is the start of one HTTPS request, plus however
    long the thread waits for the GIL in between on a busy worker: the benchmark's bursts (400 commands, a
    worker SIGKILLed mid-burst) lost an answer in about one kill of five, never more than the killed
    worker's five lazy threads.
    A send that raised clears the note, so a takeover answers after all (a timeout that did reach Slack is
    then answered twice). Outside recorded work (the console's, a test's) it just sends.
    """
    running = _running.get()
    if running is None:
        return send()
    deps, claim = running.deps, running.claim
    with deps.session_factory() as session:
        if not acked_work.start_answer(session, claim, deps.clock.now()):
            logger.info("record %s was answered before (or is someone else's now); not answering again", claim.id)
            return None
    try:
        return send()
    except Exception:
        with deps.session_factory() as session:
            acked_work.answer_failed(session, claim)
        raise


def install(app: App, deps: Deps) -> DurableLazyRunner:
    """Wrap ``app``'s lazy listener runner so every run after the ack is durable; returns the wrapper."""
    runner = app.listener_runner
    durable = DurableLazyRunner(app, runner.listener_executor, deps)
    runner.lazy_listener_runner = durable
    return durable
