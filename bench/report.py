"""The benchmark's figures as a terminal table and as docs/BENCHMARKS.md."""

from __future__ import annotations

import os
import platform
import re
import sqlite3
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Figure:
    """One measured figure with its baseline (measured in the same run) and its target."""

    section: str
    name: str
    value: str
    baseline: str = "—"
    target: str = "—"
    met: bool | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.met is None:
            return "—"
        return "met" if self.met else "MISSED"


@dataclass
class Machine:
    cores: int
    cpu: str
    memory_gib: float
    python: str
    sqlite: str
    postgresql: str | None
    packages: dict[str, str]
    commit: str
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    seconds: float = 0.0

    @property
    def busy(self) -> bool:
        """Another workload was running: the 1-minute load was above half the cores before or after the run."""
        return max(self.load_before[0], self.load_after[0]) > self.cores / 2


def machine(postgresql: str | None) -> Machine:
    cpu = "unknown"
    try:
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = found[1].strip() if found else cpu
        mem = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        memory = int(mem[1]) / 1024 / 1024 if mem else 0.0
    except OSError:
        memory = 0.0
    try:
        commit = subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    packages = {}
    for name in ("slack-bolt", "slack-sdk", "SQLAlchemy", "psycopg", "gunicorn", "Flask", "APScheduler"):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return Machine(
        cores=os.cpu_count() or 0,
        cpu=cpu,
        memory_gib=memory,
        python=platform.python_version(),
        sqlite=sqlite3.sqlite_version,
        postgresql=postgresql,
        packages=packages,
        commit=commit,
        load_before=os.getloadavg(),
    )


def terminal_table(figures: list[Figure]) -> str:
    headers = ("measurement", "value", "baseline (same run)", "target", "verdict")
    rows = [(f"{f.section}: {f.name}", f.value, f.baseline, f.target, f.verdict) for f in figures]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "-" * len(line)]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(out)


def markdown(figures: list[Figure], box: Machine, command: str, notes: list[str]) -> str:
    missed = [f for f in figures if f.met is False]
    lines = [
        "# Benchmarks",
        "",
        f"Measured {box.started:%Y-%m-%d %H:%M} UTC at `{box.commit}` in {box.seconds / 60:.1f} minutes by:",
        "",
        "```sh",
        command,
        "```",
        "",
        "## Machine",
        "",
        f"- {box.cores} cores ({box.cpu}), {box.memory_gib:.1f} GiB memory",
        f"- Python {box.python}, SQLite {box.sqlite}, PostgreSQL {box.postgresql or 'not used'}",
        "- " + ", ".join(f"{name} {version}" for name, version in box.packages.items()),
        f"- load average (1, 5, 15 min) before the run {_load(box.load_before)}, after it {_load(box.load_after)}",
    ]
    if box.busy:
        lines += [
            "",
            "**The machine was shared with other work while these figures were measured** (see the load average):",
            "they are indicative. Run the command above on a quiet machine for the real figures.",
        ]
    lines += [
        "",
        "## Figures",
        "",
        "Each figure stands beside a baseline measured in the same run, on the same machine.",
        "",
        "| measurement | value | baseline (same run) | target | verdict |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {f.section}: {f.name} | {f.value} | {f.baseline} | {f.target} | {f.verdict} |" for f in figures]
    lines += ["", f"**{len(missed)} of {sum(f.met is not None for f in figures)} targets missed.**"]
    if missed:
        lines += [""] + [f"- missed: {f.section}: {f.name} ({f.value}; target {f.target})" for f in missed]
    if notes:
        lines += ["", "## Notes", ""] + [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


def _load(load: tuple[float, float, float]) -> str:
    return ", ".join(f"{value:.2f}" for value in load)
