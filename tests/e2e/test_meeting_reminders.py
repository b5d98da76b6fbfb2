"""Meeting reminders go through the reminder engine: the working day before at 10:00 local with the agenda,
15 minutes before with the link, each once; RSVP buttons update the counts in place."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.enums import DeliveryStatus
from bot.db.models import ReminderDelivery, Rsvp
from bot.delivery import Sweeper
from bot.services.fingerprints import PlannerMemory
from bot.services.meetings import meeting_changes, meeting_reminders, meetings
from bot.services.meetings.recurrence import Repeat
from bot.slack_standin import Call, StandinSlack
from tests.support.demo import person
from tests.support.harness import SlackHarness, reply_text
from tests.support.meetings import button_payload, schedule, viewer

AMS = ZoneInfo("Europe/Amsterdam")
CHANNEL = "CDEMOWG001"


def _reminders(standin: StandinSlack, title: str) -> list[Call]:
    return [
        c
        for c in standin.calls_to("chat.postMessage")
        if c.ok
        and c.args.get("channel") == CHANNEL
        and title in c.args.get("text", "")
        and "meeting_rsvp_yes" in json.dumps(c.args.get("blocks"))
    ]


def _sweep_until(
    sweeper: Sweeper, clock: ManualClock, standin: StandinSlack, title: str, start: datetime, end: datetime
) -> list[datetime]:
    """Sweep from ``start`` to ``end`` at least every 6 hours and at every moment a delivery is planned for (as
    the every-minute sweep would, without 1440 sweeps a day); the local moments a reminder about ``title`` went out."""
    moments = []
    clock.set(start)
    while clock.now() <= end:
        before = len(_reminders(standin, title))
        sweeper.run_once()
        if len(_reminders(standin, title)) > before:
            moments.append(clock.now().astimezone(AMS))
        with sweeper.session_factory() as session:
            due = session.scalar(
                select(func.min(ReminderDelivery.planned_for)).where(
                    ReminderDelivery.status == DeliveryStatus.PLANNED, ReminderDelivery.planned_for > clock.now()
                )
            )
        clock.set(min(clock.now() + timedelta(hours=6), due or end + timedelta(minutes=1)))
    return moments


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=AMS)


def test_a_monday_meeting_is_reminded_on_friday_at_ten_and_fifteen_minutes_before(
    sweeper: Sweeper, clock: ManualClock, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    with session_factory() as session:
        schedule(
            session,
            date(2026, 11, 30),
            time(14),
            title="Herinneringstest",
            agenda="1. Opening\n2. Loonkloof",
            video_url="https://meet.example.org/ll",
        )
    moments = _sweep_until(
        sweeper, clock, standin, "Herinneringstest", _local(date(2026, 11, 27), 9), _local(date(2026, 11, 30), 14, 30)
    )
    assert moments == [_local(date(2026, 11, 27), 10), _local(date(2026, 11, 30), 13, 45)]
    day_before, soon = _reminders(standin, "Herinneringstest")
    assert "Loonkloof" in reply_text(day_before) and "meet.example.org/ll" in reply_text(soon)
    for message in (day_before, soon):
        actions = [e["action_id"] for b in message.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
        assert actions == ["meeting_rsvp_yes", "meeting_rsvp_no", "meeting_rsvp_maybe", "meeting_rsvp_who"]
    for _ in range(3):
        sweeper.run_once()  # nothing is sent twice
    assert len(_reminders(standin, "Herinneringstest")) == 2


def test_the_working_day_before_skips_christmas_and_easter_and_keeps_ten_local_across_dst(
    sweeper: Sweeper, clock: ManualClock, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    with session_factory() as session:
        schedule(session, date(2026, 12, 28), time(10), title="Na de kerst")  # Monday after Christmas
        schedule(session, date(2027, 3, 30), time(10), title="Na Pasen")  # Tuesday after Easter Monday and DST
        schedule(session, date(2027, 11, 2), time(10), title="Wintertijd")  # Tuesday after DST ends
    christmas = _sweep_until(
        sweeper, clock, standin, "Na de kerst", _local(date(2026, 12, 24), 9, 30), _local(date(2026, 12, 24), 10, 30)
    )
    assert christmas == [_local(date(2026, 12, 24), 10)]
    easter = _sweep_until(
        sweeper, clock, standin, "Na Pasen", _local(date(2027, 3, 25), 9, 30), _local(date(2027, 3, 25), 10, 30)
    )
    assert easter == [_local(date(2027, 3, 25), 10)]  # Good Friday and Easter Monday are no working days
    autumn = _sweep_until(
        sweeper, clock, standin, "Wintertijd", _local(date(2027, 11, 1), 9, 30), _local(date(2027, 11, 1), 10, 30)
    )
    assert autumn == [_local(date(2027, 11, 1), 10)] and autumn[0].utcoffset() == timedelta(hours=1)
    assert easter[0].utcoffset() == timedelta(hours=1)


def test_cancelled_and_moved_sittings_are_reminded_as_they_are_now(
    sweeper: Sweeper, clock: ManualClock, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    clock.set(_local(date(2026, 11, 23), 11))
    with session_factory() as session:
        series = schedule(
            session, date(2026, 11, 26), time(10), Repeat.WEEKLY, title="Wekelijks overleg", now=clock.now()
        )
    sweeper.run_once()  # plans the reminders of 26 November and 3 December
    with session_factory() as session:
        sanne = viewer(session, "sanne")
        first = meetings.target(session, series.id, date(2026, 11, 26), sanne, clock.now())
        meeting_changes.cancel(session, first, "geen zaal", sanne, clock.now())
        second = meetings.target(session, series.id, date(2026, 12, 3), sanne, clock.now())
        new_start = _local(date(2026, 12, 4), 15).astimezone(UTC)
        meeting_changes.move(session, second, new_start, None, sanne, clock.now())
        session.commit()
    moments = _sweep_until(
        sweeper, clock, standin, "Wekelijks overleg", _local(date(2026, 11, 25), 9), _local(date(2026, 12, 4), 15)
    )
    assert moments == [_local(date(2026, 12, 3), 10), _local(date(2026, 12, 4), 14, 45)]


def _rsvp(slack: SlackHarness, message: Call, answer: str, user: str) -> str:
    response_url = slack.standin.response_url()
    answered = slack.interaction(
        button_payload(message, f"meeting_rsvp_{answer}", user, response_url, slack.standin.trigger_id())
    )
    assert answered.status == 200
    return response_url


def test_rsvp_counts_update_in_place_and_pressing_twice_changes_nothing(
    slack: SlackHarness, sweeper: Sweeper, clock: ManualClock, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    with session_factory() as session:
        schedule(session, date(2026, 11, 25), time(14), title="RSVP-test")
    clock.set(_local(date(2026, 11, 24), 10))
    sweeper.run_once()
    [message] = _reminders(standin, "RSVP-test")
    fatima, pieter = person("fatima").slack_user_id, person("pieter").slack_user_id

    _rsvp(slack, message, "yes", fatima)
    [update] = standin.wait_for("chat.update")
    assert update.args["channel"] == CHANNEL and update.args["ts"] == message.response["ts"]
    assert "1 aanwezig" in reply_text(update) and "0 afwezig" in reply_text(update)

    again = _rsvp(slack, message, "yes", fatima)
    note = slack.wait_response(again)
    assert "niets veranderd" in reply_text(note) and note.args["response_type"] == "ephemeral"
    assert len(standin.calls_to("chat.update")) == 1

    _rsvp(slack, message, "maybe", pieter)
    standin.wait_for("chat.update", count=2)  # one click after the other, so the last update counts both
    _rsvp(slack, message, "no", fatima)
    updates = standin.wait_for("chat.update", count=3)
    assert "0 aanwezig" in reply_text(updates[-1]) and "1 afwezig" in reply_text(updates[-1])
    assert "1 misschien" in reply_text(updates[-1])
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Rsvp)) == 2


def test_who_answered_is_shown_to_the_chair_and_the_secretariat_only(
    slack: SlackHarness, sweeper: Sweeper, clock: ManualClock, session_factory: SessionFactory, standin: StandinSlack
) -> None:
    with session_factory() as session:
        schedule(session, date(2026, 11, 25), time(14), title="Wie-test")
    clock.set(_local(date(2026, 11, 24), 10))
    sweeper.run_once()
    [message] = _reminders(standin, "Wie-test")
    _rsvp(slack, message, "yes", person("joost").slack_user_id)
    standin.wait_for("chat.update")
    for key, allowed in (("sanne", True), ("fatima", False)):
        url = standin.response_url()
        slack.interaction(
            button_payload(message, "meeting_rsvp_who", person(key).slack_user_id, url, slack.standin.trigger_id())
        )
        answer = slack.wait_response(url)
        text = reply_text(answer)
        assert (person("joost").slack_user_id in text) is allowed, key
        assert answer.args.get("replace_original") is False
    blocks = json.dumps(standin.calls_to("chat.update")[-1].args["blocks"])
    assert person("joost").slack_user_id not in blocks  # the channel sees counts, not names


def test_the_planner_reads_the_meetings_again_only_after_a_change_or_an_hour(
    session_factory: SessionFactory, clock: ManualClock
) -> None:
    now = _local(date(2026, 11, 26), 9)
    with session_factory() as session:
        schedule(session, date(2026, 11, 30), time(14), title="Eerste")
        memory = PlannerMemory()  # as a sweeper keeps it between sweeps
        assert meeting_reminders.plan(session, now, memory) > 0
        session.commit()
        calls: list[datetime] = []
        real_plan = meeting_reminders._plan

        def counting(session: Session, at: datetime) -> int:
            calls.append(at)
            return real_plan(session, at)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(meeting_reminders, "_plan", counting)
            assert meeting_reminders.plan(session, now + timedelta(minutes=1), memory) == 0
            assert calls == []  # nothing changed: one fingerprint query, no reading of the series
            schedule(session, date(2026, 12, 1), time(11), title="Tweede")
            assert meeting_reminders.plan(session, now + timedelta(minutes=2), memory) == 2  # a new meeting: at once
            session.commit()
            assert meeting_reminders.plan(session, now + timedelta(minutes=61), memory) == 0
            assert len(calls) == 1
            assert meeting_reminders.plan(session, now + timedelta(minutes=63), memory) == 0  # an hour on: read again
            assert len(calls) == 2
