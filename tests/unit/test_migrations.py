"""The migrations produce exactly the models' schema (on SQLite, and on PostgreSQL when configured)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from bot.db.engine import make_engine
from bot.db.migrate import alembic_config, create_schema, current_revision, upgrade
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


def _schema(engine: Engine) -> dict[str, Any]:
    """Everything a schema is made of, as the database reports it."""
    found = inspect(engine)
    tables: dict[str, Any] = {}
    for table in sorted(set(found.get_table_names()) - {"alembic_version"}):
        tables[table] = {
            # By name: a migration that adds a column appends it, create_all puts it where the model has it.
            "columns": sorted(
                (c["name"], str(c["type"]), c["nullable"], c.get("default"), c.get("autoincrement"))
                for c in found.get_columns(table)
            ),
            "primary_key": found.get_pk_constraint(table)["constrained_columns"],
            "foreign_keys": sorted(
                (
                    tuple(fk["constrained_columns"]),
                    fk["referred_table"],
                    tuple(fk["referred_columns"]),
                    str(fk["options"]),
                )
                for fk in found.get_foreign_keys(table)
            ),
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in found.get_indexes(table)
            ),
            "unique": sorted(tuple(u["column_names"]) for u in found.get_unique_constraints(table)),
            "checks": sorted(str(c["sqltext"]) for c in found.get_check_constraints(table)),
        }
    return tables


def test_a_demo_database_gets_exactly_the_migrated_schema(tmp_path: Path) -> None:
    """Tables, columns (types, nullability, defaults), keys, indexes and constraints: all the same; only the
    order of reminder_delivery's columns differs (0002 appended four), which no query depends on."""
    migrated, created = (
        make_engine(f"sqlite:///{tmp_path / 'migrated.sqlite3'}"),
        make_engine(f"sqlite:///{tmp_path / 'created.sqlite3'}"),
    )
    upgrade(migrated)
    create_schema(created)
    try:
        assert _schema(created) == _schema(migrated)
        assert set(_schema(created)) == set(Base.metadata.tables)
    finally:
        migrated.dispose()
        created.dispose()
