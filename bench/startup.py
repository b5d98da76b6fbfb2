"""Console start-up: ``covenant-bot console --demo`` with empty standard input, from exec to exit.

Measured on the console as the README's first command installs it: a fresh virtual environment with
``pip install .`` of this checkout (a regular install, compiled to bytecode as pip does).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Startup:
    median_s: float
    samples: list[float]
    baseline_s: float


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=env, check=True, timeout=120)
    return time.perf_counter() - started


def install(folder: Path) -> Path:
    """The README's first command into ``folder``: a venv and ``pip install .``; returns its covenant-bot."""
    root = Path(__file__).resolve().parent.parent
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = [str(venv / "bin" / "pip"), "install", "-q", str(root)]
    subprocess.run(pip, check=True, timeout=900, capture_output=True)
    return venv / "bin" / "covenant-bot"


def console_startup(runs: int) -> Startup:
    """Median of ``runs`` console starts; the baseline is the bare interpreter (``python -c pass``)."""
    folder = Path(tempfile.mkdtemp(prefix="covenant-bench-console-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env["TMPDIR"] = str(folder)  # the demo database goes here and is removed with it
    try:
        executable = install(folder)
        _timed([str(executable), "console", "--demo"], env)  # warm the file cache; builds today's demo template
        samples = [_timed([str(executable), "console", "--demo"], env) for _ in range(runs)]
        baseline = statistics.median(_timed([sys.executable, "-c", "pass"], env) for _ in range(runs))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return Startup(median_s=statistics.median(samples), samples=samples, baseline_s=baseline)
