"""Digests: the secretariat's at 08:30 on business days, each group's on Monday 09:00, each once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, event, select

from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.models import Covenant, ReminderDelivery, WorkingGroup
from bot.delivery import Sweeper
from bot.services.plans import deadlines, digests
from bot.slack_standin import StandinSlack


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
