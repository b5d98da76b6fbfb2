"""Digests: the secretariat's at 08:30 on business days, each group's on Monday 09:00, each once."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, event, select

from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.enums import DeadlineStatus, MinutesStatus
from bot.db.models import ActionItem, Covenant, Deadline, Meeting, Organisation, ReminderDelivery, WorkingGroup
from bot.delivery import Sweeper
from bot.services.minutes import minutes as service
from bot.services.plans import deadlines, digests
from bot.slack_standin import StandinSlack
from tests.support.demo import NOW, person
from tests.support.factories import windkracht_deadline
from tests.support.minutes import one_off_meeting


def _digests(standin: StandinSlack, channel: str) -> list[str]:
    return [
        str(c.args["text"])
        for c in standin.calls_to("chat.postMessage")
        if c.ok
        and c.args["channel"] == channel
        and ("Goedemorgen" in str(c.args["text"]) or "Deze week" in str(c.args["text"]))
    ]


def test_morning_digest_once_per_business_day(sweeper: Sweeper, clock: ManualClock, standin: StandinSlack) -> None:
    clock.set(datetime(2026, 11, 23, 7, 0, tzinfo=UTC))  # Monday 08:00 Amsterdam: too early
    sweeper.run_once()
    assert _digests(standin, "CDEMOSECHE") == []
    clock.set(datetime(2026, 11, 23, 7, 31, tzinfo=UTC))  # 08:31
    sweeper.run_once()
    sweeper.run_once()
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    sweeper.run_once()
    digests = _digests(standin, "CDEMOSECHE")
    assert len(digests) == 1 and "Hernieuwbare" in digests[0]
    body = str([c.args["blocks"] for c in standin.calls_to("chat.postMessage") if c.args["channel"] == "CDEMOSECHE"])
    assert "Noordzee Wind Services" in body  # overdue plan listed for the secretariat
    clock.set(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))  # Saturday: none
    sweeper.run_once()
    assert len(_digests(standin, "CDEMOSECHE")) == 1


def test_group_digest_on_monday_morning_only(sweeper: Sweeper, clock: ManualClock, standin: StandinSlack) -> None:
    clock.set(datetime(2026, 11, 23, 8, 5, tzinfo=UTC))  # Monday 09:05 Amsterdam
    sweeper.run_once()
    sweeper.run_once()
    assert len(_digests(standin, "CDEMOWG001")) == 1
    clock.set(datetime(2026, 11, 24, 8, 5, tzinfo=UTC))  # Tuesday
    sweeper.run_once()
    assert len(_digests(standin, "CDEMOWG001")) == 1


def test_digests_go_to_each_covenants_secretariat_and_each_group_channel(session_factory: SessionFactory) -> None:
    monday = datetime(2026, 11, 23, 8, 5, tzinfo=UTC)  # 09:05 Amsterdam: both windows open
    with session_factory() as session:
        digests.plan_digests(session, monday)
        session.commit()
        planned = {
            (row.rule, row.recipient, row.covenant_id, row.working_group_id)
            for row in session.scalars(select(ReminderDelivery).where(ReminderDelivery.rule.like("digest-%")))
        }
        expected = {
            ("digest-secretariat", target, covenant_id, None)
            for covenant_id in session.scalars(select(Covenant.id))
            for target in deadlines.secretariat_recipients(session, covenant_id)
        } | {
            ("digest-group", group.channel_id, group.covenant_id, group.id)
            for group in session.scalars(select(WorkingGroup).where(WorkingGroup.channel_id.is_not(None)))
        }
    assert planned == expected
    assert any(rule == "digest-group" for rule, *_ in planned)


def test_an_idle_sweep_plans_digests_without_writing(session_factory: SessionFactory, engine: Engine) -> None:
    monday = datetime(2026, 11, 23, 8, 5, tzinfo=UTC)
    with session_factory() as session:
        assert digests.plan_digests(session, monday) > 0
        session.commit()
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        with session_factory() as session:
            assert digests.plan_digests(session, monday + timedelta(minutes=1)) == 0
            session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert not [s for s in statements if not s.lstrip().upper().startswith("SELECT")], statements
    assert len(statements) <= 4, statements


def _plant_action_items(session_factory: SessionFactory) -> None:
    """Approved minutes of a sitting of the metals working group last week, with action items: one late, one
    open, one done; and Delta's assessment meeting's minutes with a late item of its own (confidential)."""
    done = windkracht_deadline(session_factory, date(2026, 11, 30), "Done already")
    with session_factory() as session:
        working = session.scalar(select(Meeting).where(Meeting.title.like("Metals due diligence%")))
        delta = session.scalar(select(Organisation).where(Organisation.name.like("Delta Alloys%")))
        assert working is not None and delta is not None
        deadline = session.get(Deadline, done)
        assert deadline is not None
        deadline.status = DeadlineStatus.DONE
        sittings = []
        for title, organisation in (("Extra metals call", None), ("Beoordelingsgesprek Delta Alloys", delta.id)):
            meeting = one_off_meeting(
                session, working.working_group_id, title, NOW - timedelta(days=7), organisation_id=organisation
            )
            minutes = service.open_draft(session, meeting, meeting.starts_at, NOW, "test")
            minutes.status = MinutesStatus.APPROVED
            sittings.append(minutes)
        ahmed, emma = person("ahmed").slack_user_id, person("emma").slack_user_id
        sittings[0].action_items = [
            ActionItem(position=0, owner_slack_id=ahmed, task="Send the smelter list", due_on=date(2026, 11, 20)),
            ActionItem(position=1, owner_slack_id=emma, task="Draft the audit letter", due_on=date(2026, 12, 4)),
            ActionItem(
                position=2, owner_slack_id=emma, task="Book the room", due_on=date(2026, 11, 19), deadline_id=done
            ),
        ]
        sittings[1].action_items = [
            ActionItem(position=0, owner_slack_id=emma, task="Delta resubmits its plan", due_on=date(2026, 11, 18))
        ]
        session.commit()


def _body(standin: StandinSlack, channel: str) -> str:
    return json.dumps(
        [c.args["blocks"] for c in standin.calls_to("chat.postMessage") if c.ok and c.args["channel"] == channel],
        ensure_ascii=False,
    )


def test_digests_list_open_and_late_action_items_with_owners_and_never_a_confidential_one(
    sweeper: Sweeper, clock: ManualClock, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    _plant_action_items(session_factory)
    clock.set(datetime(2026, 11, 23, 8, 5, tzinfo=UTC))  # Monday 09:05 Amsterdam: both digests are due
    sweeper.run_once()
    group = _body(standin, "CDEMOWG002")  # the metals working group's channel (English)
    assert "Open action items (2)" in group
    assert "Ahmed" in group and "Send the smelter list" in group and "(late)" in group
    assert "Draft the audit letter" in group
    assert "Book the room" not in group  # its deadline is done
    assert "Delta resubmits" not in group  # an assessment meeting's: the channel may not read it
    assert group.index("Send the smelter list") < group.index("Draft the audit letter")  # late ones first
    with session_factory() as session:
        metals = session.scalar(select(Covenant).where(Covenant.slug == "metaal"))
        assert metals is not None and metals.secretariat_channel
        secretariat_channel = metals.secretariat_channel
    secretariat = _body(standin, secretariat_channel)
    assert "Send the smelter list" in secretariat and "Delta resubmits its plan" in secretariat
    assert "Draft the audit letter" not in secretariat  # only the overdue ones, for the secretariat
