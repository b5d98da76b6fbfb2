"""Replays and races write once: the same signed slash command sent again changes nothing, and two people changing
the same thing at the same moment get one winner and a clear answer for the other (signed requests, real app)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.models import Base
from bot.delivery import Sweeper
from bot.standin import requests as slack_requests
from tests.conftest import person
from tests.harness import SlackHarness, reply_text
from tests.meeting_support import schedule
from tests.minutes_support import end_the_call

SANNE, EMMA, TOM, PIETER, FATIMA, AHMED = (
    person(key).slack_user_id for key in ("sanne", "emma", "tom", "pieter", "fatima", "ahmed")
)
REPLAYED = ("already reached me", "al eerder bij me binnen")
SENDS = 5


def database_rows(session_factory: SessionFactory) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the replay records themselves left out), to compare before and after."""
    with session_factory() as session:
        return {
            table.name: sorted((tuple(row) for row in session.execute(select(table))), key=repr)
            for table in Base.metadata.sorted_tables
            if table.name != "processed_event"
        }


def posts(slack: SlackHarness) -> int:
    return len(slack.standin.calls_to("chat.postMessage", "chat.postEphemeral", "views.open"))


Setup = Callable[[SessionFactory, SlackHarness], dict[str, object]]


def _nothing(_factory: SessionFactory, _slack: SlackHarness) -> dict[str, object]:
    return {}


def _a_meeting(factory: SessionFactory, _slack: SlackHarness) -> dict[str, object]:
    with factory() as session:
        return {"ref": schedule(session, date(2027, 1, 4), time(10), title="Reeks").id}


def _a_new_person(_factory: SessionFactory, slack: SlackHarness) -> dict[str, object]:
    slack.standin.add_user("UNEWCONTACT", "Nina Nieuw", locale="nl-NL")
    return {}


# Every write subcommand: (command, text, user, channel, setup). Each is sent SENDS times with the same body.
WRITE_COMMANDS: dict[str, tuple[str, str, str, str, Setup]] = {
    "covenant add-org": ("/covenant", 'add-org "Zeewind Offshore BV" bedrijf', SANNE, "CGENERAL01", _nothing),
    "covenant join": ("/covenant", "join Delta Alloys hernieuwbare-energie 15-11-2026", SANNE, "CGENERAL01", _nothing),
    "covenant leave": ("/covenant", "leave Windkracht hernieuwbare-energie", SANNE, "CGENERAL01", _nothing),
    "covenant phase": ("/covenant", "phase metaal in evaluatie", SANNE, "CGENERAL01", _nothing),
    "covenant link": (
        "/covenant",
        "link <@UNEWCONTACT|nina> Zonneveld Solar contactpersoon",
        SANNE,
        "CGENERAL01",
        _a_new_person,
    ),
    "covenant lang": ("/covenant", "lang en", PIETER, "CGENERAL01", _nothing),
    "plan due": ("/plan", "due Windkracht hernieuwbare-energie", SANNE, "CGENERAL01", _nothing),
    "plan submitted": ("/plan", "submitted", EMMA, "CGENERAL01", _nothing),
    "plan assessed": ("/plan", "assessed Windkracht lagging Leefbaar loon ontbreekt", SANNE, "CGENERAL01", _nothing),
    "plan channel": ("/plan", "channel metaal", TOM, "CNEWSECRET", _nothing),
    "meeting schedule (one line)": (
        "/meeting",
        "schedule leefbaar loon 15 maart 2027 14:00 90m wekelijks 1. Opening",
        SANNE,
        "CGENERAL01",
        _nothing,
    ),
    "meeting move": ("/meeting", "move {ref} 5 januari 2027 11:00", SANNE, "CGENERAL01", _a_meeting),
    "meeting agenda": ("/meeting", "agenda {ref} 1. Opening", SANNE, "CGENERAL01", _a_meeting),
    "meeting cancel": ("/meeting", "cancel {ref} te weinig aanmeldingen", SANNE, "CGENERAL01", _a_meeting),
    "meeting feed rotate": ("/meeting", "feed leefbaar loon rotate", SANNE, "CGENERAL01", _nothing),
    "meeting group add": (
        "/meeting",
        "group add metaal Taakgroep Kobalt <#CKOBALT01|kobalt>",
        EMMA,
        "CGENERAL01",
        _nothing,
    ),
    "meeting group members": ("/meeting", f"group members leefbaar loon <@{AHMED}>", SANNE, "CGENERAL01", _nothing),
    "meeting group remove": ("/meeting", f"group remove leefbaar loon <@{FATIMA}>", SANNE, "CGENERAL01", _nothing),
    "meeting group chair": ("/meeting", f"group chair leefbaar loon <@{FATIMA}>", SANNE, "CGENERAL01", _nothing),
    "meeting group channel": (
        "/meeting",
        "group channel leefbaar loon <#CNEWCHAN01|nieuw>",
        SANNE,
        "CGENERAL01",
        _nothing,
    ),
    "meeting group language": ("/meeting", "group language leefbaar loon en", SANNE, "CGENERAL01", _nothing),
}


def _responses(slack: SlackHarness, response_url: str, count: int) -> list[Any]:
    path = response_url.removeprefix(slack.standin.base_url)
    return slack.standin.wait_until(lambda call: call.path == path, count=count, timeout=10)


@pytest.mark.parametrize("name", list(WRITE_COMMANDS))
def test_a_replayed_write_command_writes_once_and_says_so(
    slack: SlackHarness, session_factory: SessionFactory, name: str
) -> None:
    command, text, user, channel, setup = WRITE_COMMANDS[name]
    text = text.format(**setup(session_factory, slack))
    before = database_rows(session_factory)
    response_url = slack.standin.response_url()
    body = slack_requests.slash_command(command, text, user_id=user, response_url=response_url, channel_id=channel)
    assert slack.signed(body, slack_requests.FORM).status == 200
    first = reply_text(_responses(slack, response_url, 1)[0])
    assert ":warning:" not in first and "Sorry" not in first, first
    sent_after_one = _settled_posts(slack)
    after_one = database_rows(session_factory)
    assert after_one != before  # the command did write
    for _ in range(SENDS - 1):
        assert slack.signed(body, slack_requests.FORM).status == 200
    replies = [reply_text(call) for call in _responses(slack, response_url, SENDS)]
    assert all(any(word in reply for word in REPLAYED) for reply in replies[1:]), replies[1:]
    assert database_rows(session_factory) == after_one  # nothing written a second time
    assert _settled_posts(slack) == sent_after_one  # no second notice, no second form


def test_a_replayed_minutes_add_opens_one_form(
    slack: SlackHarness, session_factory: SessionFactory, clock: ManualClock, sweeper: Sweeper
) -> None:
    end_the_call(clock, sweeper, slack.standin)
    response_url = slack.standin.response_url()
    body = slack_requests.slash_command("/minutes", "add metals", user_id=TOM, response_url=response_url)
    assert slack.signed(body, slack_requests.FORM).status == 200
    slack.standin.wait_for("views.open", count=1)
    after_one = database_rows(session_factory)
    for _ in range(SENDS - 1):
        assert slack.signed(body, slack_requests.FORM).status == 200
    replies = [reply_text(call) for call in _responses(slack, response_url, SENDS - 1)]
    assert all(any(word in reply for word in REPLAYED) for reply in replies), replies
    assert len(slack.standin.calls_to("views.open")) == 1
    assert database_rows(session_factory) == after_one


def _settled_posts(slack: SlackHarness) -> int:
    """Messages and forms sent so far, once the bot stopped sending (notices go out just after the reply)."""
    import time as wallclock

    count = posts(slack)
    while True:
        wallclock.sleep(0.3)
        now = posts(slack)
        if now == count:
            return count
        count = now


def test_a_replayed_question_or_refusal_is_answered_again(slack: SlackHarness) -> None:
    for command, text, user, expected in (
        ("/covenant", "status metaal", SANNE, "Metaal"),
        ("/covenant", "join Delta Alloys hernieuwbare-energie", FATIMA, "secretari"),
    ):
        response_url = slack.standin.response_url()
        body = slack_requests.slash_command(command, text, user_id=user, response_url=response_url)
        for _ in range(2):
            assert slack.signed(body, slack_requests.FORM).status == 200
        replies = [reply_text(call) for call in _responses(slack, response_url, 2)]
        assert all(expected in reply and not any(word in reply for word in REPLAYED) for reply in replies), replies
