"""Replays and races write once: the same signed slash command sent again changes nothing, and two people changing
the same thing at the same moment get one winner and a clear answer for the other (signed requests, real app)."""

from __future__ import annotations

import threading
import time as wallclock
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.enums import DeadlineStatus, DeliveryStatus, MinutesStatus
from bot.db.models import (
    ActionPlan,
    AuditEntry,
    Base,
    Covenant,
    Meeting,
    Minutes,
    Organisation,
    Participation,
    Person,
    ReminderDelivery,
    WorkingGroup,
    WorkingGroupMember,
)
from bot.delivery import Sweeper
from bot.render import minutes as render_minutes
from bot.render import reminders as render_reminders
from bot.slack_standin import Call
from bot.slack_standin import requests as slack_requests
from tests.support.demo import NOW, person
from tests.support.harness import SlackHarness, block_actions_payload, reply_text
from tests.support.meetings import schedule
from tests.support.minutes import end_the_call, write_minutes

SANNE, EMMA, TOM, PIETER, FATIMA, AHMED = (
    person(key).slack_user_id for key in ("sanne", "emma", "tom", "pieter", "fatima", "ahmed")
)
REPLAYED = ("already reached me", "had ik al ontvangen")
SENDS = 5


def database_rows(session_factory: SessionFactory) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the replay records and the records of acknowledged work left out), to compare
    before and after."""
    with session_factory() as session:
        return {
            table.name: sorted((tuple(row) for row in session.execute(select(table))), key=repr)
            for table in Base.metadata.sorted_tables
            if table.name not in {"processed_event", "acked_work"}
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
    slack: SlackHarness, session_factory: SessionFactory, clock: ManualClock, name: str
) -> None:
    command, text, user, channel, setup = WRITE_COMMANDS[name]
    text = text.format(**setup(session_factory, slack))
    before = database_rows(session_factory)
    earlier = waiting(session_factory, clock.now())
    response_url = slack.standin.response_url()
    body = slack_requests.slash_command(
        command,
        text,
        user_id=user,
        response_url=response_url,
        channel_id=channel,
        trigger_id=slack.standin.trigger_id(),
    )
    assert slack.signed(body, slack_requests.FORM).status == 200
    first = reply_text(_responses(slack, response_url, 1)[0])
    assert ":warning:" not in first and "Sorry" not in first, first
    sent_after_one, after_one = _settled(slack, session_factory, clock.now(), earlier)
    assert after_one != before  # the command did write
    for _ in range(SENDS - 1):
        assert slack.signed(body, slack_requests.FORM).status == 200
    replies = [reply_text(call) for call in _responses(slack, response_url, SENDS)]
    assert all(any(word in reply for word in REPLAYED) for reply in replies[1:]), replies[1:]
    sent, rows = _settled(slack, session_factory, clock.now(), earlier)
    assert rows == after_one  # nothing written a second time
    assert sent == sent_after_one  # no second notice, no second form


def test_a_replayed_minutes_add_opens_one_form(
    slack: SlackHarness, session_factory: SessionFactory, clock: ManualClock, sweeper: Sweeper
) -> None:
    end_the_call(clock, sweeper, slack.standin)
    response_url = slack.standin.response_url()
    body = slack_requests.slash_command(
        "/minutes", "add metals", user_id=TOM, response_url=response_url, trigger_id=slack.standin.trigger_id()
    )
    assert slack.signed(body, slack_requests.FORM).status == 200
    slack.standin.wait_for("views.open", count=1)
    after_one = database_rows(session_factory)
    for _ in range(SENDS - 1):
        assert slack.signed(body, slack_requests.FORM).status == 200
    replies = [reply_text(call) for call in _responses(slack, response_url, SENDS - 1)]
    assert all(any(word in reply for word in REPLAYED) for reply in replies), replies
    assert len(slack.standin.calls_to("views.open")) == 1
    assert database_rows(session_factory) == after_one


def _settled(
    slack: SlackHarness, session_factory: SessionFactory, due_by: datetime, earlier: frozenset[int] = frozenset()
) -> tuple[int, dict[str, list[tuple[Any, ...]]]]:
    """Messages and forms sent so far and every row, once the bot stopped sending and writing: no message due by
    ``due_by`` waits to be sent (notices go out just after the reply; those waiting ``earlier`` aside) and nothing
    changed for half a second."""
    deadline = wallclock.monotonic() + 30
    seen = (posts(slack), database_rows(session_factory))
    while True:
        wallclock.sleep(0.5)
        now = (posts(slack), database_rows(session_factory))
        if now == seen and not waiting(session_factory, due_by) - earlier:
            return now
        assert wallclock.monotonic() < deadline, "the bot kept sending or writing"
        seen = now


def waiting(session_factory: SessionFactory, due_by: datetime) -> frozenset[int]:
    """The messages due by ``due_by`` that wait to be sent."""
    with session_factory() as session:
        return frozenset(
            session.scalars(
                select(ReminderDelivery.id).where(
                    ReminderDelivery.status.in_((DeliveryStatus.PLANNED, DeliveryStatus.CLAIMED)),
                    ReminderDelivery.planned_for <= due_by,
                )
            )
        )


def test_a_replayed_question_or_refusal_is_answered_again(slack: SlackHarness) -> None:
    for command, text, user, expected in (
        ("/covenant", "status metaal", SANNE, "Metaal"),
        ("/covenant", "join Delta Alloys hernieuwbare-energie", FATIMA, "secretari"),
    ):
        response_url = slack.standin.response_url()
        body = slack_requests.slash_command(
            command, text, user_id=user, response_url=response_url, trigger_id=slack.standin.trigger_id()
        )
        for _ in range(2):
            assert slack.signed(body, slack_requests.FORM).status == 200
        replies = [reply_text(call) for call in _responses(slack, response_url, 2)]
        assert all(expected in reply and not any(word in reply for word in REPLAYED) for reply in replies), replies


# -- races: two requests for the same object at the same moment ---------------------------------------------------
TRIALS = 12


def send_together(slack: SlackHarness, bodies: list[str]) -> None:
    """POST the signed bodies from one thread each, released together by a Barrier."""
    barrier = threading.Barrier(len(bodies))
    statuses: list[int] = []

    def send(body: str) -> None:
        barrier.wait()
        statuses.append(slack.signed(body, slack_requests.FORM).status)

    threads = [threading.Thread(target=send, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert statuses == [200] * len(bodies)


def at_once(slack: SlackHarness, requests: list[tuple[str, str]]) -> list[str]:
    """Send the (body, response_url) requests together; returns the text of every answer, in order, once each
    request was answered."""
    send_together(slack, [body for body, _ in requests])
    answers = []
    for _, response_url in requests:
        _responses(slack, response_url, 1)
        wallclock.sleep(0.1)  # a button's note may follow its first response
        path = response_url.removeprefix(slack.standin.base_url)
        answers.append("\n".join(reply_text(c) for c in slack.standin.calls if c.path == path))
    return answers


def command_request(slack: SlackHarness, command: str, text: str, user: str) -> tuple[str, str]:
    response_url = slack.standin.response_url()
    trigger_id = slack.standin.trigger_id()
    return (
        slack_requests.slash_command(command, text, user_id=user, response_url=response_url, trigger_id=trigger_id),
        response_url,
    )


def button_request(slack: SlackHarness, message: Call, action_id: str, user: str) -> tuple[str, str]:
    response_url = slack.standin.response_url()
    payload = block_actions_payload(message, action_id, user, response_url, slack.standin.trigger_id())
    return slack_requests.interaction(payload), response_url


def audit_count(session_factory: SessionFactory, action: str) -> int:
    with session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)) or 0)


def _delta_plan(session: Session) -> ActionPlan:
    plan = session.scalar(
        select(ActionPlan).join(Organisation).where(Organisation.name.like("Delta Alloys%")).order_by(ActionPlan.id)
    )
    assert plan is not None and plan.deadline is not None
    return plan


def _reopen(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        plan = _delta_plan(session)
        plan.submitted_on, plan.submitted_confirmed = None, False
        assert plan.deadline is not None
        plan.deadline.status, plan.deadline.done_at = DeadlineStatus.OPEN, None
        session.commit()


SUBMITTED = ("recorded as submitted", "marked as submitted", "vastgelegd als ingediend")
# Told who recorded it and when (a command), or that it was already done (a button pressed on a closed deadline).
ALREADY = ("already recorded as submitted on", "als ingediend vastgelegd", "This was already marked as done")


@pytest.mark.parametrize("pairing", ["command and button", "two secretariat commands"])
def test_two_submitting_the_same_plan_at_once_record_it_once(
    slack: SlackHarness, sweeper: Sweeper, session_factory: SessionFactory, clock: ManualClock, pairing: str
) -> None:
    sweeper.run_once()
    [reminder] = [
        c
        for c in slack.standin.calls_to("chat.postMessage")
        if c.ok and c.args["channel"] == EMMA and "Action plan" in c.args["text"]
    ][-1:]
    outcomes: list[tuple[int, int]] = []
    for _trial in range(TRIALS):
        _reopen(session_factory)
        clock.advance(timedelta(days=1))  # a new day: a new secretariat notice may be owed
        submitted, closed = (
            audit_count(session_factory, "plan.submitted"),
            audit_count(session_factory, "deadline.done"),
        )
        notices = len(_submitted_notices(session_factory))
        other = (
            button_request(slack, reminder, render_reminders.ACTION_DONE, EMMA)
            if pairing == "command and button"
            else command_request(slack, "/plan", "submitted Delta Alloys metaal", SANNE)
        )
        first = (
            command_request(slack, "/plan", "submitted", EMMA)
            if pairing == "command and button"
            else command_request(slack, "/plan", "submitted Delta Alloys metaal", TOM)
        )
        answers = at_once(slack, [first, other])
        losers = [a for a in answers if any(word in a for word in ALREADY)]
        winners = [a for a in answers if any(word in a for word in SUBMITTED) and a not in losers]
        outcomes.append((len(winners), len(losers)))
        assert audit_count(session_factory, "plan.submitted") == submitted + 1
        assert audit_count(session_factory, "deadline.done") == closed + 1
        assert len(_submitted_notices(session_factory)) - notices <= 1
        assert "Sorry" not in "".join(answers)
    assert outcomes == [(1, 1)] * TRIALS, outcomes


def _submitted_notices(session_factory: SessionFactory) -> list[int]:
    with session_factory() as session:
        return list(session.scalars(select(ReminderDelivery.id).where(ReminderDelivery.rule == "submitted")))


def _participations(session_factory: SessionFactory, organisation: str, slug: str) -> list[Participation]:
    with session_factory() as session:
        return list(
            session.scalars(
                select(Participation)
                .join(Organisation)
                .join(Covenant)
                .where(Organisation.name.like(f"{organisation}%"), Covenant.slug == slug)
            )
        )


def test_two_joining_the_same_organisation_at_once_join_it_once(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    outcomes: list[tuple[int, int]] = []
    for trial in range(TRIALS):
        # Half the trials on the same day (the unique constraint), half on two days (only the check stops it).
        second_day = "15-11-2026" if trial % 2 == 0 else "16-11-2026"
        answers = at_once(
            slack,
            [
                command_request(slack, "/covenant", "join Delta Alloys hernieuwbare-energie 15-11-2026", SANNE),
                command_request(slack, "/covenant", f"join Delta Alloys hernieuwbare-energie {second_day}", SANNE),
            ],
        )
        joined = _participations(session_factory, "Delta Alloys", "hernieuwbare-energie")
        outcomes.append((sum("toegetreden tot" in a for a in answers), sum("neemt al deel aan" in a for a in answers)))
        assert len(joined) == 1, answers
        assert "Sorry" not in "".join(answers)
        with session_factory() as session:
            session.execute(delete(Participation).where(Participation.id == joined[0].id))
            session.commit()
    assert outcomes == [(1, 1)] * TRIALS, outcomes


def test_two_linking_the_same_new_person_at_once_link_them_once(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    outcomes: list[tuple[int, int]] = []
    for trial in range(TRIALS):
        user = f"UNEWRACE{trial:02d}"
        slack.standin.add_user(user, f"Nina Race {trial}", locale="nl-NL")
        text = f"link <@{user}|nina> Zonneveld Solar contactpersoon"
        answers = at_once(
            slack, [command_request(slack, "/covenant", text, SANNE), command_request(slack, "/covenant", text, SANNE)]
        )
        outcomes.append((sum(" is nu " in a for a in answers), sum(" was al " in a for a in answers)))
        assert "Sorry" not in "".join(answers), answers
        with session_factory() as session:
            assert session.scalar(select(func.count()).select_from(Person).where(Person.slack_user_id == user)) == 1
    assert outcomes == [(1, 1)] * TRIALS, outcomes
    assert audit_count(session_factory, "person.link") == TRIALS


def test_two_adding_the_same_member_or_group_at_once_add_it_once(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    members: list[int] = []
    created: list[int] = []
    for trial in range(TRIALS):
        newcomer = f"UNEWMEMB{trial:02d}"
        text = f"group members leefbaar loon <@{newcomer}>"
        answers = at_once(
            slack, [command_request(slack, "/meeting", text, SANNE), command_request(slack, "/meeting", text, SANNE)]
        )
        assert "Sorry" not in "".join(answers), answers
        name = f"Taakgroep Race {trial}"
        added = at_once(
            slack,
            [
                command_request(slack, "/meeting", f"group add metaal {name}", EMMA),
                command_request(slack, "/meeting", f"group add metaal {name}", EMMA),
            ],
        )
        assert "Sorry" not in "".join(added), added
        with session_factory() as session:
            members.append(
                int(
                    session.scalar(
                        select(func.count())
                        .select_from(WorkingGroupMember)
                        .join(Person)
                        .where(Person.slack_user_id == newcomer)
                    )
                    or 0
                )
            )
            created.append(
                int(
                    session.scalar(select(func.count()).select_from(WorkingGroup).where(WorkingGroup.name == name)) or 0
                )
            )
    assert members == [1] * TRIALS and created == [1] * TRIALS
    assert audit_count(session_factory, "group.members_added") == TRIALS
    assert audit_count(session_factory, "group.created") == TRIALS


def test_the_same_schedule_one_liner_sent_five_times_at_once_makes_one_meeting(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    with session_factory() as session:
        meetings = int(session.scalar(select(func.count()).select_from(Meeting)) or 0)
    earlier = waiting(session_factory, NOW)
    for trial in range(TRIALS):
        response_url = slack.standin.response_url()
        text = f"schedule leefbaar loon {trial + 1} maart 2027 14:00 90m Race {trial}"
        body = slack_requests.slash_command(
            "/meeting", text, user_id=SANNE, response_url=response_url, trigger_id=slack.standin.trigger_id()
        )
        answers = at_once(slack, [(body, response_url)] * SENDS)
        replies = [reply_text(c) for c in _responses(slack, response_url, SENDS)]
        assert sum(any(word in r for word in REPLAYED) for r in replies) == SENDS - 1, (answers, replies)
        with session_factory() as session:
            assert session.scalar(select(func.count()).select_from(Meeting)) == meetings + trial + 1
    _settled(slack, session_factory, NOW, earlier)
    # Messages Slack accepted (a notice answered 429 in the burst is sent again a second later).
    notices = [c for c in slack.standin.calls_to("chat.postMessage") if c.ok and c.args.get("channel") == "CDEMOWG001"]
    assert len(notices) == TRIALS


def test_two_cancelling_the_same_meeting_at_once_cancel_it_once_and_tell_the_channel_once(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    outcomes: list[tuple[int, int]] = []
    earlier: frozenset[int] = frozenset()
    for trial in range(TRIALS):
        with session_factory() as session:
            ref = schedule(session, date(2027, 1, 4 + trial), time(10), title=f"Race {trial}").id
        earlier |= waiting(session_factory, NOW)  # its "scheduled" notice, which no one sends in this test
        answers = at_once(
            slack,
            [
                command_request(slack, "/meeting", f"cancel {ref} eerste", SANNE),
                command_request(slack, "/meeting", f"cancel {ref} tweede", SANNE),
            ],
        )
        outcomes.append((sum("is geannuleerd" in a for a in answers), sum("al geannuleerd" in a for a in answers)))
    _settled(slack, session_factory, NOW, earlier)
    cancelled = [
        c
        for c in slack.standin.calls_to("chat.postMessage")
        if c.ok and c.args.get("channel") == "CDEMOWG001" and "geannuleerd" in reply_text(c)
    ]
    assert outcomes == [(1, 1)] * TRIALS, outcomes
    assert len(cancelled) == TRIALS
    assert audit_count(session_factory, "meeting.cancelled") == TRIALS


def test_two_correcting_the_same_approved_minutes_at_once_make_one_correction(
    slack: SlackHarness, session_factory: SessionFactory, clock: ManualClock, sweeper: Sweeper
) -> None:
    end_the_call(clock, sweeper, slack.standin)
    write_minutes(slack, session_factory)
    for trial in range(TRIALS):
        with session_factory() as session:
            newest = session.scalars(select(Minutes).order_by(Minutes.version.desc())).first()
            assert newest is not None and newest.version == trial + 1
            newest.status = MinutesStatus.APPROVED  # as if circulated and approved
            session.commit()
            newest_id = newest.id
        forms = len(slack.standin.calls_to("views.open"))
        urls = [slack.standin.response_url() for _ in range(2)]
        send_together(
            slack,
            [slack_requests.interaction(_correct_payload(url, newest_id, slack.standin.trigger_id())) for url in urls],
        )
        slack.standin.wait_for("views.open", count=forms + 2, timeout=10)  # both get the form of one correction
        with session_factory() as session:
            assert session.scalar(select(func.count()).select_from(Minutes)) == trial + 2
        assert not [c for c in slack.standin.calls if c.path in {u.removeprefix(slack.standin.base_url) for u in urls}]
    assert audit_count(session_factory, "minutes.corrected") == TRIALS


def _correct_payload(response_url: str, minutes_id: int, trigger_id: str) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": TOM, "team_id": "TCOVENANT"},
        "team": {"id": "TCOVENANT", "domain": "covenant"},
        "api_app_id": "ACOVENANT",
        "token": "unused-verification-token",
        "trigger_id": trigger_id,
        "response_url": response_url,
        "container": {"type": "message", "message_ts": "1.1", "channel_id": "CGENERAL01"},
        "channel": {"id": "CGENERAL01"},
        "actions": [
            {
                "type": "button",
                "action_id": render_minutes.ACTION_CORRECT,
                "block_id": "b",
                "value": str(minutes_id),
                "action_ts": "1.2",
            }
        ],
    }


def test_the_same_meeting_typed_twice_by_the_same_person_is_scheduled_once(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    with session_factory() as session:
        meetings = int(session.scalar(select(func.count()).select_from(Meeting)) or 0)
    earlier = waiting(session_factory, NOW)
    text = "schedule leefbaar loon 15 maart 2027 14:00 90m wekelijks 1. Opening"
    first = reply_text(slack.command("/meeting", text, SANNE))  # two invocations: two trigger_ids
    second = reply_text(slack.command("/meeting", text, SANNE))
    other_time = reply_text(slack.command("/meeting", text.replace("14:00", "15:00"), SANNE))
    assert "Ingepland" in first and "zojuist al ingepland" not in first
    assert "zojuist al ingepland" in second
    assert "zojuist al ingepland" not in other_time
    _settled(slack, session_factory, NOW, earlier)
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Meeting)) == meetings + 2
    notices = [c for c in slack.standin.calls_to("chat.postMessage") if c.ok and c.args.get("channel") == "CDEMOWG001"]
    assert len(notices) == 2


def test_not_for_me_pressed_twice_at_once_is_recorded_once(
    slack: SlackHarness, sweeper: Sweeper, session_factory: SessionFactory
) -> None:
    sweeper.run_once()
    reminders = [c for c in slack.standin.calls_to("chat.postMessage") if c.ok and c.args["channel"] == EMMA]
    assert len(reminders) >= 1
    outcomes: list[tuple[int, int]] = []
    for trial in range(TRIALS):
        reminder = reminders[trial % len(reminders)]
        with session_factory() as session:  # a fresh start for each trial: Emma had not opted out yet
            session.execute(delete(ReminderDelivery).where(ReminderDelivery.dedupe_key.like("optout:%")))
            session.commit()
        before = audit_count(session_factory, "reminder.not_for_me")
        answers = at_once(
            slack,
            [button_request(slack, reminder, render_reminders.ACTION_NOT_FOR_ME, EMMA) for _ in range(2)],
        )
        assert "Sorry" not in "".join(answers), answers
        outcomes.append(
            (sum("already said" in a for a in answers), audit_count(session_factory, "reminder.not_for_me") - before)
        )
    assert outcomes == [(1, 1)] * TRIALS, outcomes
