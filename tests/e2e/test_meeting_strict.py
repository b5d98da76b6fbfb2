"""Meeting defects a strict user found ("As strict as Slack", part 2), each through the real app."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from bot.db.engine import SessionFactory
from bot.db.models import Meeting, Rsvp, WorkingGroup
from tests.support.demo import person
from tests.support.harness import SlackHarness, reply_text
from tests.support.meetings import button_payload

SANNE, FATIMA, EMMA = (person(key).slack_user_id for key in ("sanne", "fatima", "emma"))
STRANGER = "UNKNOWN001"
AGENDA, VIDEO = "Geheime agendapunten XQ7", "https://video.example.org/leefbaar-XQ7"


def _meetings(session_factory: SessionFactory) -> int:
    with session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(Meeting)) or 0)


def _rsvps(session_factory: SessionFactory) -> int:
    with session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(Rsvp)) or 0)


# -- 10: say which part of the date or time is wrong --------------------------------------------------


@pytest.mark.parametrize(
    ("user", "text", "expected"),
    [
        (EMMA, "due diligence 31-2-2027 10:00", "There is no 31 February 2027"),
        (SANNE, "leefbaar loon 31-2-2027 10:00", "31 februari 2027 bestaat niet"),
        (EMMA, "due diligence 30 February 2027 10:00", "There is no 30 February 2027"),
        (EMMA, "due diligence 2027-13-01 10:00", "There is no month 13"),
        (EMMA, "due diligence 15-3-2027 25:00", "“25:00” is not a time: hours run from 0 to 23"),
        (SANNE, "leefbaar loon 15-3-2027 25:00", "“25:00” is geen tijd: de uren lopen van 0 tot en met 23"),
        (EMMA, "due diligence 15-3-2027 10:75", "minutes run from 00 to 59"),
    ],
)
def test_an_impossible_date_or_time_is_named_and_nothing_is_saved(
    slack: SlackHarness, session_factory: SessionFactory, user: str, text: str, expected: str
) -> None:
    before = _meetings(session_factory)
    reply = reply_text(slack.command("/meeting", f"schedule {text}", user))
    assert expected in reply and "could not find a group" not in reply and "vond geen groep" not in reply
    assert _meetings(session_factory) == before


# -- 18: a group whose name ends in a weekday --------------------------------------------------------


def test_a_group_named_after_a_weekday_keeps_its_explicit_date(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    added = reply_text(slack.command("/meeting", "group add hernieuwbare-energie Conf Tuesday", SANNE))
    assert "Conf Tuesday" in added
    reply = reply_text(slack.command("/meeting", "schedule Conf Tuesday 2027-01-12 14:00 90m", SANNE))
    assert "Ingepland" in reply, reply
    with session_factory() as session:
        conf = session.scalar(select(WorkingGroup).where(WorkingGroup.name == "Conf Tuesday"))
        assert conf is not None
        meeting = session.scalar(select(Meeting).where(Meeting.working_group_id == conf.id))
        assert meeting is not None
        assert meeting.starts_at.date() == date(2027, 1, 12)
        assert (meeting.ends_at - meeting.starts_at).total_seconds() == 90 * 60


def test_a_weekday_after_a_group_still_means_the_coming_one(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    slack.command("/meeting", "group add hernieuwbare-energie Conf Tuesday", SANNE)
    # Monday 23 November 2026: "dinsdag" is the 24th; the group "Conf Tuesday" is also known.
    reply = reply_text(slack.command("/meeting", "schedule leefbaar loon dinsdag 14:00", SANNE))
    assert "Ingepland" in reply, reply
    on_tuesday = reply_text(slack.command("/meeting", "schedule Conf Tuesday tuesday 15:00", SANNE))
    assert "Ingepland" in on_tuesday, on_tuesday
    with session_factory() as session:
        days = sorted(
            m.starts_at.date() for m in session.scalars(select(Meeting).where(Meeting.uid.not_like("demo-%")))
        )
    assert days == [date(2026, 11, 24), date(2026, 11, 24)]


def test_a_weekday_that_contradicts_the_date_is_not_a_date(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    before = _meetings(session_factory)
    # 12 January 2027 is a Tuesday, not a Friday: dateutil would quietly take the number and drop the word.
    reply = reply_text(slack.command("/meeting", "schedule due diligence Friday 2027-01-12 14:00", EMMA))
    assert "Scheduled" not in reply
    assert _meetings(session_factory) == before


# -- 7: every sitting of a series is checked for Dutch public holidays -------------------------------


def test_every_holiday_sitting_of_a_series_is_listed_and_skipped_in_one_step(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    reply = slack.command("/meeting", "schedule leefbaar loon 29-4-2027 14:00 wekelijks", SANNE)
    text = reply_text(reply)
    assert "Ingepland" in text
    # Thursdays within the series' horizon: Ascension 2027, King's Day 2028, Ascension 2028.
    for day, holiday in (("6 mei 2027", "Hemelvaartsdag"), ("27 april 2028", "Koningsdag"), ("25 mei 2028", "Hemelv")):
        assert day in text and holiday in text, text
    assert text.count("Hemelvaartsdag") == 2
    with session_factory() as session:
        meeting = session.scalar(select(Meeting).where(Meeting.uid.not_like("demo-%")))
        assert meeting is not None and meeting.exceptions == []
    url = slack.standin.response_url()
    payload = button_payload(reply, "meeting_skip_holidays", SANNE, url, slack.standin.trigger_id())
    payload["container"] = {"type": "message", "is_ephemeral": True}
    assert slack.interaction(payload).status == 200
    skipped = reply_text(slack.wait_response(url))
    assert "3" in skipped and "overgeslagen" in skipped, skipped
    with session_factory() as session:
        meeting = session.scalar(select(Meeting).where(Meeting.uid.not_like("demo-%")))
        assert meeting is not None
        cancelled = sorted(e.recurrence_id.date() for e in meeting.exceptions if e.status.value == "cancelled")
    assert cancelled == [date(2027, 5, 6), date(2028, 4, 27), date(2028, 5, 25)]


def test_a_series_without_holidays_offers_nothing_to_skip(slack: SlackHarness) -> None:
    reply = slack.command("/meeting", "schedule leefbaar loon 15-3-2027 14:00 90m", SANNE)
    assert "Ingepland" in reply_text(reply)
    assert "meeting_skip_holidays" not in str(reply.args.get("blocks"))


@pytest.mark.parametrize("presser", [EMMA, STRANGER], ids=["member of another covenant's group", "unknown user"])
def test_a_forged_skip_by_someone_outside_the_group_cancels_nothing(
    slack: SlackHarness, session_factory: SessionFactory, presser: str
) -> None:
    reply = slack.command("/meeting", "schedule leefbaar loon 29-4-2027 14:00 wekelijks", SANNE)
    assert "Ingepland" in reply_text(reply)
    url = slack.standin.response_url()
    # The button Sanne got, pressed (its value copied) by someone who may not change or even see the meeting.
    payload = button_payload(reply, "meeting_skip_holidays", presser, url, slack.standin.trigger_id())
    payload["container"] = {"type": "message", "is_ephemeral": True}
    assert slack.interaction(payload).status == 200
    answer = reply_text(slack.wait_response(url))
    assert ":warning:" in answer and "overgeslagen" not in answer and "Skipped" not in answer, answer
    assert "Hemelvaartsdag" not in answer and "6 May 2027" not in answer  # nothing of the series shown
    with session_factory() as session:
        meeting = session.scalar(select(Meeting).where(Meeting.uid.not_like("demo-%")))
        assert meeting is not None and meeting.exceptions == []  # 0 writes
