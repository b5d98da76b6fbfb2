"""The console with the demo data: the coordinator records a check-in and the cohort's progress is shown."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_console_records_a_check_in_and_shows_the_cohorts_progress(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "BOT_"))}
    env["HOME"] = str(tmp_path)
    lines = [
        "!as noor",
        "/cohort checkin accelerator 2026 Zuivelhoeve 1 klaar Beleid vastgesteld door de directie",
        "/cohort voortgang accelerator 2026",
        "!as fatima",
        "/covenant status bhr-accelerator",
    ]
    result = subprocess.run(
        [sys.executable, "-m", "bot.entry.cli", "console", "--demo"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    assert "Check-in vastgelegd" in out and "Mijlpaal bereikt" in out
    assert "3 van 9 mijlpalen bereikt" in out
    assert "Beleid vastgesteld door de directie" in out  # the coordinator sees the note
    status = out[out.rindex("!as fatima") if "!as fatima" in out else 0 :]
    assert "Cohorten" in out and "Zuivelhoeve Foods BV (demo)" in status
