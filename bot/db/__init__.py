"""Database layer: engine and sessions, typed ORM models, Alembic migrations."""
