"""The stand-in refuses what Slack refuses and limits what Slack limits, seen through a real slack_sdk WebClient.

These stand-ins run with ``strict=False``: the tests here are about Block Kit and rate limits alone (channels,
users, trigger ids, tokens and messages are tests/unit/test_standin_strict.py's), so a made-up channel or a
message never posted does not hide the rule under test."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_standin import StandinSlack
from bot.slack_standin.ratelimits import SLACK_LIMITS, TIER_3, TIER_4, RateLimits


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def slack(fake_clock: FakeClock) -> Iterator[StandinSlack]:
    """A stand-in with Slack's own limits, on a clock the test moves."""
    server = StandinSlack(rate_limits=replace(SLACK_LIMITS, clock=fake_clock), strict=False).start()
    yield server
    server.stop()


def client_for(server: StandinSlack) -> WebClient:
    client = WebClient(token="xoxb-test", base_url=server.api_url)
    client.retry_handlers = []
    return client


def plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}


def refusal(call: Any) -> tuple[int, str]:
    with pytest.raises(SlackApiError) as refused:
        call()
    return refused.value.response.status_code, str(refused.value.response["error"])


# -- Block Kit ---------------------------------------------------------------------------------------------------


def test_header_with_mrkdwn_text_is_invalid_blocks(slack: StandinSlack) -> None:
    client = client_for(slack)
    header = {"type": "header", "text": {"type": "mrkdwn", "text": "*Agenda*"}}
    assert refusal(lambda: client.chat_postMessage(channel="C1", text="t", blocks=[header])) == (
        200,
        "invalid_blocks",
    )
    assert [call.method for call in slack.limit_violations()] == ["chat.postMessage"]
    assert "C1" not in slack.messages


def test_duplicate_block_ids_in_one_message_or_view_are_invalid_blocks(slack: StandinSlack) -> None:
    client = client_for(slack)
    twice = [{"type": "section", "block_id": "b", "text": plain("one")}] * 2
    assert refusal(lambda: client.chat_postMessage(channel="C1", text="t", blocks=twice))[1] == "invalid_blocks"
    home = {"type": "home", "blocks": twice}
    assert refusal(lambda: client.views_publish(user_id="U1", view=home))[1] == "invalid_blocks"
    distinct = [{"type": "section", "block_id": f"b{n}", "text": plain("x")} for n in range(2)]
    assert client.chat_postMessage(channel="C1", text="t", blocks=distinct)["ok"]


def test_option_text_over_75_characters_is_invalid_blocks(slack: StandinSlack) -> None:
    client = client_for(slack)

    def select(text: str) -> list[dict[str, Any]]:
        option = {"text": plain(text), "value": "v"}
        element = {"type": "static_select", "action_id": "pick", "options": [option]}
        return [{"type": "section", "text": plain("pick"), "accessory": element}]

    assert client.chat_postMessage(channel="C1", text="t", blocks=select("o" * 75))["ok"]
    assert refusal(lambda: client.chat_postMessage(channel="C2", text="t", blocks=select("o" * 76)))[1] == (
        "invalid_blocks"
    )


def test_modal_without_title_is_invalid_arguments(slack: StandinSlack) -> None:
    client = client_for(slack)
    view = {"type": "modal", "blocks": [{"type": "section", "text": plain("x")}]}
    assert refusal(lambda: client.views_open(trigger_id="1.2.3", view=view))[1] == "invalid_arguments"
    assert [call.response["error"] for call in slack.limit_violations()] == ["invalid_arguments"]


def test_modal_with_inputs_needs_a_submit_button(slack: StandinSlack) -> None:
    client = client_for(slack)
    field = {"type": "input", "block_id": "f", "label": plain("Name"), "element": {"type": "plain_text_input"}}
    view: dict[str, Any] = {"type": "modal", "title": plain("Form"), "blocks": [field]}
    assert refusal(lambda: client.views_open(trigger_id="1.2.3", view=view))[1] == "invalid_arguments"
    assert client.views_open(trigger_id="1.2.4", view={**view, "submit": plain("Save")})["ok"]


def test_a_modal_cannot_be_published_to_the_home_tab(slack: StandinSlack) -> None:
    client = client_for(slack)
    modal = {"type": "modal", "title": plain("Hi"), "blocks": []}
    assert refusal(lambda: client.views_publish(user_id="U1", view=modal))[1] == "invalid_arguments"
    assert client.views_publish(user_id="U1", view={"type": "home", "blocks": []})["ok"]


def test_blocks_without_fallback_text_are_accepted_with_a_warning(slack: StandinSlack) -> None:
    client = client_for(slack)
    with pytest.warns(UserWarning):  # slack_sdk's own client-side warning about the missing text
        answer = client.chat_postMessage(channel="C1", blocks=[{"type": "section", "text": plain("hi")}])
    assert answer["ok"] and answer["warning"] == "missing_text_fallback"
    assert answer["response_metadata"]["warnings"] == ["missing_text_fallback"]
    assert slack.messages["C1"] and slack.limit_violations() == []
    assert [call.method for call in slack.warnings()] == ["chat.postMessage"]


def test_long_block_text_is_a_warning_not_a_refusal(slack: StandinSlack) -> None:
    client = client_for(slack)
    blocks = [{"type": "section", "block_id": f"s{n}", "text": plain("y" * 2900)} for n in range(5)]
    answer = client.chat_postMessage(channel="C1", text="t", blocks=blocks)
    assert answer["ok"] and answer["warning"] == "msg_blocks_too_long_risk"


# -- rate limits ---------------------------------------------------------------------------------------------------


def test_post_message_takes_a_short_burst_per_channel_then_one_a_second(
    slack: StandinSlack, fake_clock: FakeClock
) -> None:
    client = client_for(slack)
    assert all(client.chat_postMessage(channel="C1", text=str(n))["ok"] for n in range(3))
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="C1", text="too soon")
    assert refused.value.response.status_code == 429
    assert refused.value.response.headers["Retry-After"] == "1"
    assert client.chat_postMessage(channel="C2", text="another channel")["ok"]
    fake_clock.now += 1.0
    assert client.chat_postMessage(channel="C1", text="a second later")["ok"]


def test_post_message_has_a_workspace_cap_across_channels(slack: StandinSlack, fake_clock: FakeClock) -> None:
    client = client_for(slack)
    cap = int(SLACK_LIMITS.bucket_size)
    assert all(client.chat_postMessage(channel=f"C{n}", text="x")["ok"] for n in range(cap))
    assert refusal(lambda: client.chat_postMessage(channel="CNEW", text="x"))[0] == 429
    fake_clock.now += 1.0 / SLACK_LIMITS.workspace
    assert client.chat_postMessage(channel="CNEW", text="x")["ok"]


@pytest.mark.parametrize(
    ("method", "per_minute", "call"),
    [
        ("users.info", TIER_4, lambda c: c.users_info(user="U1")),
        ("views.publish", TIER_4, lambda c: c.views_publish(user_id="U1", view={"type": "home", "blocks": []})),
        ("chat.postEphemeral", TIER_4, lambda c: c.chat_postEphemeral(channel="C1", user="U1", text="x")),
        ("conversations.open", TIER_3, lambda c: c.conversations_open(users="U1")),
        ("conversations.history", TIER_3, lambda c: c.conversations_history(channel="C1")),
        ("chat.update", TIER_3, lambda c: c.chat_update(channel="C1", ts="1.1", text="x")),
        ("reactions.add", TIER_3, lambda c: c.reactions_add(channel="C1", timestamp="1.1", name="eyes")),
    ],
)
def test_each_method_is_limited_per_its_tier(
    slack: StandinSlack, fake_clock: FakeClock, method: str, per_minute: float, call: Any
) -> None:
    client = client_for(slack)
    slack.add_user("U1", "Someone")
    for _ in range(int(per_minute)):
        call(client)
    status, error = refusal(lambda: call(client))
    assert (status, error) == (429, "ratelimited")
    assert slack.calls[-1].response["status"] == 429
    fake_clock.now += 60.0 / per_minute
    assert call(client)["ok"]
    assert slack.rate_limiter.refused_by_method == {method: 1}


def test_retry_after_says_when_the_next_call_of_the_method_is_allowed(
    slack: StandinSlack, fake_clock: FakeClock
) -> None:
    client = client_for(slack)
    for _ in range(int(TIER_3)):
        client.conversations_open(users="U1")
    with pytest.raises(SlackApiError) as refused:
        client.conversations_open(users="U1")
    assert refused.value.response.headers["Retry-After"] == "2"  # one call per 1.2 s at 50 a minute


def test_history_for_apps_distributed_outside_the_marketplace_is_one_call_a_minute(fake_clock: FakeClock) -> None:
    limits = RateLimits(distributed_outside_marketplace=True, clock=fake_clock)
    server = StandinSlack(rate_limits=limits, strict=False).start()
    try:
        client = client_for(server)
        assert client.conversations_history(channel="C1")["ok"]
        with pytest.raises(SlackApiError) as refused:
            client.conversations_history(channel="C1")
        assert refused.value.response.headers["Retry-After"] == "60"
        assert client.conversations_open(users="U1")["ok"]  # other methods keep their tier
    finally:
        server.stop()


def test_raised_limits_are_explicit_multiples_of_slacks() -> None:
    raised = SLACK_LIMITS.raised(10)
    assert raised.per_channel == 10 * SLACK_LIMITS.per_channel
    assert raised.workspace == 10 * SLACK_LIMITS.workspace
    assert raised.per_minute("users.info") == 10 * TIER_4
    server = StandinSlack(rate_limits=raised, strict=False).start()
    try:
        client = client_for(server)
        assert all(client.chat_postMessage(channel="C1", text=str(n))["ok"] for n in range(30))
    finally:
        server.stop()


def test_response_urls_are_not_rate_limited_like_web_api_methods(slack: StandinSlack) -> None:
    for _ in range(5):
        request = urllib.request.Request(slack.response_url(), data=b'{"text": "x"}', method="POST")
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request) as answer:
            assert answer.status == 200
    assert slack.rate_limiter.refused == 0
