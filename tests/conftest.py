"""Fixtures: a migrated database (SQLite always; PostgreSQL when TEST_DATABASE_URL is set), the
stand-in Slack Web API, and the real app served over HTTP."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text

from bot.app import create_app, make_web_client
from bot.clock import ManualClock
from bot.db.engine import SessionFactory, make_engine, make_session_factory
from bot.db.migrate import upgrade
from bot.db.models import Base
from bot.delivery import Sweeper
from bot.entry.web import create_flask_app
from bot.services.administration import seed
from bot.slack_standin import StandinSlack
from bot.slack_standin.demo import furnish
from bot.slack_standin.ratelimits import SLACK_LIMITS
from config.settings import Settings
from tests.support.demo import NOW, SIGNING_SECRET
from tests.support.harness import AppServer, SlackHarness

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
UNKNOWN_PERSON = seed.DemoPerson("unknown", "UNKNOWN001", "Unknown Person", "en-US", "America/New_York")
TEST_CHANNELS = {
    "CMETALS001": "metals",
    "CNEWSECRET": "new-secretariat",
    "CNEWSECR01": "new-secretariat-2",
    "CKOBALT01": "kobalt",
    "C1": "c1",
}


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL ' + POSTGRES_URL if POSTGRES_URL else 'SQLite'}"


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets its own PostgreSQL database (``<name>_gw0``…), made when missing, so
    workers never truncate each other's tables; without xdist the URL is used as it is."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if exists is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database migrated to head and seeded with public and demo data, made once per run.

    On PostgreSQL the seeded rows are kept in a schema ``template`` beside ``public``, so each test gets them
    back with one INSERT … SELECT per table (about 30 ms) instead of seeding again (about half a second)."""
    if POSTGRES_URL:
        url = _worker_database(POSTGRES_URL)
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS template CASCADE"))
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(engine)
        _seed(make_session_factory(engine))
        with engine.begin() as connection:
            connection.execute(text("CREATE SCHEMA template"))
            for table in Base.metadata.sorted_tables:
                connection.execute(text(f'CREATE TABLE template."{table.name}" AS SELECT * FROM public."{table.name}"'))
        engine.dispose()
        return url
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    _seed(make_session_factory(engine))
    engine.dispose()
    return str(path)


def _seed(factory: SessionFactory) -> None:
    with factory() as session:
        seed.load_public(session)
        seed.load_demo(session, NOW.date(), NOW)


def _restore_seed(engine: Engine) -> None:
    """Empty every table and put the template's seeded rows back, with each id sequence just past its rows."""
    tables = [table.name for table in Base.metadata.sorted_tables]
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        for name in tables:
            connection.execute(text(f'INSERT INTO public."{name}" SELECT * FROM template."{name}"'))
        sequences = connection.execute(
            text(
                "SELECT s.relname, t.relname, a.attname FROM pg_class s "
                "JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') "
                "JOIN pg_class t ON t.oid = d.refobjid "
                "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
                "JOIN pg_namespace n ON n.oid = s.relnamespace "
                "WHERE s.relkind = 'S' AND n.nspname = 'public'"
            )
        ).all()
        for sequence, table, column in sequences:
            connection.execute(
                text(
                    f"SELECT setval('public.\"{sequence}\"', "
                    f'COALESCE((SELECT MAX("{column}") FROM public."{table}"), 0) + 1, false)'
                )
            )


@pytest.fixture
def engine(template_database: str, tmp_path: Path) -> Iterator[Engine]:
    """A fresh seeded database for one test."""
    if POSTGRES_URL:
        # Tests need no durability across a crash of the server: skip the fsync on each commit.
        engine = make_engine(template_database, connect_args={"options": "-c synchronous_commit=off"})
        _restore_seed(engine)
    else:
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(template_database, path)
        engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> SessionFactory:
    return make_session_factory(engine)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


# Tests marked floods_slack (the fuzzers: thousands of commands a minute from one or two people) would only measure
# Slack's throttling under its real limits: for them the stand-in's limits are a thousand times Slack's, or the
# factor the marker names (a test that runs production's timings faster, say, raises Slack's limits as much).
FLOOD_LIMITS = SLACK_LIMITS.raised(1000)


@pytest.fixture
def standin(clock: ManualClock, request: pytest.FixtureRequest) -> Iterator[StandinSlack]:
    """The stand-in Web API with Slack's own rate limits and Block Kit rules (raised for floods_slack tests).

    Its time runs with the wall clock and with the test's ``clock``: a test that moves the clock on (to let a
    retry come due) lets Slack's limits refill by as much, as the same wait would in a real workspace.
    """
    start = clock.now()

    def elapsed() -> float:
        return time.monotonic() + (clock.now() - start).total_seconds()

    flood = request.node.get_closest_marker("floods_slack")
    limits = SLACK_LIMITS if flood is None else SLACK_LIMITS.raised(flood.args[0]) if flood.args else FLOOD_LIMITS
    server = StandinSlack(rate_limits=replace(limits, clock=elapsed)).start()
    furnish(server, [*seed.demo_people(), UNKNOWN_PERSON], seed.demo_channels())
    # Channels the tests name: where the bot was invited (a share, a secretariat or group channel made in a
    # test) and a private one it was not invited to.
    for channel_id, name in TEST_CHANNELS.items():
        server.add_channel(channel_id, name, members=server.users)
        server.invite_bot(channel_id)
    server.add_channel("CPRIVATE01", "private", private=True, members=server.users)
    yield server
    violations = server.limit_violations()
    refused = server.refusals()
    server.stop()
    assert not violations, f"Slack would have refused: {[v.response for v in violations]}"
    # A refusal the bot only logged would pass unseen: a test that means to cause one says so.
    unexpected = [(c.method, c.response) for c in refused if c.response.get("error") not in server.expected_refusals]
    assert not unexpected, f"Slack refused: {unexpected}"


@pytest.fixture
def settings(standin: StandinSlack, engine: Engine) -> Settings:
    return Settings(
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=standin.api_url,
        DATABASE_URL=engine.url.render_as_string(hide_password=False),
    )


@pytest.fixture
def slack(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack
) -> Iterator[SlackHarness]:
    """The real app behind the production Flask entry point, on a real HTTP server."""
    app = create_app(settings, session_factory=session_factory, client=make_web_client(settings), clock=clock)
    server = AppServer(create_flask_app(app, session_factory, SIGNING_SECRET, clock))
    yield SlackHarness(server, standin, SIGNING_SECRET)
    server.stop()


@pytest.fixture
def sweeper(settings: Settings, session_factory: SessionFactory, clock: ManualClock) -> Sweeper:
    """A reminder sweeper on the test database, sending through the stand-in."""
    return Sweeper(session_factory, make_web_client(settings, retries=False), clock, settings, threads=2)
