"""Settings: a missing or malformed value stops the process with one clear line, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.services.administration import seed
from bot.slack_standin import StandinSlack
from config.settings import SettingsError, load_settings


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("SLACK_BOT_TOKEN", "xoxp-user-token", "SLACK_BOT_TOKEN must start with xoxb-"),
        ("SLACK_APP_TOKEN", "xoxb-wrong", "SLACK_APP_TOKEN must start with xapp-"),
        ("SLACK_API_URL", "slack.com/api", "SLACK_API_URL must be an http(s) URL"),
        ("DATABASE_URL", "mysql://x/y", "DATABASE_URL must be a sqlite:/// or postgresql:// URL"),
        ("BOT_TIMEZONE", "Europe/Amsterdamm", "BOT_TIMEZONE is not a known IANA time zone"),
        ("BOT_TIMEZONE", "Europe", "BOT_TIMEZONE is not a known IANA time zone"),
        ("BOT_TIMEZONE", "0" * 300, "BOT_TIMEZONE is not a known IANA time zone"),
        ("BOT_LANGUAGE", "fr", "BOT_LANGUAGE"),
        ("PORT", "eighty", "PORT"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
    ],
)
def test_malformed_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value).startswith(expected)
    assert "\n" not in str(error.value)


def test_defaults_and_normalisation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    settings = load_settings()
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.log_level == "DEBUG"
    assert settings.bot_timezone == "Europe/Amsterdam" and settings.bot_language == "nl"


def _cli(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "BOT_", "PORT"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.entry.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, "HOME": str(tmp_path), **env},
        cwd=tmp_path,
    )


def test_socket_mode_without_tokens_says_which_and_where(tmp_path: Path) -> None:
    result = _cli(["socket"], tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "covenant-bot: SLACK_APP_TOKEN is not set: get it from api.slack.com/apps -> your app -> "
        "Basic Information -> App-Level Tokens (scope connections:write, xapp-...)"
    )


def test_http_mode_without_signing_secret_is_one_line(tmp_path: Path) -> None:
    result = _cli(["serve"], tmp_path, SLACK_BOT_TOKEN="xoxb-1")
    assert result.returncode == 2
    assert result.stderr.startswith("covenant-bot: SLACK_SIGNING_SECRET is not set")
    assert len(result.stderr.strip().splitlines()) == 1


def test_malformed_environment_is_one_line_for_every_command(tmp_path: Path) -> None:
    result = _cli(["console", "--demo"], tmp_path, BOT_TIMEZONE="Mars/Olympus")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("covenant-bot: BOT_TIMEZONE is not a known IANA time zone")
    assert "Traceback" not in result.stderr


def test_env_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=not-a-bot-token\n")
    result = _cli(["db", "current"], tmp_path)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN must start with xoxb-" in result.stderr


def test_db_upgrade_then_seed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    upgrade = _cli(["db", "upgrade"], tmp_path, DATABASE_URL=url)
    assert upgrade.returncode == 0, upgrade.stderr
    assert upgrade.stdout.startswith("database at 00")
    seeded = _cli(["seed", "--demo"], tmp_path, DATABASE_URL=url)
    assert seeded.returncode == 0, seeded.stderr
    assert f"{len(seed.public_entries())} covenants and initiatives loaded" in seeded.stdout


def test_socket_mode_with_an_app_token_slack_refuses_is_one_line(
    tmp_path: Path, standin: StandinSlack, engine: Engine
) -> None:
    standin.expected_refusals = {"invalid_auth"}
    result = _cli(
        ["socket"],
        tmp_path,
        SLACK_APP_TOKEN="xapp-1-revoked",
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_API_URL=standin.api_url,
        DATABASE_URL=engine.url.render_as_string(hide_password=False),
    )
    assert standin.calls_to("apps.connections.open"), "the app token was never tried"
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "covenant-bot: Slack refused SLACK_APP_TOKEN (invalid_auth): create a new one at api.slack.com/apps -> "
        "your app -> Basic Information -> App-Level Tokens (scope connections:write, xapp-...)"
    )
    assert "Scheduler started" not in result.stderr  # nothing was started for a process that cannot serve
