"""The stand-in's files_upload_v2 flow and image blocks with ``slack_file``: as Slack takes and refuses them, each
case through a real slack_sdk WebClient."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_standin import StandinSlack
from bot.slack_standin.workspace import dm_id

ANNE = "UANNE00001"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def standin() -> Iterator[StandinSlack]:
    server = StandinSlack().start()
    server.add_user(ANNE, "Anne")
    server.add_channel("CIN0000001", "in", members=[ANNE])
    server.invite_bot("CIN0000001")
    server.add_channel("COUT000001", "out", members=[ANNE])
    server.add_channel("CPRIV00001", "secret", private=True, members=[ANNE])
    yield server
    server.stop()


@pytest.fixture
def client(standin: StandinSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=standin.api_url)


def error_of(call: Any) -> str:
    with pytest.raises(SlackApiError) as raised:
        call()
    return str(raised.value.response["error"])


def image(file_id: str, alt: str = "A chart: 3 of 5 plans handed in.") -> dict[str, Any]:
    return {"type": "image", "slack_file": {"id": file_id}, "alt_text": alt}


def upload_png(client: WebClient, **where: Any) -> str:
    done = client.files_upload_v2(content=PNG, filename="chart.png", title="Chart", **where)
    return str(done["files"][0]["id"])


def test_upload_into_a_dm_keeps_the_bytes_and_posts_the_file_there(client: WebClient, standin: StandinSlack) -> None:
    dm = dm_id(ANNE)
    file_id = upload_png(client, channel=dm, initial_comment="Your chart")
    assert standin.file_bytes(file_id) == PNG
    info = client.files_info(file=file_id)["file"] if "files:read" in standin.scopes else None
    assert standin.files[file_id]["mimetype"] == "image/png"
    assert standin.files[file_id]["shared_in"] == {dm}
    assert info is None or info["ims"] == [dm]
    [posted] = standin.messages[dm]
    assert posted["text"] == "Your chart" and posted["files"][0]["id"] == file_id


def test_an_image_block_shows_a_file_shared_where_it_is_posted(client: WebClient) -> None:
    file_id = upload_png(client, channel=ANNE)
    answer = client.chat_postMessage(channel=ANNE, text="chart", blocks=[image(file_id)])
    assert answer["ok"]


@pytest.mark.parametrize(
    ("block", "why"),
    [
        ({"type": "image", "slack_file": {"id": "{id}"}}, "without alt_text"),
        ({"type": "image", "slack_file": {"id": "{id}"}, "alt_text": "x" * 2001}, "alt_text longer"),
        ({"type": "image", "alt_text": "a"}, "exactly one of image_url"),
        ({"type": "image", "image_url": "https://e.org/a.png", "slack_file": {"id": "{id}"}, "alt_text": "a"}, "one"),
        ({"type": "image", "slack_file": {"id": "{id}", "url": "https://x"}, "alt_text": "a"}, "id and url"),
        ({"type": "image", "slack_file": {"id": "FNOSUCHFILE"}, "alt_text": "a"}, "no such file"),
    ],
)
def test_image_blocks_slack_refuses(client: WebClient, standin: StandinSlack, block: dict[str, Any], why: str) -> None:
    file_id = upload_png(client, channel=ANNE)
    if "slack_file" in block and block["slack_file"].get("id") == "{id}":
        block = {**block, "slack_file": {**block["slack_file"], "id": file_id}}
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=ANNE, text="chart", blocks=[block])
    assert raised.value.response["error"] == "invalid_blocks"
    assert why in " ".join(raised.value.response["response_metadata"]["messages"])


def test_a_private_file_or_one_shared_elsewhere_is_refused_in_an_image_block(client: WebClient) -> None:
    private = upload_png(client)  # uploaded, shared nowhere: only the uploader may see it
    elsewhere = upload_png(client, channel="CIN0000001")
    for file_id in (private, elsewhere):
        with pytest.raises(SlackApiError) as raised:
            client.chat_postMessage(channel=ANNE, text="chart", blocks=[image(file_id)])
        assert raised.value.response["error"] == "invalid_blocks"
        assert "not shared" in raised.value.response["response_metadata"]["messages"][0]
    # Not through a response_url or an ephemeral message in a channel the file was not shared in either.
    with pytest.raises(SlackApiError):
        client.chat_postEphemeral(channel="CIN0000001", user=ANNE, text="c", blocks=[image(private)])


def test_a_file_that_is_not_an_image_is_refused_in_an_image_block(client: WebClient) -> None:
    done = client.files_upload_v2(content="# notes", filename="notes.md", title="Notes", channel=ANNE)
    file_id = str(done["files"][0]["id"])
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=ANNE, text="chart", blocks=[image(file_id)])
    assert "not an image" in raised.value.response["response_metadata"]["messages"][0]


def test_uploading_needs_files_write(client: WebClient, standin: StandinSlack) -> None:
    standin.scopes.discard("files:write")
    with pytest.raises(SlackApiError) as raised:
        client.files_upload_v2(content=PNG, filename="chart.png", channel=ANNE)
    assert raised.value.response["error"] == "missing_scope"
    assert raised.value.response["needed"] == "files:write"
    assert standin.files == {}


def test_sharing_needs_a_channel_the_bot_may_post_in(client: WebClient, standin: StandinSlack) -> None:
    assert error_of(lambda: client.files_upload_v2(content=PNG, filename="c.png", channel="COUT000001")) == (
        "not_in_channel"
    )
    assert error_of(lambda: client.files_upload_v2(content=PNG, filename="c.png", channel="CPRIV00001")) == (
        "channel_not_found"
    )
    assert error_of(lambda: client.files_upload_v2(content=PNG, filename="c.png", channel="CNOPE00001")) == (
        "channel_not_found"
    )
    assert all(not known["completed"] for known in standin.files.values())
    assert "COUT000001" not in standin.messages


def test_get_upload_url_checks_its_arguments(client: WebClient) -> None:
    assert error_of(lambda: client.api_call("files.getUploadURLExternal", params={"filename": "a.png"})) == (
        "missing_argument"
    )
    assert error_of(lambda: client.files_getUploadURLExternal(filename="a.png", length=0)) == "invalid_arguments"
    too_long = "x" * 1001
    assert error_of(lambda: client.files_getUploadURLExternal(filename="a.png", length=3, alt_txt=too_long)) == (
        "alt_txt_too_large"
    )


def test_bytes_of_the_wrong_length_are_refused_and_cannot_be_completed(
    client: WebClient, standin: StandinSlack
) -> None:
    issued = client.files_getUploadURLExternal(filename="chart.png", length=len(PNG))
    request = urllib.request.Request(str(issued["upload_url"]), data=PNG[:-1], method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 400
    files = [{"id": str(issued["file_id"]), "title": "Chart"}]
    assert error_of(lambda: client.files_completeUploadExternal(files=files, channel_id=ANNE)) == "file_not_found"


def test_complete_refuses_unknown_ids_twice_completed_ones_and_bad_shapes(client: WebClient) -> None:
    assert error_of(lambda: client.files_completeUploadExternal(files=[{"id": "FNOSUCH"}])) == "file_not_found"
    file_id = upload_png(client, channel=ANNE)
    assert error_of(lambda: client.files_completeUploadExternal(files=[{"id": file_id}])) == "file_not_found"
    for shape in ('[{"title": "no id"}]', "[1]", "[]", "not json"):
        params = {"files": shape}
        assert (
            error_of(lambda p=params: client.api_call("files.completeUploadExternal", params=p)) == "invalid_arguments"
        )  # type: ignore[misc]
    assert error_of(lambda: client.api_call("files.completeUploadExternal", params={})) == "missing_argument"


def test_files_upload_v2_raises_when_the_upload_service_refuses(client: WebClient, standin: StandinSlack) -> None:
    standin.fault = None
    original = standin._receive_upload

    def short(request: Any, file_id: str, raw: bytes) -> None:
        original(request, file_id, raw[:-1])

    standin._receive_upload = short  # type: ignore[method-assign]
    with pytest.raises(OSError):  # slack_sdk lets urllib's HTTPError through
        client.files_upload_v2(content=PNG, filename="chart.png", channel=ANNE)
    assert dm_id(ANNE) not in standin.messages


def test_a_deleted_file_goes_from_the_conversation_and_from_image_blocks(
    client: WebClient, standin: StandinSlack
) -> None:
    file_id = upload_png(client, channel=ANNE)
    assert client.files_delete(file=file_id)["ok"]
    assert standin.messages[dm_id(ANNE)] == []
    assert error_of(lambda: client.chat_postMessage(channel=ANNE, text="c", blocks=[image(file_id)])) == (
        "invalid_blocks"
    )
