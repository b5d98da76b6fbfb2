"""Helpers for the minutes tests: the demo's weekly metals call ending, and Slack payloads as Slack sends them."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.enums import MeetingKind
from bot.db.models import Meeting, Minutes
from bot.delivery import Sweeper
from bot.entry.console import payloads
from bot.slack_standin import Call, StandinSlack
from bot.slack_standin import requests as slack_requests
from tests.support.demo import person
from tests.support.harness import SlackHarness, reply_text

T = TypeVar("T")
TEAM = "TCOVENANT"
METALS_CHANNEL = "CDEMOWG002"
# The demo's weekly metals due-diligence call: Wednesday 25 November 2026 09:30-10:30 Amsterdam (08:30-09:30 UTC).
CALL_START = datetime(2026, 11, 25, 8, 30, tzinfo=UTC)
CALL_ENDED = datetime(2026, 11, 25, 16, 30, tzinfo=UTC)  # 17:30 local: after the reminder window


def one_off_meeting(
    session: Session,
    group_id: int,
    title: str,
    starts_at: datetime,
    kind: MeetingKind = MeetingKind.WORKING_GROUP,
    organisation_id: int | None = None,
) -> Meeting:
    """A one-hour meeting of the group that took place (an assessment meeting when it names an organisation)."""
    meeting = Meeting(
        uid=f"test-{uuid.uuid4()}",
        working_group_id=group_id,
        kind=MeetingKind.ASSESSMENT if organisation_id is not None else kind,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        organisation_id=organisation_id,
    )
    session.add(meeting)
    session.flush()
    return meeting


def uid(key: str) -> str:
    return person(key).slack_user_id


def posts(standin: StandinSlack, channel: str, text: str = "") -> list[Call]:
    """Messages the bot posted to ``channel`` (a user id means the DM) that contain ``text``."""
    return [
        c
        for c in standin.calls_to("chat.postMessage")
        if c.ok and c.args.get("channel") == channel and text in reply_text(c)
    ]


def end_the_call(clock: ManualClock, sweeper: Sweeper, standin: StandinSlack) -> Call:
    """Move past the end of the weekly metals call and sweep: returns the "Minutes for ..." message."""
    clock.set(CALL_ENDED)
    sweeper.run_once()
    found = [c for c in posts(standin, METALS_CHANNEL) if "minutes_take" in str(c.args.get("blocks"))]
    assert len(found) == 1, [c.args.get("text") for c in standin.calls_to("chat.postMessage")]
    return found[0]


def call_minutes(session: Session) -> Minutes:
    """The newest minutes of the weekly metals call's first sitting."""
    meeting = session.scalar(select(Meeting).where(Meeting.title.like("Metals due diligence%")))
    assert meeting is not None
    found = session.scalar(
        select(Minutes)
        .where(Minutes.meeting_id == meeting.id, Minutes.occurrence_start == CALL_START)
        .order_by(Minutes.version.desc())
        .limit(1)
    )
    assert found is not None
    return found


def eventually(session_factory: SessionFactory, check: Callable[[Session], T | None], timeout: float = 5.0) -> T:
    """Poll the database until ``check`` returns something truthy (a listener finishes after its ack)."""
    deadline = time.monotonic() + timeout
    while True:
        with session_factory() as session:
            result = check(session)
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("the database never reached the expected state")
        time.sleep(0.02)


def command_opening_a_view(slack: SlackHarness, text: str, user: str, channel: str = "CGENERAL01") -> dict[str, Any]:
    """Send ``/minutes text``, which answers with a modal: returns the view as views.open returned it."""
    before = len(slack.standin.calls_to("views.open"))
    body = slack_requests.slash_command(
        "/minutes",
        text,
        user_id=user,
        response_url=slack.standin.response_url(),
        channel_id=channel,
        trigger_id=slack.standin.trigger_id(),
    )
    assert slack.signed(body, slack_requests.FORM).status == 200
    return opened_view(slack, before)


def opened_view(slack: SlackHarness, before: int) -> dict[str, Any]:
    """The view of the views.open call made after ``before`` earlier ones."""
    call = slack.standin.wait_for("views.open", count=before + 1)[before]
    assert call.ok, call.response
    return {**call.args["view"], **call.response["view"]}


def click(slack: SlackHarness, user: str, action_id: str, value: str, channel: str = METALS_CHANNEL) -> tuple[str, int]:
    """Press a button; returns the response_url the answer goes to and how many views were open before."""
    response_url = slack.standin.response_url()
    payload = {
        "type": "block_actions",
        "user": {"id": user, "team_id": TEAM},
        "team": {"id": TEAM, "domain": "covenant"},
        "api_app_id": "ACOVENANT",
        "token": "unused-verification-token",
        "trigger_id": slack.standin.trigger_id(),
        "response_url": response_url,
        "container": {"type": "message", "message_ts": "1.1", "channel_id": channel},
        "channel": {"id": channel},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value, "action_ts": "1.2"}],
    }
    before = len(slack.standin.calls_to("views.open"))
    assert slack.interaction(payload).status == 200
    return response_url, before


def answer_to(slack: SlackHarness, response_url: str) -> str:
    """The text of the ephemeral answer posted to ``response_url``."""
    return reply_text(slack.wait_response(response_url))


def submit(slack: SlackHarness, user: str, view: dict[str, Any], **fields: str) -> dict[str, Any]:
    """Submit ``view`` with ``fields``; returns the acknowledgement's body (``{}`` when accepted)."""
    payload = payloads.view_submission(user, TEAM, view, fields, slack.standin.trigger_id())
    answer = slack.interaction(payload)
    assert answer.status == 200, answer
    return json.loads(answer.body) if answer.body else {}


ACTIONS_OK = "@Emma — share the smelter list template — 2 December 2026"


def write_minutes(slack: SlackHarness, session_factory: SessionFactory, actions: str = ACTIONS_OK) -> int:
    """Tom writes the minutes of the call through /minutes add and the form; returns the minutes id."""
    view = command_opening_a_view(slack, "add metals", uid("tom"))
    assert (
        submit(
            slack,
            uid("tom"),
            view,
            summary="Round of updates. The shared smelter template is ready.",
            decisions="Adopt the shared smelter template.",
            actions=actions,
        )
        == {}
    )
    return eventually(session_factory, lambda s: call_minutes(s).id if call_minutes(s).summary else None)
