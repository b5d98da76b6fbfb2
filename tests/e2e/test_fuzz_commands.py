"""Hypothesis throws at least 10,000 texts at every slash command: never a 500 or a traceback, always a
clear ephemeral answer (not the apology for a bug), and nothing written by someone who may not write."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from slack_bolt import App
from sqlalchemy import Engine, func, select

from bot.bolt_request import bolt_request
from bot.db.models import Base
from bot.slack_standin import StandinSlack
from bot.slack_standin import requests as slack_requests
from handlers.commands import COMMANDS
from tests.support.demo import SIGNING_SECRET, person
from tests.support.fuzzing import APOLOGIES, EXAMPLES, OWN_TABLES, texts
from tests.support.fuzzing import app as app

# 10,000 texts per command take two to three minutes each on a CI machine: more than the unit-test timeout.
pytestmark = [pytest.mark.fuzz, pytest.mark.timeout(900), pytest.mark.floods_slack]

# What a member of a working group may legitimately start: opening the minutes form of their group's
# last meeting creates its (empty) draft, with them as minute-taker.
MEMBER_TABLES = {"/minutes": {"minutes"}}


def _counts(engine: Engine, allowed: set[str]) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            t.name: int(connection.execute(select(func.count()).select_from(t)).scalar() or 0)
            for t in Base.metadata.sorted_tables
            if t.name not in OWN_TABLES | allowed
        }


def _dispatch(app: App, standin: StandinSlack, command: str, text: str, user: str) -> dict[str, Any]:
    response_url = standin.response_url()
    body = slack_requests.slash_command(command, text, user_id=user, response_url=response_url)
    headers: dict[str, Any] = {"content-type": slack_requests.FORM, **slack_requests.sign(SIGNING_SECRET, body)}
    response = app.dispatch(bolt_request(body, headers))
    assert response.status == 200, (command, text, response.status, response.body)
    path = response_url.removeprefix(standin.base_url)
    replies = [c for c in standin.calls_to("response_url") if c.path == path]
    assert replies, (command, text)
    return replies[0].args


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("who", ["fatima", None])
def test_any_text_gets_a_clear_answer_and_writes_nothing(
    app: App, standin: StandinSlack, engine: Engine, command: str, who: str | None
) -> None:
    user = person(who).slack_user_id if who else "UNKNOWN001"
    allowed = MEMBER_TABLES.get(command, set()) if who else set()
    before = _counts(engine, allowed)

    @settings(
        max_examples=EXAMPLES // 2,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(text=texts)
    def check(text: str) -> None:
        reply = _dispatch(app, standin, command, text, user)
        shown = str(reply.get("text", "")) + str(reply.get("blocks", ""))
        assert reply.get("response_type") == "ephemeral", (text, reply)
        assert shown.strip(), text
        assert "Traceback" not in shown and not any(a in shown for a in APOLOGIES), (command, text, shown[:300])
        standin.reset()

    check()
    assert _counts(engine, allowed) == before, f"{command} as {who or 'an unknown user'} changed the database"
