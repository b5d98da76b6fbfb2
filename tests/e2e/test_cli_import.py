"""`covenant-bot import` and `export` as an operator runs them: a real process on a migrated, seeded SQLite file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.entry import cli
from bot.services.imports import KINDS

HEADER = "ref,covenant,kind,title,organisation,owner_slack_id,due_on,status"
GOOD = [
    "cli-1,metaal,custom,Zelfevaluatie 2027,Delta Alloys BV (demo),,15-03-2027,",
    "cli-2,wind,action_item,Notitie rondsturen,,UDEMONGO01,2027-01-05,",
]


def _run(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DATABASE_URL"))}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    return subprocess.run(
        [sys.executable, "-m", "bot.entry.cli", *args],
        cwd=database.parent,  # no stray .env from the working directory
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file made the operator's way: `db upgrade`, then `seed --demo`."""
    database = tmp_path_factory.mktemp("cli") / "template.sqlite3"
    for command in (["db", "upgrade"], ["seed", "--demo"]):
        result = _run(database, *command)
        assert result.returncode == 0, result.stderr
    return database


@pytest.fixture
def database(seeded_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "covenant-bot.sqlite3"
    shutil.copyfile(seeded_file, copy)
    return copy


def _write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_file_with_errors_exits_1_reports_rows_and_imports_nothing(database: Path) -> None:
    before = database.read_bytes()
    bad = _write(database.parent / "deadlines.csv", HEADER, *GOOD, "cli-3,metaal,custom,Te laat,,,31-02-2027,")
    result = _run(database, "import", "deadlines", str(bad))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        'row 4, column due_on: "31-02-2027" is not a date (write 2027-03-15 or 15-03-2027)',
        "deadlines.csv: 1 problem in 3 rows; nothing was imported",
    ]
    assert database.read_bytes() == before


def test_import_then_export_reimports_unchanged(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _write(database.parent / "deadlines.csv", HEADER, *GOOD)
    real = _run(database, "import", "deadlines", str(good))
    assert (real.returncode, real.stdout, real.stderr) == (
        0,
        "deadlines.csv: 2 rows: 2 inserted, 0 updated, 0 unchanged\n",
        "",
    )

    exported = database.parent / "export.csv"
    export = _run(database, "export", "deadlines", "--covenant", "metals", "--output", str(exported))
    assert export.returncode == 0, export.stderr
    lines = exported.read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER
    assert "cli-1,metaal,custom,Zelfevaluatie 2027,Delta Alloys BV (demo),,2027-03-15,open" in lines
    assert all(",metaal," in line for line in lines[1:])

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")  # in-process: each process start costs a second
    assert cli.main(["import", "deadlines", str(exported)]) == 0
    count = len(lines) - 1
    assert capsys.readouterr().out == f"export.csv: {count} rows: 0 inserted, 0 updated, {count} unchanged\n"


def test_dry_run_reports_and_writes_nothing(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    good = _write(database.parent / "deadlines.csv", HEADER, *GOOD)
    before = database.read_bytes()
    assert cli.main(["import", "deadlines", str(good), "--dry-run"]) == 0
    assert capsys.readouterr().out == (
        "deadlines.csv: 2 rows are fine; a real import would insert 2, update 0 and leave 0 unchanged "
        "(dry run: nothing written)\n"
    )
    assert database.read_bytes() == before


def test_usage_errors_exit_2(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.chdir(database.parent)
    assert cli.main(["import", "deadlines", "missing.csv"]) == 2
    assert capsys.readouterr().err == "covenant-bot: cannot read missing.csv: No such file or directory\n"
    assert cli.main(["export", "deadlines", "--covenant", "steenkolen"]) == 2
    assert capsys.readouterr().err == 'covenant-bot: no covenant "steenkolen" (did you mean natuursteen?)\n'
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["import", "people", "x.csv"])
    assert exit_info.value.code == 2


def test_import_help_documents_every_column(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["import", "--help"])
    text = capsys.readouterr().out
    columns = ("name*", "participation", "slack_user_id", "role*", "language", "email", "route", "timezone", "ref*")
    for column in (*columns, "due_on*", "status"):
        assert f"\n  {column} " in text
    assert "2027-03-15 or 15-03-2027" in text


def test_readme_documents_every_column() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for kind in KINDS.values():
        assert f"| {kind.name}.csv |" in readme
        for column in kind.columns:
            assert f"`{column.name}`" + ("\\*" if column.required else "") in readme, column.name
