"""The console shows the report pack: `/covenant rapport` writes the workbook the bot sends and prints its path."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.support.report_pack import rows_of, sheets


def test_console_writes_the_report_workbook_and_prints_its_path(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "BOT_"))}
    env.update(HOME=str(tmp_path), TMPDIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "bot.entry.cli", "console", "--demo"],
        input="!as sanne\n/covenant rapport wind 2026\n!as hanneke\n/covenant rapport wind 2026\n",
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    found = re.search(r"file report-hernieuwbare-energie-2026\.xlsx in your DM, written to (\S+) ---", result.stdout)
    assert found, result.stdout
    path = Path(found.group(1))
    assert path.parent.parent == tmp_path
    [plans] = [row for row in rows_of(sheets(path.read_bytes())["Plannen"]) if row["Cyclus"] == 2026]
    assert plans["Plannen"] >= plans["Ingediend"] >= 1  # the demo's plans move with today's date
    assert (
        "Het jaarrapportagepakket 2026 van Convenant Hernieuwbare Energie (wind en zon) staat in je DM" in result.stdout
    )
    assert "Alleen het secretariaat van Convenant Hernieuwbare Energie (wind en zon)" in result.stdout
    assert "Traceback" not in result.stderr
