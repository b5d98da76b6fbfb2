"""The retention policy (config/retention.yml): a dry run lists what would go and changes nothing; the real run
(the CLI, as the nightly job runs it) deletes exactly the records older than their rule's period."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import Engine, select

from bot.db.engine import SessionFactory
from bot.db.enums import DeliveryStatus, MinutesStatus
from bot.db.models import (
    AckedWork,
    AuditEntry,
    Meeting,
    Minutes,
    MinutesContribution,
    ProcessedEvent,
    ReminderDelivery,
    SlackProfile,
)
from bot.services.minutes import minutes_search
from bot.services.privacy import retention
from tests.support.privacy import snapshot

NOW = datetime.now(UTC)


def _cli(engine: Engine, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DATABASE_URL"))}
    env["DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    return subprocess.run(
        [sys.executable, "-m", "bot.entry.cli", "privacy", "retention", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _plant(factory: SessionFactory) -> tuple[dict[str, set[object]], dict[str, set[object]]]:
    """Rows just past and just within each rule's period: (old ones by rule, kept ones by rule)."""
    months = relativedelta(months=1)
    old: dict[str, set[object]] = {}
    kept: dict[str, set[object]] = {}
    with factory() as session:
        meeting = session.scalars(select(Meeting).order_by(Meeting.id)).first()
        assert meeting is not None

        def minutes(approved: datetime | None, word: str) -> int:
            status = MinutesStatus.APPROVED if approved else MinutesStatus.DRAFT
            row = Minutes(
                meeting_id=meeting.id,
                occurrence_start=NOW - timedelta(days=900) + timedelta(hours=len(word)),
                status=status,
                approved_at=approved,
                summary="Retention test",
            )
            session.add(row)
            session.flush()
            contribution = MinutesContribution(minutes_id=row.id, author_slack_id="URETAIN01", text=word)
            session.add(contribution)
            session.flush()
            session.refresh(row)
            minutes_search.refresh(session, row)
            return contribution.id

        old["minutes_contributions"] = {minutes(NOW - 13 * months, "oldthreadword")}
        kept["minutes_contributions"] = {minutes(NOW - 11 * months, "newerthreadword"), minutes(None, "draftword")}

        def delivery(key: str, status: DeliveryStatus, age: relativedelta) -> int:
            row = ReminderDelivery(
                dedupe_key=f"retention:{key}",
                rule="remind-7d",
                recipient="URETAIN01",
                planned_for=NOW - age,
                status=status,
            )
            session.add(row)
            session.flush()
            return row.id

        old["deliveries"] = {
            delivery("sent-old", DeliveryStatus.SENT, 25 * months),
            delivery("failed-old", DeliveryStatus.FAILED, 30 * months),
        }
        kept["deliveries"] = {
            delivery("sent-new", DeliveryStatus.SENT, 23 * months),
            delivery("planned-old", DeliveryStatus.PLANNED, 25 * months),
        }

        def audit(years: int) -> int:
            row = AuditEntry(at=NOW - relativedelta(years=years), actor="URETAIN01", action="test", entity="test")
            session.add(row)
            session.flush()
            return row.id

        old["audit"], kept["audit"] = {audit(8)}, {audit(6)}
        session.add_all(
            [
                SlackProfile(slack_user_id="URETAINOLD", real_name="Old", fetched_at=NOW - timedelta(days=40)),
                SlackProfile(slack_user_id="URETAINNEW", real_name="New", fetched_at=NOW - timedelta(days=10)),
                ProcessedEvent(event_id="EvRetainOld", received_at=NOW - timedelta(days=3)),
                ProcessedEvent(event_id="EvRetainNew", received_at=NOW - timedelta(hours=3)),
            ]
        )
        old["slack_profiles"], kept["slack_profiles"] = {"URETAINOLD"}, {"URETAINNEW"}
        old["processed_events"], kept["processed_events"] = {"EvRetainOld"}, {"EvRetainNew"}
        works = [
            AckedWork(function="f", status=status, received_at=NOW - age, claimed_by="w", request=None)
            for status, age in (
                ("done", timedelta(days=3)),
                ("pending", timedelta(days=3)),
                ("done", timedelta(hours=1)),
            )
        ]
        session.add_all(works)
        session.commit()
        old["acked_work"], kept["acked_work"] = {works[0].id}, {works[1].id, works[2].id}
    return old, kept


def _present(factory: SessionFactory) -> dict[str, set[object]]:
    keys = {name: retention.FINDERS[name](NOW)[0] for name in retention.FINDERS}
    with factory() as session:
        return {name: set(session.scalars(select(key))) for name, key in keys.items()}


def test_dry_run_lists_and_the_run_deletes_exactly_what_is_past_its_period(
    engine: Engine, session_factory: SessionFactory, tmp_path: Path
) -> None:
    rules = retention.load_policy()
    with session_factory() as session:
        baseline = {o.rule: o.count for o in retention.apply(session, rules, NOW, dry_run=True)}
    old, kept = _plant(session_factory)
    with session_factory() as session:
        before = snapshot(session)

    dry = _cli(engine, tmp_path, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == list(retention.FINDERS)
    for line, rule in zip(lines, retention.FINDERS, strict=True):
        assert f"would remove {baseline[rule] + len(old[rule])} older than" in line, line
    assert "audit: kept 7 years, counted from the change;" in dry.stdout
    assert "URETAINOLD" in dry.stdout  # the ids that would go are listed
    with session_factory() as session:
        assert snapshot(session) == before

    done = _cli(engine, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "removed" in done.stdout and "would" not in done.stdout
    present = _present(session_factory)
    for rule in retention.FINDERS:
        assert present[rule] & old[rule] == set(), rule
        assert kept[rule] <= present[rule], rule
    with session_factory() as session:
        again = retention.apply(session, rules, NOW, dry_run=True)
        assert {o.rule: o.count for o in again} == dict.fromkeys(retention.FINDERS, 0)
        texts = set(session.scalars(select(Minutes.search_text).where(Minutes.summary == "Retention test")))
        assert not any("oldthreadword" in text for text in texts)
        assert any("newerthreadword" in text for text in texts)


@pytest.mark.parametrize(
    ("policy", "says"),
    [
        ("forever_logs:\n  days: 3\n", "unknown rule 'forever_logs'"),
        ("audit:\n  years: 0\n", "one positive period"),
        ("audit:\n  years: 2\n  days: 3\n", "one positive period"),
        ("audit: 7\n", "needs a period"),
    ],
)
def test_a_policy_the_bot_cannot_apply_is_refused(tmp_path: Path, policy: str, says: str) -> None:
    path = tmp_path / "retention.yml"
    path.write_text(policy, encoding="utf-8")
    with pytest.raises(retention.RetentionPolicyError, match=says):
        retention.load_policy(path)
