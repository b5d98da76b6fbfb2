"""The product never says how many covenants there are in words ("the twelve covenants"): the number is counted
from the database wherever it is shown (issue 18). This reads everything the product ships or documents."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What a user or an operator reads: code (docstrings and help included), catalogs, seed files, manifest, docs.
SHIPPED = ("bot/**/*.py", "bot/i18n/*/*.toml", "config/**/*.yml", "bench/*.py", "docs/*.md", "*.md")
# The changelog records history as it was said at the time.
NOT_SHIPPED = {"CHANGELOG.md"}
FIXED_COUNT = re.compile(r"\btwelve\b|\btwaalf\b|\b12\s+(?:public\s+)?(?:covenants|convenanten|agreements)\b", re.I)


def _shipped_files() -> list[Path]:
    files = {path for pattern in SHIPPED for path in ROOT.glob(pattern)}
    return sorted(path for path in files if path.name not in NOT_SHIPPED and ".venv" not in path.parts)


def test_the_scan_reads_the_catalogs_readme_seed_and_code() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in _shipped_files()}
    assert {"README.md", "bot/i18n/nl/common.toml", "config/seed/covenants.yml", "bot/commands/covenant.py"} <= names


def test_no_shipped_text_gives_the_number_of_covenants_in_words() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _shipped_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if FIXED_COUNT.search(line)
    ]
    assert found == []
