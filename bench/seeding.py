"""A large database made fast: the product's migrations, its public covenant list, then bulk Core inserts.

Every row is built in Python as a plain dict and written with one ``executemany`` per table and
batch (SQLAlchemy 2 turns that into multi-row INSERTs): no ORM unit of work, no per-row flush.
Ids are assigned here, so foreign keys need no round trip; PostgreSQL's sequences are moved past
them afterwards so the product can insert as usual.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, Table, column, func, insert, select, text, update
from sqlalchemy import table as sa_table
from sqlalchemy.engine import make_url

from bot.db.engine import make_engine, make_session_factory
from bot.db.enums import (
    DeadlineKind,
    DeadlineStatus,
    DeliveryStatus,
    GroupKind,
    MinutesStatus,
    OrganisationKind,
    ParticipationType,
    RoleKind,
)
from bot.db.migrate import upgrade
from bot.db.models import Base, Covenant, Deadline
from bot.services.administration import seed
from bot.services.plans.reminders import deadline_rules
from bot.services.reminder_policy import day_start, next_allowed_moment, policy_for
from bot.services.working_days import is_business_day

ZONE = "Europe/Amsterdam"
BATCH = 20_000
OTHER_ZONES = ("Europe/London", "America/New_York", "Asia/Kolkata", "Europe/Berlin")
GROUPS_PER_COVENANT = 10
TABLES = Base.metadata.tables


@dataclass(frozen=True)
class Sizes:
    """How much data the large database holds (the public covenants come from the seed file)."""

    organisations: int = 5_000
    people: int = 20_000
    deadlines: int = 50_000
    meetings: int = 20_000
    minutes: int = 5_000

    def scaled(self, factor: float) -> Sizes:
        return Sizes(*(max(50, int(getattr(self, name) * factor)) for name in self.__dataclass_fields__))


@dataclass
class SeedReport:
    """What seeding took and made."""

    rows: dict[str, int] = field(default_factory=dict)
    migrate_s: float = 0.0
    insert_s: float = 0.0
    deadline_rows_per_s: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass
class Population:
    """What the benchmarks need to know about the seeded data."""

    covenant_ids: list[int]
    covenant_slugs: list[str]
    people: list[str]
    secretariat: list[str]
    contacts: list[str]
    sweep_now: datetime
    next_id: dict[str, int] = field(default_factory=dict)


def bench_moment(today: date) -> datetime:
    """The sweeps' clock: the first Tuesday-Thursday business day after ``today``, 10:30 in Amsterdam."""
    day = today + timedelta(days=1)
    while not (is_business_day(day) and day.weekday() in (1, 2, 3)):
        day += timedelta(days=1)
    return datetime.combine(day, clock_time(10, 30), tzinfo=ZoneInfo(ZONE)).astimezone(UTC)


def is_postgresql_url(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def fresh_database(url: str) -> tuple[Engine, float]:
    """An empty database at ``url`` migrated to head with the product's migrations; returns the seconds taken."""
    if is_postgresql_url(url):
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        database = make_url(url).database
        assert database, "a file database is needed"
        for suffix in ("", "-wal", "-shm"):
            Path(database + suffix).unlink(missing_ok=True)
        engine = make_engine(url)
    started = time.perf_counter()
    upgrade(engine)
    return engine, time.perf_counter() - started


def _batches(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def bulk_insert(engine: Engine, table: Table, rows: Sequence[dict[str, Any]], *, copy: bool = False) -> None:
    """One executemany per batch of ``rows`` (a Core ``insert``), each batch in its own transaction.

    The rows hold values the database driver takes as they are (see :class:`DbValues`), and the
    insert targets an untyped view of ``table``: no per-value type conversion in Python. With
    ``copy`` (for set-up steps that are not themselves measured) PostgreSQL gets a ``COPY`` instead,
    and SQLite the driver's own executemany, several times faster still.
    """
    if not rows:
        return
    names = sorted({name for row in rows for name in row})
    required = {c.name for c in table.columns if not c.nullable and c.server_default is None and not c.autoincrement}
    missing = required - set(names) - {c.name for c in table.primary_key.columns if c.name == "id"}
    assert not missing, f"{table.name}: no value for {sorted(missing)}"
    untyped = sa_table(table.name, *(column(name) for name in names))
    for batch in _batches(rows):
        with engine.begin() as connection:
            if copy and engine.dialect.name == "postgresql":
                cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
                with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as stream:
                    for row in batch:
                        stream.write_row([row.get(name) for name in names])
            elif copy:
                placeholders = ", ".join("?" for _ in names)
                connection.exec_driver_sql(
                    f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({placeholders})",
                    [tuple(row.get(name) for name in names) for row in batch],
                )
            else:
                complete = [row if len(row) == len(names) else dict.fromkeys(names) | row for row in batch]
                connection.execute(insert(untyped), complete)


class DbValues:
    """Values as the product's column types store them, made once per value instead of per column and row.

    SQLite keeps timestamps as ``YYYY-MM-DD HH:MM:SS.ffffff`` text and dates as ``YYYY-MM-DD`` (SQLAlchemy's
    formats); PostgreSQL takes naive UTC datetimes and dates. Enums are stored by value.
    """

    def __init__(self, engine: Engine) -> None:
        self.sqlite = engine.dialect.name == "sqlite"

    def ts(self, moment: datetime | None) -> Any:
        if moment is None:
            return None
        naive = moment.astimezone(UTC).replace(tzinfo=None)
        return naive.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else naive

    def day(self, value: date | None) -> Any:
        if value is None:
            return None
        return value.isoformat() if self.sqlite else value


def sync_sequences(engine: Engine) -> None:
    """PostgreSQL: move each table's id sequence past the ids assigned here."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            if "id" not in table.c or not table.c.id.primary_key:
                continue
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )


def analyze(engine: Engine) -> None:
    """PostgreSQL: refresh planner statistics, as autovacuum does after a bulk load (SQLite: left as is)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))


def _max_id(engine: Engine, table: Table) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())


@cache
def _next_reminder(kind: DeadlineKind, due_on: date, tz: str, after: datetime) -> tuple[str, datetime]:
    """The first reminder of a deadline that is still ahead of ``after`` (what the engine has planned)."""
    policy = policy_for(kind)
    for rule in deadline_rules(due_on, policy, after.date() + timedelta(days=400)):
        moment = next_allowed_moment(day_start(rule.day, tz, policy), tz, policy)
        if moment > after:
            return rule.name, moment
    raise AssertionError("the overdue rules never end")  # pragma: no cover


@cache
def _escalation(due_on: date, after: datetime) -> datetime | None:
    policy = policy_for(DeadlineKind.CUSTOM)
    assert policy.escalate_after_days is not None
    moment = next_allowed_moment(
        day_start(due_on + timedelta(days=policy.escalate_after_days), ZONE, policy), ZONE, policy
    )
    return moment if moment > after else None


class Seeder:
    """Builds the rows; ``seed_large`` makes the big database, ``grow_open_deadlines`` adds to it."""

    def __init__(self, engine: Engine, sizes: Sizes, now: datetime, rng_seed: int = 7) -> None:
        self.engine = engine
        self.sizes = sizes
        self.now = now
        self.today = now.astimezone(ZoneInfo(ZONE)).date()
        self.sweep_now = bench_moment(self.today)
        self.rng = random.Random(rng_seed)
        self.report = SeedReport()
        self.db = DbValues(engine)
        self.now_db = self.db.ts(now)
        self._contacts_of: dict[int, list[str]] = {}
        self._secretariat_channel: dict[int, str] = {}
        self._people: list[str] = []

    # -- helpers ---------------------------------------------------------------------------------
    def _stamp(self) -> dict[str, Any]:
        return {"created_at": self.now_db, "updated_at": self.now_db}

    def _write(self, table: Table, rows: Sequence[dict[str, Any]]) -> float:
        started = time.perf_counter()
        bulk_insert(self.engine, table, rows)
        elapsed = time.perf_counter() - started
        self.report.insert_s += elapsed
        self.report.rows[table.name] = self.report.rows.get(table.name, 0) + len(rows)
        return elapsed

    def _reminders_for(
        self, deadline_id: int, kind: DeadlineKind, due_on: date, recipients: Sequence[str], covenant_id: int
    ) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for recipient in recipients:
            rule, moment = _next_reminder(kind, due_on, ZONE, self.sweep_now)
            rows.append(
                {
                    "dedupe_key": f"deadline:{deadline_id}:{due_on.isoformat()}:{rule}:{recipient}",
                    "deadline_id": deadline_id,
                    "covenant_id": covenant_id,
                    "rule": rule,
                    "recipient": recipient,
                    "planned_for": self.db.ts(moment),
                    "status": DeliveryStatus.PLANNED.value,
                    "attempts": 0,
                    "posts": 0,
                    "created_at": self.now_db,
                }
            )
        escalation = _escalation(due_on, self.sweep_now)
        channel = self._secretariat_channel.get(covenant_id)
        if escalation is not None and channel is not None:
            rows.append(
                {
                    "dedupe_key": f"deadline:{deadline_id}:{due_on.isoformat()}:escalate:{channel}",
                    "deadline_id": deadline_id,
                    "covenant_id": covenant_id,
                    "rule": "escalate",
                    "recipient": channel,
                    "planned_for": self.db.ts(escalation),
                    "status": DeliveryStatus.PLANNED.value,
                    "attempts": 0,
                    "posts": 0,
                    "created_at": self.now_db,
                }
            )
        return rows

    # -- the large database ------------------------------------------------------------------------
    def seed_large(self) -> Population:
        """The public covenants plus organisations, people, roles, groups, meetings, minutes, plans, deadlines."""
        rng, sizes, today = self.rng, self.sizes, self.today
        started = time.perf_counter()
        with make_session_factory(self.engine)() as session:
            seed.load_public(session)
        self.report.insert_s += time.perf_counter() - started
        with self.engine.connect() as connection:
            covenants = connection.execute(
                select(Covenant.id, Covenant.slug).where(Covenant.kind == "covenant").order_by(Covenant.id)
            ).all()
        covenant_ids = [row.id for row in covenants]
        with self.engine.begin() as connection:
            for index, covenant_id in enumerate(covenant_ids):
                channel = f"CSECR{index:05d}"
                self._secretariat_channel[covenant_id] = channel
                connection.execute(
                    update(TABLES["covenant"]).where(Covenant.id == covenant_id).values(secretariat_channel=channel)
                )

        # Organisations: one secretariat per covenant, then mostly companies.
        others = [
            OrganisationKind.TRADE_ASSOCIATION,
            OrganisationKind.UNION,
            OrganisationKind.NGO,
            OrganisationKind.GOVERNMENT,
            OrganisationKind.OTHER,
        ]
        org_base = _max_id(self.engine, TABLES["organisation"])
        organisations: list[dict[str, Any]] = []
        org_kind: dict[int, OrganisationKind] = {}
        for index in range(sizes.organisations):
            org_id = org_base + index + 1
            if index < len(covenant_ids):
                kind = OrganisationKind.SECRETARIAT
            elif rng.random() < 0.8:
                kind = OrganisationKind.COMPANY
            else:
                kind = rng.choice(others)
            org_kind[org_id] = kind
            organisations.append(
                {"id": org_id, "name": f"Bench Organisation {index:05d} BV", "kind": kind.value, "fictional": True}
                | self._stamp()
            )
        self._write(TABLES["organisation"], organisations)
        org_ids = list(org_kind)

        participations: list[dict[str, Any]] = []
        covenants_of: dict[int, list[int]] = {}
        for index, org_id in enumerate(org_ids):
            if org_kind[org_id] == OrganisationKind.SECRETARIAT:
                covenants_of[org_id] = [covenant_ids[index]]
                continue
            count = 2 if rng.random() < 0.3 else 1
            chosen = rng.sample(covenant_ids, count)
            covenants_of[org_id] = chosen
            company = org_kind[org_id] == OrganisationKind.COMPANY
            for covenant_id in chosen:
                joined = today - timedelta(days=rng.randint(100, 3000))
                left = joined + timedelta(days=rng.randint(30, 90)) if rng.random() < 0.05 else None
                participations.append(
                    {
                        "organisation_id": org_id,
                        "covenant_id": covenant_id,
                        "type": (ParticipationType.ADHERING_COMPANY if company else ParticipationType.PARTY).value,
                        "joined_on": self.db.day(joined),
                        "left_on": self.db.day(left),
                        "left_reason": "Bench: left the covenant" if left else None,
                    }
                    | self._stamp()
                )
        self._write(TABLES["participation"], participations)

        # People: person j works for organisation j mod N; the first two of a company are its contacts.
        person_base = _max_id(self.engine, TABLES["person"])
        people: list[dict[str, Any]] = []
        roles: list[dict[str, Any]] = []
        profiles: list[dict[str, Any]] = []
        secretariat: list[str] = []
        contacts: list[str] = []
        for index in range(sizes.people):
            person_id = person_base + index + 1
            org_id = org_ids[index % len(org_ids)]
            rank = index // len(org_ids)
            slack_id = f"UB{index:07d}"
            people.append(
                {
                    "id": person_id,
                    "slack_user_id": slack_id,
                    "name": f"Bench Person {index:05d}",
                    "organisation_id": org_id,
                    "language": None,
                    "fictional": True,
                }
                | self._stamp()
            )
            self._people.append(slack_id)
            kind = org_kind[org_id]
            role: RoleKind | None = None
            if kind == OrganisationKind.SECRETARIAT:
                role = RoleKind.SECRETARIAT
                secretariat.append(slack_id)
            elif kind == OrganisationKind.COMPANY and rank < 2:
                role = RoleKind.COMPANY_CONTACT
                contacts.append(slack_id)
                self._contacts_of.setdefault(org_id, []).append(slack_id)
            elif rank == 0:
                role = RoleKind.MEMBER
            elif rank == 1:
                role = RoleKind.STEERING_GROUP
            if role is not None:
                for covenant_id in covenants_of[org_id]:
                    roles.append(
                        {"person_id": person_id, "covenant_id": covenant_id, "kind": role.value} | self._stamp()
                    )
            tz = ZONE if rng.random() < 0.9 else rng.choice(OTHER_ZONES)
            profiles.append(
                {
                    "slack_user_id": slack_id,
                    "real_name": f"Bench Person {index:05d}",
                    "tz": tz,
                    "locale": "nl-NL" if rng.random() < 0.6 else "en-GB",
                    "fetched_at": self.now_db,
                }
            )
        self._write(TABLES["person"], people)
        self._write(TABLES["role"], roles)
        self._write(TABLES["slack_profile"], profiles)
        person_ids = [row["id"] for row in people]

        # Working groups (ten per covenant, each with a channel) and their members.
        group_base = _max_id(self.engine, TABLES["working_group"])
        groups: list[dict[str, Any]] = []
        members: list[dict[str, Any]] = []
        for covenant_index, covenant_id in enumerate(covenant_ids):
            for number in range(GROUPS_PER_COVENANT):
                group_id = group_base + len(groups) + 1
                groups.append(
                    {
                        "id": group_id,
                        "covenant_id": covenant_id,
                        "name": f"Werkgroep {number + 1}",
                        "name_en": f"Working group {number + 1}",
                        "kind": GroupKind.WORKING_GROUP.value,
                        "channel_id": f"CWG{covenant_index:03d}{number:03d}",
                        "calendar_token": f"bench-{group_id}-{rng.getrandbits(64):016x}",
                    }
                    | self._stamp()
                )
                for position, person_id in enumerate(rng.sample(person_ids, min(10, len(person_ids)))):
                    members.append(
                        {"group_id": group_id, "person_id": person_id, "is_chair": position == 0} | self._stamp()
                    )
        self._write(TABLES["working_group"], groups)
        self._write(TABLES["working_group_member"], members)

        # Meetings over the past two years and the coming one; a few monthly series.
        meeting_base = _max_id(self.engine, TABLES["meeting"])
        meetings: list[dict[str, Any]] = []
        past: list[tuple[int, datetime]] = []
        for index in range(sizes.meetings):
            meeting_id = meeting_base + index + 1
            day = today + timedelta(days=rng.randint(-730, 365))
            starts = datetime.combine(day, clock_time(rng.randint(7, 14), rng.choice((0, 30))), tzinfo=UTC)
            series = rng.random() < 0.05
            meetings.append(
                {
                    "id": meeting_id,
                    "uid": f"bench-{meeting_id}@covenant-bot",
                    "sequence": 0,
                    "working_group_id": rng.choice(groups)["id"],
                    "kind": "working_group",
                    "title": f"Overleg {index}",
                    "starts_at": self.db.ts(starts),
                    "ends_at": self.db.ts(starts + timedelta(minutes=90)),
                    "timezone": ZONE,
                    "rrule": "FREQ=MONTHLY;COUNT=12" if series else None,
                    "series_until": self.db.ts(starts + timedelta(days=335)) if series else None,
                    "agenda": "1. Opening\n2. Voortgang\n3. Rondvraag",
                    "status": "scheduled",
                }
                | self._stamp()
            )
            if starts < self.now and not series:
                past.append((meeting_id, starts))
        self._write(TABLES["meeting"], meetings)

        minutes: list[dict[str, Any]] = []
        for meeting_id, starts in past[: sizes.minutes]:
            draw = rng.random()
            status = (
                MinutesStatus.APPROVED
                if draw < 0.6
                else MinutesStatus.CIRCULATED
                if draw < 0.85
                else MinutesStatus.DRAFT
            )
            minutes.append(
                {
                    "meeting_id": meeting_id,
                    "occurrence_start": self.db.ts(starts),
                    "version": 1,
                    "status": status.value,
                    "summary": "Bench minutes.",
                    "comments_until": (
                        self.db.ts(starts + timedelta(days=14)) if status == MinutesStatus.CIRCULATED else None
                    ),
                }
                | self._stamp()
            )
        self._write(TABLES["minutes"], minutes)

        # Deadlines: the companies' yearly action plans first, then action items, assessments and others.
        deadline_base = _max_id(self.engine, TABLES["deadline"])
        deadlines: list[dict[str, Any]] = []
        plans: list[dict[str, Any]] = []
        reminders: list[dict[str, Any]] = []
        plan_budget = int(sizes.deadlines * 0.4)
        for org_id in org_ids:
            if org_kind[org_id] != OrganisationKind.COMPANY:
                continue
            for covenant_id in covenants_of[org_id]:
                for year in (today.year - 2, today.year - 1, today.year):
                    if len(deadlines) >= plan_budget:
                        break
                    due = date(year, 1 + org_id % 12, 1 + org_id % 28)
                    if year < today.year:
                        submitted = due + timedelta(days=rng.randint(-20, 20)) if rng.random() < 0.95 else None
                    else:
                        submitted = due - timedelta(days=3) if due < today and rng.random() < 0.7 else None
                    deadline_id = deadline_base + len(deadlines) + 1
                    is_open = submitted is None
                    deadlines.append(
                        {
                            "id": deadline_id,
                            "ref": f"plan:{org_id}:{covenant_id}:{year}",
                            "covenant_id": covenant_id,
                            "kind": DeadlineKind.ACTION_PLAN.value,
                            "title": f"Plan van aanpak {year}",
                            "organisation_id": org_id,
                            "due_on": self.db.day(due),
                            "status": (DeadlineStatus.OPEN if is_open else DeadlineStatus.DONE).value,
                            "done_at": None if is_open else self.now_db,
                            "planned_at": self.now_db,
                        }
                        | self._stamp()
                    )
                    outcome = rng.choice(("meets", "on_track", "lagging")) if submitted and year < today.year else None
                    plans.append(
                        {
                            "organisation_id": org_id,
                            "covenant_id": covenant_id,
                            "cycle_year": year,
                            "due_on": self.db.day(due),
                            "submitted_on": self.db.day(submitted),
                            "submitted_confirmed": submitted is not None,
                            "assessment_outcome": outcome,
                            "assessed_on": self.db.day(submitted + timedelta(days=30))
                            if outcome and submitted
                            else None,
                            "assessment_notes": "Bench: confidential notes." if outcome else None,
                            "deadline_id": deadline_id,
                        }
                        | self._stamp()
                    )
                    if is_open:
                        reminders += self._reminders_for(
                            deadline_id, DeadlineKind.ACTION_PLAN, due, self._contacts_of.get(org_id, []), covenant_id
                        )
        companies = [org_id for org_id in org_ids if self._contacts_of.get(org_id)]
        while len(deadlines) < sizes.deadlines:
            deadline_id = deadline_base + len(deadlines) + 1
            deadline_kind = rng.choice((DeadlineKind.ACTION_ITEM, DeadlineKind.ASSESSMENT, DeadlineKind.CUSTOM))
            due = today + timedelta(days=rng.randint(-365, 540))
            deadline_status = DeadlineStatus.OPEN
            if due < today - timedelta(days=30):
                draw = rng.random()
                deadline_status = (
                    DeadlineStatus.DONE if draw < 0.8 else DeadlineStatus.WAIVED if draw < 0.9 else deadline_status
                )
            owner: str | None = None
            org: int | None = None
            if deadline_kind == DeadlineKind.ACTION_ITEM:
                owner = rng.choice(self._people)
                covenant_id = rng.choice(covenant_ids)
                recipients = [owner]
            else:
                org = rng.choice(companies)
                covenant_id = covenants_of[org][0]
                recipients = self._contacts_of[org]
            deadlines.append(
                {
                    "id": deadline_id,
                    "ref": None,
                    "covenant_id": covenant_id,
                    "kind": deadline_kind.value,
                    "title": f"Bench deadline {deadline_id}",
                    "organisation_id": org,
                    "owner_slack_id": owner,
                    "due_on": self.db.day(due),
                    "status": deadline_status.value,
                    "done_at": None if deadline_status == DeadlineStatus.OPEN else self.now_db,
                    "planned_at": self.now_db,
                }
                | self._stamp()
            )
            if deadline_status == DeadlineStatus.OPEN:
                reminders += self._reminders_for(deadline_id, deadline_kind, due, recipients, covenant_id)
        elapsed = self._write(TABLES["deadline"], deadlines)
        self.report.deadline_rows_per_s = len(deadlines) / elapsed if elapsed else 0.0
        self._write(TABLES["action_plan"], plans)
        self._write(TABLES["reminder_delivery"], reminders)
        sync_sequences(self.engine)
        analyze(self.engine)
        return Population(
            covenant_ids=covenant_ids,
            covenant_slugs=[row.slug for row in covenants],
            people=list(self._people),
            secretariat=secretariat,
            contacts=contacts,
            sweep_now=self.sweep_now,
        )

    # -- growing the number of open deadlines ------------------------------------------------------------
    def open_deadlines(self) -> int:
        with self.engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count()).select_from(TABLES["deadline"]).where(Deadline.status == DeadlineStatus.OPEN)
                ).scalar_one()
            )

    def grow_open_deadlines(self, population: Population, target: int) -> float:
        """Add open action items (one owner each, reminder and escalation planned ahead) until ``target`` are open.

        Returns the seconds the inserts took.
        """
        missing = target - self.open_deadlines()
        started = time.perf_counter()
        rng = self.rng
        next_id = _max_id(self.engine, TABLES["deadline"]) + 1
        while missing > 0:
            chunk = min(missing, 100_000)
            deadlines: list[dict[str, Any]] = []
            reminders: list[dict[str, Any]] = []
            for _ in range(chunk):
                owner = rng.choice(population.people)
                covenant_id = rng.choice(population.covenant_ids)
                due = self.today + timedelta(days=rng.randint(1, 720))
                deadlines.append(
                    {
                        "id": next_id,
                        "covenant_id": covenant_id,
                        "kind": DeadlineKind.ACTION_ITEM.value,
                        "title": f"Bench action item {next_id}",
                        "owner_slack_id": owner,
                        "due_on": self.db.day(due),
                        "status": DeadlineStatus.OPEN.value,
                        "planned_at": self.now_db,
                    }
                    | self._stamp()
                )
                reminders += self._reminders_for(next_id, DeadlineKind.ACTION_ITEM, due, [owner], covenant_id)
                next_id += 1
            bulk_insert(self.engine, TABLES["deadline"], deadlines, copy=True)
            bulk_insert(self.engine, TABLES["reminder_delivery"], reminders, copy=True)
            missing -= chunk
        sync_sequences(self.engine)
        analyze(self.engine)
        return time.perf_counter() - started

    def due_reminders(self, recipients: Sequence[str], covenant_id: int) -> list[int]:
        """One new deadline per recipient, due in a week, whose ``before-7`` reminder is due at ``sweep_now``.

        Returns the new deliveries' ids.
        """
        due = self.sweep_now.astimezone(ZoneInfo(ZONE)).date() + timedelta(days=7)
        policy = policy_for(DeadlineKind.ACTION_ITEM)
        moment = next_allowed_moment(day_start(due - timedelta(days=7), ZONE, policy), ZONE, policy)
        assert moment <= self.sweep_now
        deadline_id = _max_id(self.engine, TABLES["deadline"]) + 1
        delivery_id = _max_id(self.engine, TABLES["reminder_delivery"]) + 1
        first_delivery = delivery_id
        deadlines: list[dict[str, Any]] = []
        reminders: list[dict[str, Any]] = []
        for recipient in recipients:
            deadlines.append(
                {
                    "id": deadline_id,
                    "covenant_id": covenant_id,
                    "kind": DeadlineKind.ACTION_ITEM.value,
                    "title": f"Bench: send the notes {deadline_id}",
                    "owner_slack_id": recipient,
                    "due_on": self.db.day(due),
                    "status": DeadlineStatus.OPEN.value,
                    "planned_at": self.now_db,
                }
                | self._stamp()
            )
            reminders.append(
                {
                    "id": delivery_id,
                    "dedupe_key": f"deadline:{deadline_id}:{due.isoformat()}:before-7:{recipient}",
                    "deadline_id": deadline_id,
                    "covenant_id": covenant_id,
                    "rule": "before-7",
                    "recipient": recipient,
                    "planned_for": self.db.ts(moment),
                    "status": DeliveryStatus.PLANNED.value,
                    "attempts": 0,
                    "posts": 0,
                    "created_at": self.now_db,
                }
            )
            deadline_id += 1
            delivery_id += 1
        bulk_insert(self.engine, TABLES["deadline"], deadlines)
        bulk_insert(self.engine, TABLES["reminder_delivery"], reminders)
        sync_sequences(self.engine)
        return list(range(first_delivery, delivery_id))


def orm_baseline(engine: Engine, count: int, covenant_id: int, owner: str, now: datetime) -> float:
    """Rows per second when the same deadlines are added one by one through the ORM (``session.add`` + flush,
    as a service does), rolled back afterwards."""
    started = time.perf_counter()
    with make_session_factory(engine)() as session:
        for index in range(count):
            session.add(
                Deadline(
                    covenant_id=covenant_id,
                    kind=DeadlineKind.ACTION_ITEM,
                    title=f"ORM baseline {index}",
                    owner_slack_id=owner,
                    due_on=now.date() + timedelta(days=30),
                    status=DeadlineStatus.OPEN,
                    planned_at=now,
                    created_at=now,
                    updated_at=now,
                )
            )
            session.flush()
        elapsed = time.perf_counter() - started
        session.rollback()
    return count / elapsed if elapsed else 0.0
