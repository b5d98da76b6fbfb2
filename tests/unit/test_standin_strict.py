"""The stand-in refuses what Slack refuses: each case through a real slack_sdk WebClient."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_standin import StandinSlack

ANNE, BOB, GONE = "UANNE00001", "UBOB000001", "UGONE00001"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def standin(clock: Clock) -> Iterator[StandinSlack]:
    server = StandinSlack().start()
    server.workspace.clock = clock
    server.add_user(ANNE, "Anne")
    server.add_user(BOB, "Bob")
    server.add_user(GONE, "Gone Person", deleted=True)
    server.add_channel("CIN0000001", "in", members=[ANNE])
    server.invite_bot("CIN0000001")
    server.add_channel("COUT000001", "out", members=[ANNE])
    server.add_channel("CPRIV00001", "secret", private=True, members=[ANNE])
    server.add_channel("COLD000001", "old", archived=True, members=[ANNE])
    yield server
    server.stop()


@pytest.fixture
def client(standin: StandinSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=standin.api_url)


def refused(call: Any, *positional: Any, **arguments: Any) -> str:
    with pytest.raises(SlackApiError) as raised:
        call(*positional, **arguments)
    return str(raised.value.response["error"])


def test_posting_needs_the_bot_in_a_known_open_channel(client: WebClient, standin: StandinSlack) -> None:
    assert client.chat_postMessage(channel="CIN0000001", text="hi")["ok"]
    assert refused(client.chat_postMessage, channel="COUT000001", text="hi") == "not_in_channel"
    assert refused(client.chat_postMessage, channel="CNOWHERE01", text="hi") == "channel_not_found"
    assert refused(client.chat_postMessage, channel="COLD000001", text="hi") == "is_archived"
    # A private channel the bot was not invited to does not exist for it.
    assert refused(client.chat_postMessage, channel="CPRIV00001", text="hi") == "channel_not_found"
    standin.invite_bot("COUT000001")
    assert client.chat_postMessage(channel="COUT000001", text="hi")["ok"]


def test_every_channel_method_checks_the_channel(client: WebClient) -> None:
    assert refused(client.chat_postEphemeral, channel="COUT000001", user=ANNE, text="x") == "not_in_channel"
    assert refused(client.chat_update, channel="COUT000001", ts="1.1", text="x") == "not_in_channel"
    assert refused(client.chat_delete, channel="CNOWHERE01", ts="1.1") == "channel_not_found"
    assert refused(client.chat_getPermalink, channel="COLD000001", message_ts="1.1") == "is_archived"
    assert refused(client.conversations_history, channel="COUT000001") == "not_in_channel"
    assert refused(client.reactions_add, channel="COUT000001", timestamp="1.1", name="memo") == "not_in_channel"
    upload = client.files_getUploadURLExternal(filename="a.txt", length=1)
    urllib.request.urlopen(urllib.request.Request(upload["upload_url"], data=b"x", method="POST")).read()
    files = [{"id": upload["file_id"], "title": "a"}]
    error = refused(client.files_completeUploadExternal, files=files, channel_id="COUT000001")
    assert error == "not_in_channel"


def test_conversations_join_and_invite_let_the_bot_in(client: WebClient, standin: StandinSlack) -> None:
    assert client.conversations_join(channel="COUT000001")["ok"]
    assert client.chat_postMessage(channel="COUT000001", text="hi")["ok"]
    assert refused(client.conversations_join, channel="CPRIV00001") == "method_not_supported_for_channel_type"
    assert refused(client.conversations_join, channel="COLD000001") == "is_archived"
    standin.invite_bot("CPRIV00001")
    assert client.chat_postMessage(channel="CPRIV00001", text="hi")["ok"]


def test_an_ephemeral_goes_only_to_a_member_of_the_channel(client: WebClient) -> None:
    assert client.chat_postEphemeral(channel="CIN0000001", user=ANNE, text="x")["ok"]
    assert refused(client.chat_postEphemeral, channel="CIN0000001", user=BOB, text="x") == "user_not_in_channel"


def test_dms_work_by_user_id_and_by_the_opened_id(client: WebClient) -> None:
    assert client.chat_postMessage(channel=ANNE, text="hi")["ok"]
    dm = client.conversations_open(users=ANNE)["channel"]["id"]
    assert dm.startswith("D")
    posted = client.chat_postMessage(channel=dm, text="hi")
    assert client.chat_update(channel=dm, ts=posted["ts"], text="edited")["ok"]
    assert refused(client.chat_postMessage, channel="UNOBODY001", text="hi") == "channel_not_found"
    assert refused(client.chat_postMessage, channel="DNOBODY001", text="hi") == "channel_not_found"


def test_unknown_and_deactivated_users(client: WebClient) -> None:
    assert refused(client.users_info, user="UNOBODY001") == "user_not_found"
    assert refused(client.conversations_open, users="UNOBODY001") == "user_not_found"
    # Slack answers users.info of a deactivated person with ok and deleted: true (not account_inactive, which is
    # about the calling token) and refuses conversations.open with user_disabled.
    assert client.users_info(user=GONE)["user"]["deleted"] is True
    assert refused(client.conversations_open, users=GONE) == "user_disabled"
    assert refused(client.chat_postMessage, channel=GONE, text="hi") == "user_disabled"


def test_a_trigger_id_is_good_once_for_three_seconds(client: WebClient, standin: StandinSlack, clock: Clock) -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "T"}, "blocks": []}
    trigger = standin.trigger_id()
    assert client.views_open(trigger_id=trigger, view=view)["ok"]
    assert refused(client.views_open, trigger_id=trigger, view=view) == "exchanged_trigger_id"
    late = standin.trigger_id()
    clock.now += 3.5
    assert refused(client.views_push, trigger_id=late, view=view) == "expired_trigger_id"
    assert refused(client.views_open, trigger_id="1.2.trigger", view=view) == "invalid_trigger_id"


def _respond(url: str) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url, data=json.dumps({"text": "x"}).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_response_url_takes_five_uses_within_thirty_minutes(standin: StandinSlack, clock: Clock) -> None:
    url = standin.response_url()
    assert [_respond(url)[0] for _ in range(5)] == [200] * 5
    assert _respond(url) == (404, {"ok": False, "error": "used_url"})
    old = standin.response_url()
    clock.now += 30 * 60 + 1
    assert _respond(old) == (404, {"ok": False, "error": "expired_url"})


def test_messages_must_exist_to_be_updated_deleted_linked_or_reacted_to(client: WebClient) -> None:
    posted = client.chat_postMessage(channel="CIN0000001", text="hi")
    ts = posted["ts"]
    assert refused(client.chat_update, channel="CIN0000001", ts="1.000001", text="x") == "message_not_found"
    assert refused(client.chat_getPermalink, channel="CIN0000001", message_ts="1.000001") == "message_not_found"
    assert refused(client.reactions_add, channel="CIN0000001", timestamp="1.000001", name="memo") == "message_not_found"
    assert client.chat_getPermalink(channel="CIN0000001", message_ts=ts)["ok"]
    assert client.reactions_add(channel="CIN0000001", timestamp=ts, name="memo")["ok"]
    assert refused(client.reactions_add, channel="CIN0000001", timestamp=ts, name="memo") == "already_reacted"
    assert refused(client.reactions_add, channel="CIN0000001", timestamp=ts, name="no_such_emoji") == "invalid_name"
    assert client.chat_delete(channel="CIN0000001", ts=ts)["ok"]
    assert refused(client.chat_delete, channel="CIN0000001", ts=ts) == "message_not_found"


def test_a_person_s_message_can_be_reacted_to(client: WebClient, standin: StandinSlack) -> None:
    standin.user_message("CIN0000001", ANNE, "my reply", "1700000000.000100")
    assert client.reactions_add(channel="CIN0000001", timestamp="1700000000.000100", name="memo")["ok"]


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_text_rules(client: WebClient) -> None:
    assert refused(client.chat_postMessage, channel="CIN0000001") == "no_text"
    assert refused(client.chat_postEphemeral, channel="CIN0000001", user=ANNE) == "no_text"
    ts = client.chat_postMessage(channel="CIN0000001", text="hi")["ts"]
    assert refused(client.chat_update, channel="CIN0000001", ts=ts) == "no_text"
    assert refused(client.chat_update, channel="CIN0000001", ts=ts, text="x" * 4001) == "msg_too_long"
    assert client.chat_update(channel="CIN0000001", ts=ts, text="x" * 4000)["ok"]


@pytest.mark.parametrize(
    ("metadata", "error"),
    [
        ("not json", "invalid_metadata_format"),
        ([1, 2], "invalid_metadata_format"),
        ({"event_type": "x"}, "invalid_metadata_format"),
        ({"event_payload": {}}, "invalid_metadata_format"),
        ({"event_type": "has space", "event_payload": {}}, "invalid_metadata_schema"),
        ({"event_type": "ok_type", "event_payload": "text"}, "invalid_metadata_schema"),
    ],
)
def test_malformed_metadata_is_refused(standin: StandinSlack, metadata: Any, error: str) -> None:
    body = {"channel": "CIN0000001", "text": "hi", "metadata": metadata}
    request = urllib.request.Request(
        standin.api_url + "chat.postMessage",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": "Bearer xoxb-test"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        assert json.loads(response.read()) == {"ok": False, "error": error}


def test_good_metadata_is_kept(client: WebClient) -> None:
    metadata = {"event_type": "covenant_delivery", "event_payload": {"id": 1}}
    assert client.chat_postMessage(channel="CIN0000001", text="hi", metadata=metadata)["ok"]


def test_calls_need_a_valid_token(standin: StandinSlack) -> None:
    assert refused(WebClient(base_url=standin.api_url).auth_test) == "not_authed"
    assert refused(WebClient(token="not-a-token", base_url=standin.api_url).auth_test) == "invalid_auth"
    standin.tokens = {"xoxb-only-this"}
    assert refused(WebClient(token="xoxb-test", base_url=standin.api_url).auth_test) == "invalid_auth"
    assert WebClient(token="xoxb-only-this", base_url=standin.api_url).auth_test()["ok"]


def test_an_upload_url_needs_a_name_and_a_length(client: WebClient) -> None:
    assert refused(client.api_call, "files.getUploadURLExternal", params={"filename": "a.txt"}) == "missing_argument"
    error = refused(client.api_call, "files.getUploadURLExternal", params={"filename": "a.txt", "length": 0})
    assert error == "invalid_arguments"
    assert client.files_getUploadURLExternal(filename="a.txt", length=3)["ok"]


def test_strictness_can_be_turned_off(standin: StandinSlack) -> None:
    loose = StandinSlack(strict=False).start()
    try:
        assert WebClient(token="x", base_url=loose.api_url).chat_postMessage(channel="CANY", text="hi")["ok"]
    finally:
        loose.stop()
