"""Units of the minutes feature: working days, the form's action items, deadlines kept and waived,
due dates typed in Dutch or English, who may see what, and the planner noticing new meetings at once."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.commands.dates import parse_date
from bot.commands.minutes_form import parse_action_items
from bot.db.engine import SessionFactory
from bot.db.enums import DeadlineStatus, MeetingKind
from bot.db.models import Deadline, Meeting, Minutes, Organisation, ReminderDelivery
from bot.services import access, action_items, minutes_planner, working_days
from bot.services import minutes as service
from bot.services.action_items import ActionItemDraft
from bot.services.errors import FieldError
from bot.services.fingerprints import PlannerMemory
from tests.conftest import NOW
from tests.minutes_support import CALL_START, uid

MEETING_DAY = date(2026, 11, 25)


def test_working_days_skip_weekends_and_kings_day() -> None:
    friday = datetime(2027, 4, 23, 14, 0, tzinfo=UTC)
    # Monday 26 April, (Tuesday 27 April is King's Day), Wednesday 28 April.
    assert working_days.add_business_days(friday, 2, "Europe/Amsterdam") == datetime(2027, 4, 28, 14, 0, tzinfo=UTC)
    assert working_days.end_of_business_days(friday, 5, "Europe/Amsterdam") == datetime(2027, 5, 3, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("vrijdag", date(2026, 11, 27)),
        ("friday", date(2026, 11, 27)),
        ("maandag", date(2026, 11, 30)),  # never today: next Monday
        ("over 2 weken", date(2026, 12, 7)),
        ("in 3 days", date(2026, 11, 26)),
        ("15 januari", date(2027, 1, 15)),  # with future=True: no year and passed -> next year
        ("2026-01-15", date(2026, 1, 15)),  # a year given is kept
    ],
)
def test_due_dates_in_dutch_and_english(typed: str, expected: date) -> None:
    assert parse_date(typed, date(2026, 11, 23), future=True) == expected


def _call(session: Session) -> Minutes:
    meeting = session.scalar(select(Meeting).where(Meeting.title.like("Metals due diligence%")))
    assert meeting is not None
    minutes = service.open_draft(session, meeting, CALL_START, NOW, "test")
    session.commit()
    return minutes


def test_action_item_lines_in_every_accepted_form(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        minutes = _call(session)
        drafts = parse_action_items(
            session,
            minutes,
            "- @Emma — share the template — 2 december\n"
            f"• <@{uid('ahmed')}> – draft the grievance questions – vrijdag\n"
            "\n"
            "3. @tom whitaker | book a room for the A-B session | over 2 weken\n",
            date(2026, 11, 23),
            MEETING_DAY,
        )
    assert drafts == [
        ActionItemDraft(uid("emma"), "share the template", date(2026, 12, 2)),
        ActionItemDraft(uid("ahmed"), "draft the grievance questions", date(2026, 11, 27)),
        ActionItemDraft(uid("tom"), "book a room for the A-B session", date(2026, 12, 7)),
    ]


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("share the template by friday", "minutes.form.action_shape"),
        ("@ — share — friday", "minutes.form.owner_missing"),
        ("@Zorro — share the template — friday", "minutes.form.owner_unknown"),
        ("@Emma — share the template — someday", "minutes.form.action_due"),
        ("@Emma — share the template — 1 november 2026", "minutes.form.due_before_meeting"),
    ],
)
def test_bad_action_item_lines_name_the_line_and_the_problem(
    session_factory: SessionFactory, line: str, key: str
) -> None:
    with session_factory() as session:
        minutes = _call(session)
        with pytest.raises(FieldError) as error:
            parse_action_items(session, minutes, f"@Emma — fine — friday\n{line}", date(2026, 11, 23), MEETING_DAY)
    assert (error.value.field, error.value.key, error.value.values["line"]) == ("actions", key, 2)


def test_saving_again_keeps_moves_and_waives_deadlines(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        minutes = service.load(session, _call(session).id)
        first = action_items.replace(
            session,
            minutes,
            [
                ActionItemDraft(uid("emma"), "Share the template", date(2026, 12, 2)),
                ActionItemDraft(uid("ahmed"), "Draft the questions", date(2026, 12, 4)),
            ],
            NOW,
            "test",
        )
        kept, dropped = (item.deadline_id for item in first.created)
        second = action_items.replace(
            session,
            minutes,
            [ActionItemDraft(uid("emma"), "Share the templates", date(2026, 12, 9))],  # near-same task, new date
            NOW,
            "test",
        )
        session.commit()
        assert (len(second.created), len(second.kept), second.waived) == (0, 1, 1)
        deadline, waived = session.get(Deadline, kept), session.get(Deadline, dropped)
        assert deadline is not None and waived is not None
        assert (deadline.due_on, deadline.title, deadline.status) == (
            date(2026, 12, 9),
            "Share the templates",
            DeadlineStatus.OPEN,
        )
        assert waived.status == DeadlineStatus.WAIVED


def _viewer(session: Session, key: str) -> access.Viewer:
    return access.viewer_for(session, uid(key), None, "en", "Europe/Amsterdam")


def test_who_may_see_approve_and_write_minutes(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        steering = session.scalar(select(Meeting).where(Meeting.title.like("Stuurgroep Metaal%")))
        working = session.scalar(select(Meeting).where(Meeting.title.like("Metals due diligence%")))
        assert steering is not None and working is not None
        assert access.may_see_minutes(session, _viewer(session, "joost"), steering)
        assert not access.may_see_minutes(session, _viewer(session, "emma"), steering)
        assert access.may_see_minutes(session, _viewer(session, "emma"), working)
        assert not access.may_see_minutes(session, _viewer(session, "joost"), working)
        assert access.may_approve_minutes(session, _viewer(session, "emma"), working)  # the chair
        assert access.may_approve_minutes(session, _viewer(session, "sanne"), working)  # the secretariat
        assert not access.may_approve_minutes(session, _viewer(session, "james"), working)
        assert access.may_write_minutes(
            session, _viewer(session, "james"), working, _viewer(session, "james").person_id
        )


def _assessment(session: Session, minute_taker: str) -> Meeting:
    working = session.scalar(select(Meeting).where(Meeting.title.like("Metals due diligence%")))
    delta = session.scalar(select(Organisation).where(Organisation.name.like("Delta Alloys%")))
    taker = access.viewer_for(session, uid(minute_taker), None, "en", "UTC").person_id
    assert working is not None and delta is not None
    meeting = Meeting(
        uid=f"test-{uuid.uuid4()}",
        working_group_id=working.working_group_id,
        kind=MeetingKind.ASSESSMENT,
        title="Beoordelingsgesprek Delta Alloys",
        starts_at=NOW - timedelta(hours=3),
        ends_at=NOW - timedelta(hours=2),
        organisation_id=delta.id,
        minute_taker_id=taker,
    )
    session.add(meeting)
    session.commit()
    return meeting


def test_planner_notices_a_new_meeting_at_once_and_never_announces_a_confidential_one(
    session_factory: SessionFactory,
) -> None:
    with session_factory() as session:
        memory = PlannerMemory()  # as a sweeper keeps it between sweeps
        minutes_planner.plan(session, NOW, memory)  # plans the demo meeting of two days ago, then knows it is quiet
        session.commit()
        assert minutes_planner.plan(session, NOW + timedelta(minutes=1), memory) == 0
        meeting = _assessment(session, "tom")
        assert minutes_planner.plan(session, NOW + timedelta(minutes=2), memory) == 1
        session.commit()
        rows = session.scalars(select(ReminderDelivery).where(ReminderDelivery.meeting_id == meeting.id)).all()
        assert [(r.rule, r.recipient) for r in rows] == [("minutes-taker", uid("tom"))]
        assert access.may_see_minutes(session, _viewer(session, "emma"), meeting)  # Delta's own contact
        assert not access.may_see_minutes(session, _viewer(session, "ahmed"), meeting)  # in the group, other firm
