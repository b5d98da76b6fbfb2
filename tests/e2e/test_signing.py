"""Every request is verified: Slack's worked example, and forged, stale or unsigned requests get 401."""

from __future__ import annotations

import time

import pytest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from bot.db.engine import SessionFactory
from bot.db.models import ProcessedEvent, SlackProfile
from bot.slack_standin import requests as slack_requests
from tests.support.demo import person
from tests.support.harness import SlackHarness

SLACK_EXAMPLE_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_EXAMPLE_TIMESTAMP = 1531420618
SLACK_EXAMPLE_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
SLACK_EXAMPLE_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


def test_slacks_worked_signing_example() -> None:
    headers = slack_requests.sign(SLACK_EXAMPLE_SECRET, SLACK_EXAMPLE_BODY, SLACK_EXAMPLE_TIMESTAMP)
    assert headers["X-Slack-Signature"] == SLACK_EXAMPLE_SIGNATURE
    verifier = SignatureVerifier(SLACK_EXAMPLE_SECRET, clock=type("C", (), {"now": lambda self: 1531420618.0})())
    assert verifier.is_valid(SLACK_EXAMPLE_BODY, str(SLACK_EXAMPLE_TIMESTAMP), SLACK_EXAMPLE_SIGNATURE)


def _state(session_factory: SessionFactory) -> tuple[int, int]:
    with session_factory() as session:
        return (
            session.scalar(select(func.count()).select_from(ProcessedEvent)) or 0,
            session.scalar(select(func.count()).select_from(SlackProfile)) or 0,
        )


def _command_body(slack: SlackHarness) -> str:
    return slack_requests.slash_command(
        "/covenant",
        "status textiel",
        user_id=person("emma").slack_user_id,
        response_url=slack.standin.response_url(),
    )


@pytest.mark.parametrize(
    "case",
    ["unsigned", "wrong_secret", "stale", "future", "body_changed", "no_timestamp", "garbage_signature"],
)
def test_bad_requests_get_401_and_change_nothing(
    slack: SlackHarness, session_factory: SessionFactory, case: str
) -> None:
    before = _state(session_factory)
    body = _command_body(slack)
    now = int(time.time())
    if case == "unsigned":
        headers: dict[str, str] = {}
    elif case == "wrong_secret":
        headers = slack_requests.sign("not-the-secret", body)
    elif case == "stale":
        headers = slack_requests.sign(slack.secret, body, now - 330)  # over 5 minutes, with a margin for a slow send
    elif case == "future":
        headers = slack_requests.sign(slack.secret, body, now + 330)
    elif case == "body_changed":
        headers = slack_requests.sign(slack.secret, body)
        body = body.replace("textiel", "metaal")
    elif case == "no_timestamp":
        headers = {"X-Slack-Signature": slack_requests.sign(slack.secret, body)["X-Slack-Signature"]}
    else:
        headers = {"X-Slack-Request-Timestamp": str(now), "X-Slack-Signature": "v0=" + "0" * 64}
    answer = slack.post(body, slack_requests.FORM, headers)
    assert answer.status == 401
    event_body = slack_requests.event_callback({"type": "app_mention", "user": "UX", "text": "hi", "channel": "C1"})
    assert slack.post(event_body, slack_requests.JSON, {**headers}).status == 401
    time.sleep(0.1)
    assert _state(session_factory) == before
    assert slack.standin.calls == []


def test_a_request_within_five_minutes_is_accepted(slack: SlackHarness) -> None:
    body = _command_body(slack)
    assert slack.signed(body, slack_requests.FORM, int(time.time()) - 290).status == 200
