"""`covenant-bot import cohort_participants` as an operator runs it: all rows or none, errors by row and column."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db.engine import make_engine, make_session_factory
from bot.db.models import Cohort, CohortParticipant, Deadline, WorkingGroupMember

HEADER = "programme,year,organisation,joined_on"


def _run(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DATABASE_URL"))}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    return subprocess.run(
        [sys.executable, "-m", "bot.entry.cli", *args],
        cwd=database.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "cohorts.sqlite3"
    for command in (["db", "upgrade"], ["seed", "--demo"]):
        result = _run(path, *command)
        assert result.returncode == 0, result.stderr
    return path


def _counts(path: Path) -> tuple[int, int, int]:
    factory = make_session_factory(make_engine(f"sqlite:///{path}"))
    with factory() as session:
        cohort = session.scalars(select(Cohort).where(Cohort.year == 2026)).one()
        return (
            session.scalar(select(func.count()).select_from(CohortParticipant)) or 0,
            session.scalar(select(func.count()).select_from(Deadline).where(Deadline.ref.like("cohort-milestone:%")))
            or 0,
            session.scalar(
                select(func.count())
                .select_from(WorkingGroupMember)
                .where(WorkingGroupMember.group_id == cohort.working_group_id)
            )
            or 0,
        )


def test_a_good_file_adds_participants_once_with_their_milestone_deadlines(database: Path, tmp_path: Path) -> None:
    before = _counts(database)
    csv = tmp_path / "cohort_participants.csv"
    rows = ["bhr-accelerator,2026,Windkracht Energie BV (demo),", "accelerator,2026,Delta Alloys BV (demo),2026-10-01"]
    csv.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    result = _run(database, "import", "cohort_participants", str(csv))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 inserted" in result.stdout
    after = _counts(database)
    assert after[0] == before[0] + 2 and after[1] == before[1] + 2 * 3  # three dated milestones each
    again = _run(database, "import", "cohort_participants", str(csv))
    assert again.returncode == 0 and "2 unchanged" in again.stdout
    assert _counts(database) == after


def test_a_bad_file_imports_nothing_and_names_each_problem(database: Path, tmp_path: Path) -> None:
    before = _counts(database)
    csv = tmp_path / "cohort_participants.csv"
    rows = [
        "bhr-accelerator,2026,Windkracht Energie BV (demo),",  # fine, but not imported: another row is wrong
        "metaal,2026,Delta Alloys BV (demo),",
        "bhr-accelerator,2031,Delta Alloys BV (demo),",
        "bhr-accelerator,20x6,Delta Alloys BV (demo),",
        "bhr-accelerator,2026,Nergens BV,",
        "bhr-accelerator,2026,Windkracht Energie BV (demo),",
        "bhr-accelerator,2026,Staalwerk Twente BV (demo),31-02-2026",
    ]
    csv.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    result = _run(database, "import", "cohort_participants", str(csv))
    assert result.returncode == 1
    out = result.stdout + result.stderr
    assert "row 3, column programme" in out and "not a cohort programme" in out
    assert "row 4, column year" in out and "no cohort 2031" in out
    assert "row 5, column year" in out
    assert "row 6, column organisation" in out
    assert "row 7, column organisation" in out and "repeats row 2" in out
    assert "row 8, column joined_on" in out
    assert "nothing was imported" in out
    assert _counts(database) == before
