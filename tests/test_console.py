"""The console runs the real app: piped input prints answers and exits 0."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.console.session import run
from config.settings import Settings


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "BOT_"))}
    env["HOME"] = str(tmp_path)
    return env


def test_piped_console_prints_the_status_and_exits_zero(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "console", "--demo"],
        input="/covenant status kleding\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(tmp_path),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "CONVENANT DUURZAME KLEDING EN TEXTIEL" in result.stdout
    assert "4 juli 2016" in result.stdout
    assert "Traceback" not in result.stderr


def test_console_acts_as_a_chosen_person_and_lists_the_covenants(tmp_path: Path) -> None:
    out = io.StringIO()
    stdin = io.StringIO("/covenant list\n@bot status of the gold agreement?\n!as sanne\n/covenant help\n")
    settings = Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    assert run(settings, demo=True, as_person="emma", stdin=stdin, out=out) == 0
    text = out.getvalue()
    assert "COVENANTS (12)" in text
    assert "Gold Sector Agreement" in text
    assert "now acting as Sanne" in text
    assert "WAT IK KAN" in text


def test_console_without_demo_uses_database_url_and_seeds_public_list(tmp_path: Path) -> None:
    out = io.StringIO()
    database = tmp_path / "real.sqlite3"
    settings = Settings(DATABASE_URL=f"sqlite:///{database}")
    assert run(settings, demo=False, as_person=None, stdin=io.StringIO("/covenant status metaal\n"), out=out) == 0
    assert database.exists()
    assert "CONVENANT METAALSECTOR" in out.getvalue()  # BOT_LANGUAGE (nl) for the console user


def test_unknown_person_is_a_clear_error(tmp_path: Path) -> None:
    settings = Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert run(settings, demo=True, as_person="nobody", stdin=io.StringIO(""), out=io.StringIO()) == 2
