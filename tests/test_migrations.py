"""The migrations produce exactly the models' schema (on SQLite, and on PostgreSQL when configured)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from bot.db.migrate import alembic_config, current_revision, upgrade
from bot.db.models import Base


# The full-text index of the minutes exists on PostgreSQL only (``ddl_if``); SQLite cannot reflect
# expression indexes, so Alembic says it skips comparing it there.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_autogenerate_finds_no_difference(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_is_idempotent_and_at_head(engine: Engine) -> None:
    upgrade(engine)
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert current_revision(engine) == head
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_sqlite_runs_with_foreign_keys_and_wal(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        assert engine.dialect.name == "postgresql"
        return
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
