"""Acknowledged work is recorded before the ack, finished once, and taken over when its process died."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from datetime import timedelta
from typing import Any

import pytest
from slack_bolt import Ack, App, Respond
from sqlalchemy import select

from bot.app import create_app, make_web_client
from bot.bolt_request import bolt_request
from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.models import AckedWork, ProcessedEvent
from bot.delivery import Sweeper
from bot.deps import Deps
from bot.entry.web import create_flask_app
from bot.services import acked_work
from bot.slack_standin import StandinSlack
from bot.slack_standin import requests as slack_requests
from config.settings import Settings
from handlers import durable
from handlers.durable import DurableLazyRunner, answer_once
from tests.support.demo import SIGNING_SECRET, person
from tests.support.harness import AppServer, SlackHarness

EMMA = person("emma").slack_user_id
LEASE = acked_work.LEASE  # the default ACKED_WORK_LEASE_SECONDS


class KilledAfterTheAck(Executor):
    """An executor whose process dies right after the ack: the work it is handed never runs."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return Future()


def _records(session_factory: SessionFactory) -> list[AckedWork]:
    with session_factory() as session:
        return list(session.scalars(select(AckedWork).order_by(AckedWork.id)))


def _answers(standin: StandinSlack, response_url: str) -> list[str]:
    path = response_url.removeprefix(standin.base_url)
    return [str(call.args.get("text")) for call in standin.calls if call.path == path]


@pytest.fixture
def workers(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack
) -> Iterator[tuple[SlackHarness, DurableLazyRunner]]:
    """The real app served by a worker that dies after each ack, and a second worker (another process) that
    survives: its runner takes over."""
    dying = create_app(settings, session_factory=session_factory, client=make_web_client(settings), clock=clock)
    runner = dying.listener_runner.lazy_listener_runner
    assert isinstance(runner, DurableLazyRunner)
    runner.executor = KilledAfterTheAck()
    server = AppServer(create_flask_app(dying, session_factory, SIGNING_SECRET, clock))
    survivor = create_app(settings, session_factory=session_factory, client=make_web_client(settings), clock=clock)
    survivor_runner = survivor.listener_runner.lazy_listener_runner
    assert isinstance(survivor_runner, DurableLazyRunner)
    survivor_runner.worker = "survivor:2"
    yield SlackHarness(server, standin, SIGNING_SECRET), survivor_runner
    server.stop()


def test_work_left_by_a_dead_worker_is_taken_over_after_its_lease_and_answered_once(
    workers: tuple[SlackHarness, DurableLazyRunner], session_factory: SessionFactory, clock: ManualClock
) -> None:
    slack, survivor = workers
    response_url = slack.standin.response_url()
    body = slack_requests.slash_command("/covenant", "status textiel", user_id=EMMA, response_url=response_url)
    assert slack.signed(body, slack_requests.FORM).status == 200
    [record] = _records(session_factory)
    assert record.status == acked_work.PENDING and record.request is not None
    assert "token" not in record.request  # Slack's verification token is never stored
    assert survivor.take_over() == 0  # the lease has not expired: its worker may still be at it
    clock.advance(LEASE + timedelta(seconds=1))
    assert survivor.take_over() == 1
    [answer] = _answers(slack.standin, response_url)
    assert "Agreement on Sustainable Garments and Textile" in answer
    [record] = _records(session_factory)
    assert (record.status, record.claimed_by, record.attempts, record.request) == ("done", "survivor:2", 2, None)
    clock.advance(LEASE * 3)
    assert survivor.take_over() == 0
    assert len(_answers(slack.standin, response_url)) == 1


def test_a_forged_nul_in_a_field_is_recorded_without_it_and_still_taken_over(
    workers: tuple[SlackHarness, DurableLazyRunner], session_factory: SessionFactory, clock: ManualClock
) -> None:
    """PostgreSQL's jsonb refuses U+0000: a signed request with one in a field no one types (the fuzzer found
    team_domain) was run unrecorded there, so a crash would have lost its answer."""
    slack, survivor = workers
    response_url = slack.standin.response_url()
    body = slack_requests.slash_command("/covenant", "status textiel", user_id=EMMA, response_url=response_url)
    body = body.replace("team_domain=covenant", "team_domain=cove%00nant%00")
    assert slack.signed(body, slack_requests.FORM).status == 200
    [record] = _records(session_factory)
    assert record.request is not None and record.request["team_domain"] == "covenant"
    clock.advance(LEASE + timedelta(seconds=1))
    assert survivor.take_over() == 1
    [answer] = _answers(slack.standin, response_url)
    assert "Agreement on Sustainable Garments and Textile" in answer


def test_a_write_taken_over_twice_writes_once_and_answers_once(
    workers: tuple[SlackHarness, DurableLazyRunner], session_factory: SessionFactory, clock: ManualClock
) -> None:
    slack, survivor = workers
    response_url = slack.standin.response_url()
    sanne = person("sanne").slack_user_id
    body = slack_requests.slash_command(
        "/covenant", 'add-org "Zeewind Offshore BV" bedrijf', user_id=sanne, response_url=response_url
    )
    assert slack.signed(body, slack_requests.FORM).status == 200
    clock.advance(LEASE + timedelta(seconds=1))
    # Two survivors claim at once: one of them gets the record.
    other = DurableLazyRunner(survivor.app, survivor.executor, survivor.deps, worker="survivor:3")
    assert survivor.take_over() + other.take_over() == 1
    [answer] = _answers(slack.standin, response_url)
    assert "Zeewind Offshore BV" in answer
    with session_factory() as session:
        from bot.db.models import Organisation

        assert len(list(session.scalars(select(Organisation).where(Organisation.name == "Zeewind Offshore BV")))) == 1


# -- the runner itself, on a bare Bolt app --------------------------------------------------------------------------
class Flaky:
    """Lazy work that raises its first ``failures`` runs (after answering, when ``answer_first``)."""

    def __init__(self, failures: int, answer_first: bool = False) -> None:
        self.failures, self.answer_first, self.runs = failures, answer_first, 0

    def __call__(self, command: dict[str, Any], respond: Respond) -> None:
        self.runs += 1
        if self.answer_first:
            answer_once(lambda: respond(text=f"done: {command['text']}"))
        if self.runs <= self.failures:
            raise ConnectionError("Slack went away")
        if not self.answer_first:
            answer_once(lambda: respond(text=f"done: {command['text']}"))


def _bare_app(
    work: Flaky, settings: Settings, session_factory: SessionFactory, clock: ManualClock, sweeper: Sweeper
) -> tuple[App, DurableLazyRunner]:
    from bot.app import InlineExecutor

    app = App(
        client=make_web_client(settings),
        signing_secret=SIGNING_SECRET,
        request_verification_enabled=False,
        token_verification_enabled=False,
        process_before_response=True,
        listener_executor=InlineExecutor(),
    )

    def acknowledge(ack: Ack) -> None:
        ack()

    def flaky_work(command: dict[str, Any], respond: Respond) -> None:
        work(command, respond)

    app.command("/durable")(ack=acknowledge, lazy=[flaky_work])
    deps = Deps(settings=settings, session_factory=session_factory, clock=clock, sweeper=sweeper)
    return app, durable.install(app, deps)


def _send(app: App, standin: StandinSlack, text: str = "x") -> str:
    response_url = standin.response_url()
    body = slack_requests.slash_command("/durable", text, user_id=EMMA, response_url=response_url)
    response = app.dispatch(bolt_request(body, {"content-type": slack_requests.FORM}))
    assert response.status == 200
    return response_url


def test_work_that_raised_is_run_again_after_its_lease_and_answered_once(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, sweeper: Sweeper, standin: StandinSlack
) -> None:
    work = Flaky(failures=1)
    app, runner = _bare_app(work, settings, session_factory, clock, sweeper)
    response_url = _send(app, standin)
    [record] = _records(session_factory)
    assert (record.status, record.attempts, record.answered_at) == ("pending", 1, None)
    assert "Slack went away" in (record.last_error or "")
    assert runner.take_over() == 0  # it waits a lease before trying again
    clock.advance(LEASE + timedelta(seconds=1))
    assert runner.take_over() == 1
    assert (work.runs, _answers(standin, response_url)) == (2, ["done: x"])
    assert _records(session_factory)[0].status == "done"


def test_work_that_answered_then_raised_is_run_again_without_answering_again(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, sweeper: Sweeper, standin: StandinSlack
) -> None:
    work = Flaky(failures=1, answer_first=True)
    app, runner = _bare_app(work, settings, session_factory, clock, sweeper)
    response_url = _send(app, standin)
    clock.advance(LEASE + timedelta(seconds=1))
    assert runner.take_over() == 1
    assert (work.runs, _answers(standin, response_url)) == (2, ["done: x"])
    assert _records(session_factory)[0].status == "done"


def test_work_that_keeps_raising_is_given_up_after_three_runs_and_its_request_dropped(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, sweeper: Sweeper, standin: StandinSlack
) -> None:
    work = Flaky(failures=99)
    app, runner = _bare_app(work, settings, session_factory, clock, sweeper)
    response_url = _send(app, standin, "secret words")
    for _ in range(5):
        clock.advance(LEASE + timedelta(seconds=1))
        runner.take_over()
    assert work.runs == acked_work.MAX_ATTEMPTS
    [record] = _records(session_factory)
    assert (record.status, record.attempts, record.request) == ("failed", 3, None)
    assert _answers(standin, response_url) == []


def test_finished_work_is_never_run_again_and_is_forgotten_after_two_days(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, sweeper: Sweeper, standin: StandinSlack
) -> None:
    work = Flaky(failures=0)
    app, runner = _bare_app(work, settings, session_factory, clock, sweeper)
    response_url = _send(app, standin, "secret words")
    [record] = _records(session_factory)
    assert (record.status, record.request, record.finished_at) == ("done", None, clock.now())
    clock.advance(LEASE * 10)
    assert runner.take_over() == 0
    assert (work.runs, _answers(standin, response_url)) == (1, ["done: secret words"])
    with session_factory() as session:
        assert acked_work.forget_old(session, clock.now()) == 0
        assert acked_work.forget_old(session, clock.now() + acked_work.KEEP_FOR) == 1
    assert _records(session_factory) == []


def test_a_retried_event_is_recorded_and_run_once(
    slack: SlackHarness, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    event = {"type": "app_mention", "user": EMMA, "text": "<@UBOTCOVENANT> status goud", "channel": "C1", "ts": "1.7"}
    assert slack.event(event, event_id="EvDURABLE001").status == 200
    assert slack.event(event, event_id="EvDURABLE001", retry=1).status == 200
    standin.wait_for("chat.postEphemeral")
    time.sleep(0.3)
    assert len(standin.calls_to("chat.postEphemeral")) == 1
    [record] = _records(session_factory)
    assert (record.function, record.status) == ("on_mention", "done")
    with session_factory() as session:
        assert session.scalar(select(ProcessedEvent.event_id)) == "EvDURABLE001"


def test_channel_chatter_is_not_recorded(slack: SlackHarness, session_factory: SessionFactory) -> None:
    chatter = {"type": "message", "channel_type": "channel", "user": EMMA, "text": "hi", "channel": "C1", "ts": "1.1"}
    assert slack.event(chatter, event_id="EvCHATTER002").status == 200
    assert _records(session_factory) == []


def test_a_taken_over_event_is_answered_although_its_event_id_was_recorded(
    workers: tuple[SlackHarness, DurableLazyRunner], session_factory: SessionFactory, clock: ManualClock
) -> None:
    slack, survivor = workers
    event = {"type": "app_mention", "user": EMMA, "text": "<@UBOTCOVENANT> status goud", "channel": "C1", "ts": "1.8"}
    assert slack.event(event, event_id="EvKILLED0001").status == 200
    clock.advance(LEASE + timedelta(seconds=1))
    assert survivor.take_over() == 1
    assert len(slack.standin.calls_to("chat.postEphemeral")) == 1
