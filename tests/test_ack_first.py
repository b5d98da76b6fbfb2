"""Acknowledging never waits: not for earlier requests' replies, not for the database."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from bot.commands import covenant
from bot.db.engine import SessionFactory
from bot.db.models import ProcessedEvent
from bot.interaction import Ask, Outcome
from bot.standin import requests as slack_requests
from tests.conftest import person
from tests.harness import SlackHarness

if TYPE_CHECKING:
    pass


def test_commands_are_acknowledged_while_earlier_replies_are_still_being_built(
    slack: SlackHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real_run = covenant.run

    def slow_run(ask: Ask, text: str) -> Outcome:
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
