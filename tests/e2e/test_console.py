"""The console runs the real app: piped input prints answers and exits 0."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.clock import OffsetClock
from bot.db.engine import make_engine, make_session_factory
from bot.db.models import Organisation
from bot.entry.console.session import demo_template, prepare_database, run
from config.settings import Settings


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "BOT_"))}
    env["HOME"] = str(tmp_path)
    return env


def test_piped_console_prints_the_status_and_exits_zero(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.entry.cli", "console", "--demo"],
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
    assert "COVENANTS (13)" in text
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


def test_the_demo_console_starts_without_alembic_and_twice_over_public_data(tmp_path: Path) -> None:
    """Start-up stays quick: a demo database is created at once (no migration run), and loading the public
    list again changes nothing."""
    script = (
        "import sys\n"
        "from bot.clock import OffsetClock\n"
        "from bot.entry.console.session import prepare_database\n"
        "from bot.db.engine import make_engine, make_session_factory\n"
        "from bot.services.administration import seed\n"
        "from config.settings import Settings\n"
        "settings = prepare_database(Settings(), demo=True, clock=OffsetClock())\n"
        "assert 'alembic' not in sys.modules, 'the demo console imported Alembic'\n"
        "factory = make_session_factory(make_engine(settings.database_url))\n"
        "with factory() as session:\n"
        "    assert seed.load_public(session) == len(seed.public_entries())\n"
        "    assert not session.dirty and not session.new and not session.deleted\n"
        "print('ok')\n"
    )
    env = {**_env(tmp_path), "TMPDIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_demo_consoles_copy_one_template_a_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    clock = OffsetClock()
    template = demo_template(clock)
    built = template.stat().st_mtime_ns
    first = prepare_database(Settings(), demo=True, clock=clock)
    second = prepare_database(Settings(), demo=True, clock=clock)
    assert first.database_url != second.database_url  # each console its own copy
    assert demo_template(clock) == template and template.stat().st_mtime_ns == built  # built once
    tomorrow = OffsetClock()
    tomorrow.advance(timedelta(days=1))
    assert demo_template(tomorrow) != template  # the demo data is laid out around today
    engine = make_engine(second.database_url)
    with make_session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Organisation)) > 10
    engine.dispose()


def _console(tmp_path: Path, temporary: Path, *args: str) -> subprocess.Popen[str]:
    env = {**_env(tmp_path), "TMPDIR": str(temporary)}
    return subprocess.Popen(
        [sys.executable, "-m", "bot.entry.cli", "console", "--demo", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )


def _left_behind(temporary: Path) -> list[str]:
    """What a console left in the temporary directory, besides the demo template it keeps on purpose."""
    kept = temporary / "covenant-bot-demo"
    found = [p.name for p in temporary.iterdir() if p != kept]
    if kept.exists():
        found += [f"covenant-bot-demo/{p.name}" for p in kept.iterdir() if p.suffix != ".sqlite3"]
    return found


def test_demo_consoles_leave_nothing_in_the_temporary_directory(tmp_path: Path) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    # End of input, and an early exit (an unknown person).
    ended = _console(tmp_path, temporary)
    assert ended.communicate("/covenant status goud\n", timeout=60)[0]
    refused = _console(tmp_path, temporary, "--as", "nobody")
    refused.communicate("", timeout=60)
    assert (ended.returncode, refused.returncode) == (0, 2)
    assert _left_behind(temporary) == []
    # Ctrl-C while the console waits for input (its demo database is in place).
    interrupted = _console(tmp_path, temporary)
    for _ in range(600):
        if list(temporary.glob("covenant-bot-demo-*/demo.sqlite3")):
            break
        time.sleep(0.05)
    else:
        pytest.fail("the console never made its demo database")
    time.sleep(1.0)
    interrupted.send_signal(signal.SIGINT)
    _, stderr = interrupted.communicate(timeout=30)
    assert interrupted.returncode == 130, stderr
    assert _left_behind(temporary) == []


def test_console_shows_a_post_refused_until_the_bot_is_invited(tmp_path: Path) -> None:
    out = io.StringIO()
    stdin = io.StringIO(
        "!in #CNEWCHAN01\n/covenant status goud\n!click 1\n/invite @covenant-bot\n/covenant status goud\n!click 3\n"
    )
    settings = Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    assert run(settings, demo=True, as_person="emma", stdin=stdin, out=out) == 0
    text = out.getvalue()
    assert "the bot is not in it: /invite @covenant-bot" in text
    refused, invited = text.index("(Slack refused chat.postMessage: not_in_channel)"), text.index("was added to")
    assert refused < text.index("Invite me first with `/invite @covenant-bot`") < invited
    assert "Shared in #CNEWCHAN01." in text[invited:]
    assert "Traceback" not in text
