"""Alembic, driven from code: ``covenant-bot db upgrade`` and the tests use these.

Alembic is imported only when a migration runs: a throwaway database (the console's ``--demo``)
gets its schema from :func:`create_schema` without it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at the packaged migrations and at ``engine``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision``."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@cache
def head_revision() -> str | None:
    """The newest revision among the packaged migrations (read from the files once per process)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def schema_problem(connection: Connection) -> str | None:
    """Why the database's schema is not the one this code needs (never migrated, or at another revision
    than the newest migration), in a few words; None when it is at head."""
    from alembic.runtime.migration import MigrationContext

    current = MigrationContext.configure(connection).get_current_revision()
    if current is None:
        return "database schema not migrated (run `covenant-bot db upgrade`)"
    head = head_revision()
    if current != head:
        return f"database schema at {current}, code needs {head} (run `covenant-bot db upgrade`)"
    return None


def create_schema(engine: Engine) -> None:
    """Create the whole schema at once in an empty, throwaway database (``console --demo``).

    The same tables, columns, keys, indexes and constraints as the migrations build
    (tests/unit/test_migrations.py compares the two; only the order of columns that a later migration
    appended differs), without Alembic's start-up and step-by-step table rebuilds on SQLite. The
    database records no migration revision: never ``db upgrade`` a database made this way.
    """
    from bot.db.models import Base

    Base.metadata.create_all(engine)
