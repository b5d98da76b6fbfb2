"""Typed, validated settings read from environment variables and an optional ``.env`` file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_PATH = Path.home() / ".local" / "share" / "covenant-bot" / "covenant-bot.sqlite3"

# Where an operator finds each value: shown in the one-line error when it is missing or wrong.
WHERE_TO_GET = {
    "SLACK_BOT_TOKEN": "api.slack.com/apps -> your app -> OAuth & Permissions -> Bot User OAuth Token (xoxb-...)",
    "SLACK_SIGNING_SECRET": "api.slack.com/apps -> your app -> Basic Information -> App Credentials -> Signing Secret",
    "SLACK_APP_TOKEN": "api.slack.com/apps -> your app -> Basic Information -> App-Level Tokens "
    "(scope connections:write, xapp-...)",
    "SLACK_API_URL": "leave unset for Slack; a Web API base URL ending in /api/ (e.g. GovSlack or a test server)",
    "DATABASE_URL": "a SQLAlchemy URL: postgresql+psycopg://user:pass@host/db or sqlite:///path/file.db",
    "BOT_TIMEZONE": "an IANA zone name such as Europe/Amsterdam",
    "BOT_LANGUAGE": "nl or en",
    "PORT": "a TCP port number (1-65535)",
    "LOG_LEVEL": "DEBUG, INFO, WARNING or ERROR",
    "PUBLIC_URL": "the bot's public https address in HTTP mode (e.g. https://covenant-bot.example.org), "
    "where calendar feeds and the links in emails are served",
    "SMTP_URL": "smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465 (implicit TLS), "
    "from your mail provider; unset: nobody is reached by email",
    "MAIL_FROM": "the sender of the bot's emails, e.g. Covenant bot <covenant-bot@example.org>",
    "LINK_SECRET": "a long random string (e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))') "
    "that signs the links in emails; unset: derived from SLACK_SIGNING_SECRET",
}


class SettingsError(Exception):
    """A setting is missing or malformed; ``str()`` is the one line an operator reads."""


class Settings(BaseSettings):
    """Everything the bot reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: str | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    database_url: str = Field(default=f"sqlite:///{DEFAULT_DATABASE_PATH}", alias="DATABASE_URL")
    bot_timezone: str = Field(default="Europe/Amsterdam", alias="BOT_TIMEZONE")
    bot_language: Literal["nl", "en"] = Field(default="nl", alias="BOT_LANGUAGE")
    port: int = Field(default=3000, ge=1, le=65535, alias="PORT")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO", alias="LOG_LEVEL")
    public_url: str | None = Field(default=None, alias="PUBLIC_URL")
    smtp_url: str | None = Field(default=None, alias="SMTP_URL")
    mail_from: str | None = Field(default=None, alias="MAIL_FROM")
    # Signs the links in emails (bot.services.links); unset: derived from SLACK_SIGNING_SECRET, else a secret
    # kept in the database (the console and the demo).
    link_secret: str | None = Field(default=None, alias="LINK_SECRET")
    # After how long work acknowledged by a process that stopped renewing its lease (it died) is taken over.
    acked_work_lease_seconds: float = Field(default=30, gt=0, alias="ACKED_WORK_LEASE_SECONDS")

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("xoxb-"):
            raise ValueError("must start with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("xapp-"):
            raise ValueError("must start with xapp-")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/")

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("smtp://", "smtps://")):
            raise ValueError("must be an smtp:// or smtps:// URL")
        return value

    @field_validator("link_secret")
    @classmethod
    def _link_secret(cls, value: str | None) -> str | None:
        if not value:
            return None
        if len(value) < 16:
            raise ValueError("must be at least 16 characters")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if value.startswith("postgres://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgres://")
        elif value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        if not value.startswith(("sqlite:", "postgresql+psycopg:")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value

    @field_validator("bot_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: "Europe" (a folder), a long name
            raise ValueError("is not a known IANA time zone") from exc
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    def require(self, *names: str) -> None:
        """Stop with a clear :class:`SettingsError` unless every named variable is set."""
        for name in names:
            if not getattr(self, name.lower()):
                raise SettingsError(f"{name} is not set: get it from {WHERE_TO_GET[name]}")


def load_settings(**overrides: object) -> Settings:
    """Read the settings; raise :class:`SettingsError` naming the first bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else "settings"
        name = name.upper()
        message = str(error["msg"]).removeprefix("Value error, ")
        hint = WHERE_TO_GET.get(name, "")
        raise SettingsError(f"{name} {message}" + (f": {hint}" if hint else "")) from None
