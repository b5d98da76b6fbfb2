"""The stand-in enforces chat.postMessage's limits: 1 message/s in a channel, a workspace cap."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_standin import StandinSlack
from bot.slack_standin.ratelimits import RateLimiter, RateLimits


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def furnished(server: StandinSlack) -> StandinSlack:
    """The channels (the bot in each) and the user these tests post to."""
    for number in range(10):
        server.add_channel(f"C{number}", f"channel-{number}")
        server.invite_bot(f"C{number}")
    server.add_user("UALICE0001", "Alice")
    return server


@pytest.fixture
def limited(clock: FakeClock) -> Iterator[StandinSlack]:
    # No burst in a channel, so that one second is the whole story.
    limits = RateLimits(per_channel=1.0, channel_burst=1.0, workspace=5.0, clock=clock)
    server = furnished(StandinSlack(rate_limits=limits).start())
    yield server
    server.stop()


def client_for(server: StandinSlack) -> WebClient:
    client = WebClient(token="xoxb-test", base_url=server.api_url)
    client.retry_handlers = []
    return client


def test_second_message_in_a_channel_within_a_second_gets_429_with_retry_after(
    limited: StandinSlack, clock: FakeClock
) -> None:
    client = client_for(limited)
    assert client.chat_postMessage(channel="C1", text="one")["ok"]
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="C1", text="two")
    assert refused.value.response.status_code == 429
    assert refused.value.response["error"] == "ratelimited"
    assert refused.value.response.headers["Retry-After"] == "1"
    assert client.chat_postMessage(channel="C2", text="elsewhere")["ok"]
    clock.now += 1.0
    assert client.chat_postMessage(channel="C1", text="two, later")["ok"]


def test_a_user_id_and_its_dm_are_one_channel(limited: StandinSlack) -> None:
    client = client_for(limited)
    channel = client.chat_postMessage(channel="UALICE0001", text="hi")["channel"]
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel=channel, text="again")


def test_workspace_cap_refuses_past_the_burst_and_refills_over_time(limited: StandinSlack, clock: FakeClock) -> None:
    client = client_for(limited)
    for number in range(5):
        assert client.chat_postMessage(channel=f"C{number}", text="burst")["ok"]
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="C9", text="one too many")
    assert refused.value.response.status_code == 429
    clock.now += 0.2  # one token at 5 a second
    assert client.chat_postMessage(channel="C9", text="now")["ok"]
    posted = limited.calls_to("chat.postMessage")
    assert [call.ok for call in posted] == [True] * 5 + [False, True]
    assert posted[5].response["status"] == 429
    assert (limited.rate_limiter.accepted, limited.rate_limiter.refused) == (6, 1)


def test_refused_messages_are_not_stored_in_the_history(limited: StandinSlack) -> None:
    client = client_for(limited)
    client.chat_postMessage(channel="C1", text="kept")
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C1", text="refused")
    assert [m["text"] for m in client.conversations_history(channel="C1")["messages"]] == ["kept"]


def test_retry_after_rounds_the_wait_up_to_whole_seconds(clock: FakeClock) -> None:
    limiter = RateLimiter(RateLimits(per_channel=1.0, workspace=0.25, burst=1, clock=clock))
    assert limiter.admit("C1") is None
    assert limiter.admit("C2") == 4.0  # the next token comes in 4 s
    clock.now += 3.5
    assert limiter.admit("C2") == 1.0
    clock.now += 0.5
    assert limiter.admit("C2") is None


def test_by_default_a_channel_takes_a_short_burst_then_one_message_a_second() -> None:
    server = furnished(StandinSlack().start())
    try:
        client = client_for(server)
        assert all(client.chat_postMessage(channel="C1", text=str(n))["ok"] for n in range(3))
        with pytest.raises(SlackApiError) as refused:
            client.chat_postMessage(channel="C1", text="fourth")
        assert refused.value.response.status_code == 429
        assert server.rate_limiter.limits.per_channel == 1.0
    finally:
        server.stop()
