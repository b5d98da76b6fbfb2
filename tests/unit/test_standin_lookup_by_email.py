"""users.lookupByEmail and profile.email in the stand-in, as Slack has them: the users:read.email scope decides."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_standin import StandinSlack
from bot.slack_standin.workspace import manifest_bot_scopes

ANNE, GONE = "UANNE00001", "UGONE00001"


@pytest.fixture
def standin() -> Iterator[StandinSlack]:
    server = StandinSlack().start()
    server.add_user(ANNE, "Anne", email="Anne.Smit@Example.org")
    server.add_user(GONE, "Gone Person", email="gone@example.org", deleted=True)
    yield server
    server.stop()


@pytest.fixture
def client(standin: StandinSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=standin.api_url)


def _error(call: object) -> dict[str, object]:
    with pytest.raises(SlackApiError) as raised:
        call()  # type: ignore[operator]
    return dict(raised.value.response.data)  # type: ignore[arg-type]


def test_the_token_has_the_manifests_scopes_and_with_them_users_read_email() -> None:
    assert "users:read.email" in manifest_bot_scopes()
    assert StandinSlack().scopes == manifest_bot_scopes()


def test_lookup_by_email_finds_the_user_case_insensitively_with_their_profile_email(client: WebClient) -> None:
    user = client.users_lookupByEmail(email="anne.smit@example.org")["user"]
    assert user["id"] == ANNE and user["profile"]["email"] == "Anne.Smit@Example.org"


def test_an_unknown_or_deactivated_address_is_users_not_found(client: WebClient) -> None:
    for email in ("nobody@example.org", "gone@example.org"):
        assert _error(lambda e=email: client.users_lookupByEmail(email=e))["error"] == "users_not_found"  # type: ignore[misc]


def test_without_the_scope_lookup_is_missing_scope_and_users_info_has_no_email(
    standin: StandinSlack, client: WebClient
) -> None:
    standin.scopes.discard("users:read.email")
    answer = _error(lambda: client.users_lookupByEmail(email="anne.smit@example.org"))
    assert answer["error"] == "missing_scope" and answer["needed"] == "users:read.email"
    assert "users:read" in str(answer["provided"]).split(",") and "users:read.email" not in str(answer["provided"])
    profile = client.users_info(user=ANNE)["user"]["profile"]
    assert "email" not in profile and profile["real_name"] == "Anne"
    standin.scopes.add("users:read.email")
    assert client.users_info(user=ANNE)["user"]["profile"]["email"] == "Anne.Smit@Example.org"


def test_lookup_without_an_address_is_refused(client: WebClient) -> None:
    assert _error(lambda: client.api_call("users.lookupByEmail", params={}))["error"] == "invalid_arguments"
