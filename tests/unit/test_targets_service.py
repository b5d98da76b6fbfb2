"""The targets service: value parsing, trend, formatting by unit and the derivations on the demo data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.db.engine import SessionFactory
from bot.db.enums import DeadlineKind, DeadlineStatus, MeetingStatus, MinutesStatus, RoleKind, RsvpAnswer
from bot.db.models import ActionItem, Deadline, Meeting, Rsvp, TargetMeasurement, WorkingGroup
from bot.render.targets import value_text
from bot.services.covenants import target_derivations, target_entry
from bot.services.covenants.target_entry import parse_value
from bot.services.covenants.targets import Measurement, TargetFigures, target_figures
from bot.services.errors import UsageError
from bot.services.people.access import Viewer
from tests.support.demo import NOW, person
from tests.support.factories import add_minutes, covenant, organisation


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("80", (80.0, False)),
        ("80%", (80.0, True)),
        ("80,5", (80.5, False)),
        ("80.5 %", (80.5, True)),
        ("0", (0.0, False)),
    ],
)
def test_values_are_read_as_typed(typed: str, parsed: tuple[float, bool]) -> None:
    assert parse_value(typed) == parsed


@pytest.mark.parametrize("typed", ["", "lots", "-5", "1.250,5", "80%%", "nan", "inf", "1e5", "٨٠", "80 5"])
def test_anything_else_is_no_value(typed: str) -> None:
    assert parse_value(typed) is None


def _figures(*values: float) -> TargetFigures:
    measurements = tuple(Measurement(date(2020 + i, 12, 31), 2020 + i, v, "entered") for i, v in enumerate(values))
    return TargetFigures("k", "nl", "en", "percent", 50, None, True, measurements)


def test_trend_compares_the_last_two_measurements() -> None:
    assert _figures().trend is None and _figures(3).trend is None
    assert _figures(9, 3, 4).trend == "up"
    assert _figures(3, 4, 2).trend == "down"
    assert _figures(1, 4, 4).trend == "flat"
    assert _figures(1, 2).latest == Measurement(date(2021, 12, 31), 2021, 2, "entered")
    assert _figures().name("nl") == "nl" and _figures().name("en") == "en"


def test_values_are_formatted_by_unit_and_language() -> None:
    assert value_text(41.5, "percent", "nl") == "41,5%"
    assert value_text(41.5, "percent", "en") == "41.5%"
    assert value_text(8.0, "count", "nl") == "8"
    assert value_text(83.33, "percent", "en") == "83.3%"


def test_derived_participants_count_joins_and_leaves_per_cycle(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        wind = covenant(session, "hernieuwbare-energie")
        rows = target_derivations.participants(session, wind, NOW.date())
        by_cycle = {row.cycle: row.value for row in rows}
        assert by_cycle[2023] < by_cycle[2026]
        assert rows[-1].on == NOW.date()
        # Private targets only with include_private; the public ones in both.
        public = {f.key for f in target_figures(session, wind, NOW.date(), include_private=False)}
        every = {f.key for f in target_figures(session, wind, NOW.date(), include_private=True)}
        assert public == {"plans-on-time", "participants", "grievance-access"}
        assert every == public | {"outcomes-meet", "meetings-held", "attendance", "action-items-on-time"}


def test_each_derivation_runs_on_the_demo_data(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        for slug in ("hernieuwbare-energie", "metaal", "textiel"):
            for name, derive in target_derivations.DERIVATIONS.items():
                for row in derive(session, covenant(session, slug), NOW.date()):
                    assert row.on <= NOW.date() and row.value >= 0, (slug, name, row)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.one_of(st.text(max_size=12), st.from_regex(r"\A-?[0-9]{1,4}([.,][0-9]{0,5})? ?%{0,2}\Z")))
def test_the_secretariat_typing_anything_records_a_sound_value_or_nothing(
    session_factory: SessionFactory, typed: str
) -> None:
    with session_factory() as session:
        wind = covenant(session, "hernieuwbare-energie")
        sanne = person("sanne")
        actor = Viewer(
            slack_user_id=sanne.slack_user_id,
            language="nl",
            timezone="Europe/Amsterdam",
            roles={wind.id: frozenset({RoleKind.SECRETARIAT})},
        )
        before = session.scalar(select(func.count()).select_from(TargetMeasurement))
        try:
            entered = target_entry.measure(session, actor, wind, "grievance-access", typed, NOW.date(), NOW.date(), NOW)
        except UsageError:
            session.rollback()
            assert session.scalar(select(func.count()).select_from(TargetMeasurement)) == before
        else:
            assert 0 <= entered.value <= 100
            assert parse_value(typed) is not None


def test_meetings_attendance_and_action_items_are_derived_per_cycle(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        textiel = covenant(session, "textiel")
        wg = WorkingGroup(covenant_id=textiel.id, name="Doelen testgroep", calendar_token="targets-test-token")
        session.add(wg)
        session.flush()

        def sitting(uid: str, start: datetime, **extra: object) -> Meeting:
            meeting = Meeting(
                uid=uid, working_group_id=wg.id, title=uid, starts_at=start, ends_at=start + timedelta(hours=1), **extra
            )
            session.add(meeting)
            session.flush()
            return meeting

        held = sitting("targets-held", datetime(2025, 5, 1, 9, tzinfo=UTC))
        sitting("targets-cancelled", datetime(2025, 6, 1, 9, tzinfo=UTC), status=MeetingStatus.CANCELLED)
        company = organisation(session, "Windkracht")
        sitting("targets-assessment", datetime(2025, 7, 1, 9, tzinfo=UTC), organisation_id=company.id)
        for n, answer in enumerate([RsvpAnswer.YES] * 3 + [RsvpAnswer.NO] * 2):
            session.add(
                Rsvp(meeting_id=held.id, occurrence_start=held.starts_at, slack_user_id=f"UT{n}", answer=answer)
            )
        minutes = add_minutes(session, held, MinutesStatus.APPROVED, held.starts_at)
        due = date(2025, 6, 1)
        for n in range(4):
            deadline = Deadline(covenant_id=textiel.id, kind=DeadlineKind.ACTION_ITEM, title=f"actie {n}", due_on=due)
            if n < 3:  # three done: two on time, one a day late
                deadline.status = DeadlineStatus.DONE
                deadline.done_at = datetime(2025, 5, 30, 12, tzinfo=UTC) + timedelta(days=2 * n)
            session.add(deadline)
            session.flush()
            session.add(
                ActionItem(minutes_id=minutes.id, position=n, task=f"actie {n}", due_on=due, deadline_id=deadline.id)
            )
        session.flush()
        today = NOW.date()
        assert [(r.cycle, r.value) for r in target_derivations.meetings_held(session, textiel, today)] == [(2025, 1.0)]
        assert [(r.cycle, r.value, r.basis) for r in target_derivations.attendance(session, textiel, today)] == [
            (2025, 60.0, 5)
        ]
        assert [
            (r.cycle, r.value, r.basis) for r in target_derivations.action_items_on_time(session, textiel, today)
        ] == [(2025, 50.0, 4)]
        session.rollback()
