"""Acknowledging never waits: not for earlier requests' replies, not for the database."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, cast

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select

from bot import after_ack
from bot.after_ack import InlineRunner, ProcessRunner, ThreadRunner, request_activity
from bot.commands import covenant
from bot.commands.context import Ask
from bot.db.engine import SessionFactory
from bot.db.models import ProcessedEvent
from bot.render.blocks import Reply
from bot.standin import Call, StandinSlack
from bot.standin import requests as slack_requests
from config.settings import Settings
from tests.conftest import person
from tests.harness import SlackHarness

if TYPE_CHECKING:
    from bot.app import Deps


def test_commands_are_acknowledged_while_earlier_replies_are_still_being_built(
    slack: SlackHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real_run = covenant.run

    def slow_run(ask: Ask, text: str) -> Reply:
        release.wait(10)
        return real_run(ask, text)

    monkeypatch.setattr(covenant, "run", slow_run)
    user = person("emma").slack_user_id
    urls = [slack.standin.response_url() for _ in range(12)]  # more than Bolt's own five listener threads

    def send(url: str) -> tuple[int, float]:
        body = slack_requests.slash_command("/covenant", "status goud", user_id=user, response_url=url)
        started = time.monotonic()
        answer = slack.signed(body, slack_requests.FORM)
        return answer.status, time.monotonic() - started

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(send, urls))
    assert all(status == 200 for status, _ in answers)
    assert max(seconds for _, seconds in answers) < 2.0, answers
    assert slack.standin.calls_to("response_url") == []
    release.set()
    for url in urls:
        assert "Gold" in slack.wait_response(url).args["text"]


def test_messages_not_for_the_bot_write_nothing(slack: SlackHarness, session_factory: SessionFactory) -> None:
    chatter = {"type": "message", "channel_type": "channel", "user": "U1", "text": "hi", "channel": "C1", "ts": "1.1"}
    assert slack.event(chatter, event_id="EvCHATTER001").status == 200
    time.sleep(0.3)
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == 0


def test_a_retry_is_dropped_after_the_ack(slack: SlackHarness, session_factory: SessionFactory) -> None:
    event = {
        "type": "app_mention",
        "user": person("emma").slack_user_id,
        "text": "<@UBOTCOVENANT> status goud",
        "channel": "C1",
        "ts": "1.7",
    }
    assert slack.event(event, event_id="EvRETRIED001").status == 200
    slack.standin.wait_for("chat.postEphemeral")
    assert slack.event(event, event_id="EvRETRIED001", retry=1).status == 200
    time.sleep(0.3)
    assert len(slack.standin.calls_to("chat.postEphemeral")) == 1
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == 1


def _fail(deps: Deps, client: WebClient, payload: dict[str, Any]) -> None:
    raise RuntimeError("boom")


def _note_thread(deps: Deps, client: WebClient, payload: dict[str, Any]) -> None:
    payload["ran"].append(threading.current_thread().name)
    payload["done"].set()


def _post_whereabouts(deps: Deps, client: WebClient, payload: dict[str, Any]) -> None:
    """Runs in the reply process: tell the stand-in which process ran it, at what priority, with which Deps."""
    client.chat_postMessage(
        channel=payload["channel"],
        text=f"{os.getpid()} {os.nice(0)} {deps.settings.database_url == payload['database_url']}",
    )


def test_thread_runner_runs_work_on_its_pool_and_logs_failures(caplog: pytest.LogCaptureFixture) -> None:
    runner = ThreadRunner(threads=1)  # one thread: the failure is logged before the second job runs
    runner.bind(cast("Deps", object()), cast(WebClient, object()))
    done = threading.Event()
    ran: list[str] = []
    with caplog.at_level(logging.ERROR, logger="bot.after_ack"):
        runner(_fail, {})
        runner(_note_thread, {"ran": ran, "done": done})
        assert done.wait(5)
    runner.close()
    assert ran[0].startswith("reply")
    assert "work after the ack failed: _fail" in caplog.text


def test_inline_runner_runs_work_at_once() -> None:
    runner = InlineRunner()
    runner.bind(cast("Deps", object()), cast(WebClient, object()))
    ran: list[str] = []
    runner(_note_thread, {"ran": ran, "done": threading.Event()})
    assert ran == [threading.current_thread().name]


def _posted_to(standin: StandinSlack, channel: str) -> list[Call]:
    return [call for call in standin.calls_to("chat.postMessage") if call.args.get("channel") == channel]


def _whereabouts(standin: StandinSlack, channel: str, timeout: float = 60.0) -> tuple[int, int, str]:
    deadline = time.monotonic() + timeout
    while not _posted_to(standin, channel):
        assert time.monotonic() < deadline, f"nothing posted to {channel}"
        time.sleep(0.05)
    pid, niceness, same_database = str(_posted_to(standin, channel)[0].args["text"]).split()
    return int(pid), int(niceness), same_database


def test_process_runner_replies_from_a_lower_priority_process_and_survives_its_death(
    settings: Settings, standin: StandinSlack
) -> None:
    runner = ProcessRunner(settings, niceness=5)
    try:
        reply_pid = runner.start()
        payload = {"database_url": settings.database_url}
        runner(_post_whereabouts, {**payload, "channel": "D1"})
        pid, niceness, same_database = _whereabouts(standin, "D1")
        assert (pid, niceness, same_database) == (reply_pid, os.nice(0) + 5, "True")
        assert pid != os.getpid()
        assert os.sched_getscheduler(pid) == os.SCHED_IDLE

        os.kill(reply_pid, signal.SIGKILL)  # what it held is lost; the next replies get a new process
        deadline = time.monotonic() + 60
        while not _posted_to(standin, "D2"):
            assert time.monotonic() < deadline, "no reply process came back"
            runner(_post_whereabouts, {**payload, "channel": "D2"})
            time.sleep(0.5)
        new_pid, _, _ = _whereabouts(standin, "D2")
        assert new_pid not in (reply_pid, os.getpid())
    finally:
        runner.close()


def _start_request() -> None:
    request_activity().started()


def test_request_activity_made_before_forking_is_shared_by_the_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(after_ack, "_shared_activity", None)
    after_ack.share_between_workers()  # gunicorn's on_starting, in the master (config/gunicorn.py)
    activity = request_activity()
    assert activity.quiet()
    worker = multiprocessing.get_context("fork").Process(target=_start_request)
    worker.start()
    worker.join(10)
    assert worker.exitcode == 0
    assert not activity.quiet()  # a request in flight in another worker holds this instance's replies back
    activity.finished()
    assert not activity.quiet()  # ... and so does one that ended less than QUIET_S ago
    time.sleep(after_ack.QUIET_S)
    assert activity.quiet()
