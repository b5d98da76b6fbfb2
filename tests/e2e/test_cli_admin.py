"""`covenant-bot admin grant|revoke|list`: the operator makes the first secretariat member of a fresh installation,
and that person can then run the secretariat's commands in Slack (a real process, then signed requests)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, select

from bot.db.engine import SessionFactory
from bot.db.models import AuditEntry, Organisation, Person
from tests.support.harness import SlackHarness, reply_text

NEWCOMER = "UNKNOWN001"  # a Slack user of the stand-in the bot has never met


def _run(url: str, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DATABASE_URL"))}
    env["DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "bot.entry.cli", *args],
        cwd=folder,  # no stray .env from the working directory
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_fresh_install_gets_its_first_secretariat_member_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    for command in (["db", "upgrade"], ["seed"]):  # the public covenant list only: nobody has any role
        assert _run(url, tmp_path, *command).returncode == 0
    listed = _run(url, tmp_path, "admin", "list")
    assert (listed.returncode, listed.stdout) == (0, "")
    nameless = _run(url, tmp_path, "admin", "grant", "U0NEWSEC01", "secretariat", "metaal")
    assert nameless.returncode == 2 and "--name" in nameless.stderr
    assert _run(url, tmp_path, "admin", "list").stdout == ""  # nothing half-written
    granted = _run(url, tmp_path, "admin", "grant", "U0NEWSEC01", "secretariat", "metaal", "--name", "Nina Nieuw")
    assert granted.returncode == 0, granted.stderr
    assert granted.stdout.strip() == "U0NEWSEC01 is now a secretariat member of metaal"
    again = _run(url, tmp_path, "admin", "grant", "U0NEWSEC01", "secretariat", "metaal")
    assert "was already" in again.stdout and again.returncode == 0
    assert _run(url, tmp_path, "admin", "list", "--covenant", "metaal").stdout == "metaal\tU0NEWSEC01\t-\tNina Nieuw\n"


def test_bad_ids_and_covenants_are_one_line_and_exit_2(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    assert _run(url, tmp_path, "db", "upgrade").returncode == 0
    assert _run(url, tmp_path, "seed").returncode == 0
    for args, says in (
        (("grant", "sanne", "secretariat", "metaal", "--name", "Sanne"), "not a Slack member id"),
        (("grant", "U0NEWSEC01", "secretariat", "steenkool", "--name", "X"), "no covenant"),
        (("revoke", "u0newsec01", "secretariat", "metaal"), "not a Slack member id"),
    ):
        result = _run(url, tmp_path, "admin", *args)
        assert result.returncode == 2 and says in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert _run(url, tmp_path, "admin", "list").stdout == ""


def test_granted_the_person_may_run_secretariat_commands_in_slack_and_revoked_no_longer(
    slack: SlackHarness, engine: Engine, session_factory: SessionFactory, tmp_path: Path
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    add = 'add-org "Zeewind Offshore BV" bedrijf'
    refused = reply_text(slack.command("/covenant", add, NEWCOMER))
    assert "secretariat" in refused.lower() or "secretariaat" in refused.lower()
    granted = _run(url, tmp_path, "admin", "grant", NEWCOMER, "secretariat", "wind", "--name", "Una Known")
    assert granted.returncode == 0, granted.stderr
    assert "Zeewind Offshore BV" in reply_text(slack.command("/covenant", add, NEWCOMER))
    with session_factory() as session:
        assert session.scalar(select(Organisation).where(Organisation.name == "Zeewind Offshore BV")) is not None
        person = session.scalars(select(Person).where(Person.slack_user_id == NEWCOMER)).one()
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "person", AuditEntry.entity_id == person.id)
        ).all()
        assert "person.grant_secretariat" in actions
    revoked = _run(url, tmp_path, "admin", "revoke", NEWCOMER, "secretariat", "wind")
    assert revoked.returncode == 0 and "no longer" in revoked.stdout
    again = reply_text(slack.command("/covenant", 'add-org "Zeewind Twee BV" bedrijf', NEWCOMER))
    assert "Zeewind Twee BV" not in again.replace('"Zeewind Twee BV"', "")
    with session_factory() as session:
        assert session.scalar(select(Organisation).where(Organisation.name == "Zeewind Twee BV")) is None


def test_grant_and_revoke_by_email_make_an_email_only_person_and_a_bad_address_is_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    for command in (["db", "upgrade"], ["seed"]):
        assert _run(url, tmp_path, *command).returncode == 0
    for bad in ("nina@ser", "nina @ser.example", "nina@@ser.example"):
        result = _run(url, tmp_path, "admin", "grant", bad, "secretariat", "metaal")
        assert result.returncode == 2 and "is not an email address" in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert _run(url, tmp_path, "admin", "list").stdout == ""
    granted = _run(url, tmp_path, "admin", "grant", "Nina@SER.example", "secretariat", "metaal", "--name", "Nina")
    assert granted.returncode == 0 and "is now a secretariat member of metaal" in granted.stdout, granted.stderr
    again = _run(url, tmp_path, "admin", "grant", "nina@ser.example", "secretariat", "metaal")
    assert "was already" in again.stdout
    assert _run(url, tmp_path, "admin", "list").stdout == "metaal\t-\tnina@ser.example\tNina\n"
    revoked = _run(url, tmp_path, "admin", "revoke", "NINA@ser.example", "secretariat", "metaal")
    assert revoked.returncode == 0 and "no longer" in revoked.stdout
    assert "metaal has no secretariat member now" in revoked.stderr
    assert _run(url, tmp_path, "admin", "list").stdout == ""
