"""Chasing through the reminder engine: no draft two working days after the meeting -> the minute-taker;
circulated but not approved when the comment window closes -> the chair. Each once."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.delivery import Sweeper
from bot.services.minutes import minutes as service
from bot.services.minutes.action_items import ActionItemDraft
from bot.services.minutes.minutes import MinutesForm
from bot.services.people import access
from bot.slack_standin import StandinSlack
from tests.support.harness import reply_text
from tests.support.minutes import call_minutes, end_the_call, posts, uid

FORM = MinutesForm(summary="Round of updates.", attendees=None, decisions=["Adopt the template."])


def _as(session: Session, key: str) -> access.Viewer:
    return access.viewer_for(session, uid(key), None, "en", "Europe/Amsterdam")


def _sweep_at(clock: ManualClock, sweeper: Sweeper, moment: datetime) -> None:
    clock.set(moment)
    sweeper.run_once()


def test_no_draft_two_working_days_after_the_meeting_reminds_the_minute_taker_once(
    clock: ManualClock, sweeper: Sweeper, standin: StandinSlack
) -> None:
    end_the_call(clock, sweeper, standin)  # Wednesday 25 November, the call ended 10:30 in Amsterdam
    _sweep_at(clock, sweeper, datetime(2026, 11, 26, 10, 0, tzinfo=UTC))
    _sweep_at(clock, sweeper, datetime(2026, 11, 27, 9, 29, tzinfo=UTC))  # Friday 10:29, not two working days
    assert posts(standin, uid("tom"), "no draft yet") == []
    _sweep_at(clock, sweeper, datetime(2026, 11, 27, 9, 31, tzinfo=UTC))
    chased = posts(standin, uid("tom"), "no draft yet")
    assert len(chased) == 1 and "minutes_add" in reply_text(chased[0])
    _sweep_at(clock, sweeper, datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    assert len(posts(standin, uid("tom"), "no draft yet")) == 1


def test_a_draft_written_in_time_is_not_chased(
    clock: ManualClock, sweeper: Sweeper, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    end_the_call(clock, sweeper, standin)
    with session_factory() as session:
        service.save(session, service.load(session, call_minutes(session).id), _as(session, "tom"), FORM, clock.now())
        session.commit()
    _sweep_at(clock, sweeper, datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    assert posts(standin, uid("tom"), "no draft yet") == []


def _circulate(session_factory: SessionFactory, clock: ManualClock) -> int:
    with session_factory() as session:
        minutes = service.load(session, call_minutes(session).id)
        form = MinutesForm(
            summary="Round of updates.",
            attendees=None,
            action_items=[ActionItemDraft(uid("emma"), "Share the template", datetime(2026, 12, 4).date())],
        )
        service.save(session, minutes, _as(session, "tom"), form, clock.now())
        service.circulate(session, minutes, _as(session, "tom"), clock.now())
        session.commit()
        assert minutes.comments_until == datetime(2026, 12, 2, 16, 0, tzinfo=UTC)  # 5 working days, 17:00 local
        return minutes.id


def test_circulated_minutes_not_approved_when_the_window_closes_remind_the_chair_once(
    clock: ManualClock, sweeper: Sweeper, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    end_the_call(clock, sweeper, standin)
    _circulate(session_factory, clock)
    _sweep_at(clock, sweeper, datetime(2026, 12, 2, 15, 59, tzinfo=UTC))
    _sweep_at(clock, sweeper, datetime(2026, 12, 2, 16, 1, tzinfo=UTC))  # closed, but 17:01 is after working hours
    assert posts(standin, uid("emma"), "comment window") == []
    _sweep_at(clock, sweeper, datetime(2026, 12, 3, 8, 1, tzinfo=UTC))  # Thursday 09:01
    chased = posts(standin, uid("emma"), "comment window")
    assert len(chased) == 1 and "minutes_approve" in reply_text(chased[0])
    _sweep_at(clock, sweeper, datetime(2026, 12, 4, 8, 1, tzinfo=UTC))
    assert len(posts(standin, uid("emma"), "comment window")) == 1


def test_minutes_approved_before_the_window_closes_are_not_chased(
    clock: ManualClock, sweeper: Sweeper, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    end_the_call(clock, sweeper, standin)
    minutes_id = _circulate(session_factory, clock)
    with session_factory() as session:
        assert service.approve(session, service.load(session, minutes_id), _as(session, "emma"), clock.now())
        session.commit()
    _sweep_at(clock, sweeper, datetime(2026, 12, 3, 8, 1, tzinfo=UTC))
    assert posts(standin, uid("emma"), "comment window") == []
