"""The console writes the charts the bot sends as PNG files and prints their paths and alt texts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path


def test_console_writes_the_chart_and_prints_its_path(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "BOT_"))}
    env["HOME"] = str(tmp_path)
    folder = tmp_path / "pictures"
    result = subprocess.run(
        [sys.executable, "-m", "bot.entry.cli", "console", "--demo", "--charts", str(folder)],
        input="!as sanne\n/covenant grafiek metaal deelnemers\n!as emma\n/covenant chart metals participants\n",
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    paths = re.findall(r"--- picture \S+ in your DM: (\S+\.png) ---", result.stdout)
    assert len(paths) == 2 and len(set(paths)) == 2  # the second is numbered, not overwritten
    for path in paths:
        assert Path(path).parent == folder and Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Deelnemers door de tijd — Convenant Metaalsector. deelnemers: 2019 6" in result.stdout
    assert "Participants over time — Metals Sector Agreement. participants: 2019 6" in result.stdout
    assert "[picture: " in result.stdout
