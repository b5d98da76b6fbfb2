"""CSV imports: every problem reported by row and column, nothing half-imported, idempotent, re-planned."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.exc import OperationalError

from bot.db.engine import SessionFactory
from bot.db.enums import DeadlineStatus, DeliveryStatus, RoleKind
from bot.db.models import (
    AuditEntry,
    Covenant,
    Deadline,
    Organisation,
    Participation,
    Person,
    ReminderDelivery,
    Role,
)
from bot.services.administration import exports
from bot.services.imports import ImportReport, import_csv
from bot.services.plans import reminders
from tests.support.demo import NOW

T = TypeVar("T")
DEADLINE_HEADER = "ref,covenant,kind,title,organisation,owner_slack_id,due_on,status"
WINDKRACHT = "Windkracht Energie BV (demo)"


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def _import(
    session_factory: SessionFactory, kind: str, data: bytes, *, dry_run: bool = False, source: str = ""
) -> ImportReport:
    with session_factory() as session:
        return import_csv(session, kind, data, source=source or f"{kind}.csv", now=NOW, dry_run=dry_run)


def _errors(report: ImportReport) -> dict[tuple[int | None, str | None], str]:
    return {(error.row, error.column): error.message for error in report.errors}


def _snapshot(session_factory: SessionFactory) -> dict[str, Any]:
    """Row counts of every table an import writes, and every deadline's values."""
    with session_factory() as session:
        counts = {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Organisation, Participation, Person, Role, Deadline, AuditEntry, ReminderDelivery)
        }
        rows = session.execute(
            select(Deadline.id, Deadline.ref, Deadline.title, Deadline.due_on, Deadline.status, Deadline.planned_at)
        ).all()
        return {"counts": counts, "deadlines": sorted(rows)}


def _deadline(session_factory: SessionFactory, ref: str) -> Deadline:
    with session_factory() as session:
        deadline = session.scalar(select(Deadline).where(Deadline.ref == ref))
        assert deadline is not None
        return deadline


def _audit(session_factory: SessionFactory, entity_id: int) -> list[tuple[str, str]]:
    with session_factory() as session:
        rows = session.execute(
            select(AuditEntry.actor, AuditEntry.action)
            .where(AuditEntry.entity == "deadline", AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.id)
        )
        return [(actor, action) for actor, action in rows]


# -- organisations and contacts --------------------------------------------------------------------------


ORGANISATIONS = _csv(
    "name,kind,covenant,participation,joined_on,left_on,left_reason",
    "Zeewind Onderhoud BV (demo),company,wind,adhering_company,2024-05-01,,",
    "Zeewind Onderhoud BV (demo),company,,,,,",
    "windkracht energie bv (DEMO),company,metaal,supporter,2025-01-06,2025-12-31,Past niet bij de activiteiten",
    "Stichting Open Keten (demo),ngo,,,,,",
)


def test_organisations_are_inserted_once_and_then_unchanged(session_factory: SessionFactory) -> None:
    first = _import(session_factory, "organisations", ORGANISATIONS)
    assert first.ok, first.errors
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 1)
    with session_factory() as session:
        windkracht = session.scalar(select(Organisation).where(Organisation.name == WINDKRACHT))
        assert windkracht is not None  # matched case-insensitively; the stored spelling is kept
        left = session.scalar(select(Participation).where(Participation.left_on == date(2025, 12, 31)))
        assert left is not None and left.organisation_id == windkracht.id
        assert left.left_reason == "Past niet bij de activiteiten"
        actors = set(session.scalars(select(AuditEntry.actor).where(AuditEntry.action.like("%.created"))))
        assert "import:organisations.csv" in actors
    before = _snapshot(session_factory)
    second = _import(session_factory, "organisations", ORGANISATIONS)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 4)
    assert _snapshot(session_factory) == before


def test_organisation_rows_are_checked_by_row_and_column(session_factory: SessionFactory) -> None:
    before = _snapshot(session_factory)
    report = _import(
        session_factory,
        "organisations",
        _csv(
            "Name,Kind,Covenant,Participation,Joined on,Left on,Left reason",
            "Nieuw BV,corporation,,,,,",
            "Nieuw BV,company,metaal,,,,",
            "Ander BV,company,,party,2024-01-01,,",
            "Derde BV,company,metaal,party,2024-06-01,2024-01-01,",
            "Derde BV,ngo,,,,,",
            "Vierde BV,company,,,,,",
            "vierde bv,company,,,,,",
            "Vijfde BV,company,metaal,party,,,weg",
        ),
    )
    assert _errors(report) == {
        (2, "kind"): '"corporation" is not a kind: use company, trade_association, union, ngo, government, '
        "secretariat, other",
        (3, "participation"): "is empty: with a covenant, use party, adhering_company, supporter, observer",
        (4, "participation"): "needs a covenant in the same row",
        (4, "joined_on"): "needs a covenant in the same row",
        (5, "left_on"): "2024-01-01 is before joined_on 2024-06-01",
        (6, "kind"): "ngo differs from row 5 (company)",
        (8, "name"): "repeats row 7 (same organisation, covenant and joined_on)",
        (9, "left_reason"): "needs left_on (when it left)",
    }
    assert not report.ok and report.inserted == 0
    assert _snapshot(session_factory) == before


CONTACTS = _csv(
    "slack_user_id,name,organisation,covenant,role,language",
    "UNEWCONTACT1,Kees Nieuw (demo),windkracht energie bv (demo),hernieuwbare-energie,company_contact,nl",
    "UNEWCONTACT1,Kees Nieuw (demo),Windkracht Energie BV (demo),metaal,member,nl",
    "UDEMOCOM01,Pieter Bakker (demo),Windkracht Energie BV (demo),hernieuwbare-energie,company_contact,",
    "UDEMOCOM02,Lotte Visser (demo),Windkracht Energie BV (demo),wind,company_contact,en",
)


def test_contacts_are_upserted_by_slack_id_and_role(session_factory: SessionFactory) -> None:
    first = _import(session_factory, "contacts", CONTACTS)
    assert first.ok, first.errors
    assert (first.inserted, first.updated, first.unchanged) == (2, 1, 1)
    with session_factory() as session:
        kees = session.scalar(select(Person).where(Person.slack_user_id == "UNEWCONTACT1"))
        assert kees is not None and kees.language == "nl" and kees.organisation is not None
        assert sorted(role.kind for role in kees.roles) == [RoleKind.COMPANY_CONTACT, RoleKind.MEMBER]
        lotte = session.scalar(select(Person).where(Person.slack_user_id == "UDEMOCOM02"))
        assert lotte is not None and lotte.language == "en"
    second = _import(session_factory, "contacts", CONTACTS)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 4)


def test_contact_rows_are_checked_by_row_and_column(session_factory: SessionFactory) -> None:
    report = _import(
        session_factory,
        "contacts",
        _csv(
            "slack_user_id;name;organisation;covenant;role;language",
            "u12345;Iemand;Windkracht Energie BV (demo);wind;member;",
            "UNEW0002;Iemand;Windkraft Energie BV (demo);wind;member;",
            "UNEW0003;Iemand;Windkracht Energie BV (demo);kolen;chair;de",
            "UNEW0004;Een;Windkracht Energie BV (demo);wind;member;",
            "UNEW0004;Twee;Windkracht Energie BV (demo);wind;member;",
        ),
    )
    errors = _errors(report)
    assert errors[(2, "slack_user_id")] == '"u12345" is not a Slack user id (U or W, then capitals and digits)'
    assert errors[(3, "organisation")] == (
        'no organisation "Windkraft Energie BV (demo)" in the database (did you mean "Windkracht Energie BV (demo)"?)'
    )
    assert errors[(4, "covenant")].startswith('no covenant "kolen"')
    assert errors[(4, "role")].startswith('"chair" is not a role: use secretariat, steering_group')
    assert errors[(4, "language")] == '"de" is not a language: use nl, en'
    assert errors[(6, "name")] == "differs from row 5 for the same slack_user_id"
    assert errors[(6, "role")] == "repeats row 5 (same person, covenant and role)"
    assert len(errors) == 7


def test_new_and_moved_company_contacts_make_the_sweep_plan_again(session_factory: SessionFactory) -> None:
    row = f"jr,wind,custom,Jaarrapportage,{WINDKRACHT},,2026-12-07,"
    _import(session_factory, "deadlines", _csv(DEADLINE_HEADER, row))
    _plan(session_factory, "jr")
    with session_factory() as session:
        for deadline in session.scalars(select(Deadline)):
            deadline.planned_at = NOW  # as after a sweep
        session.commit()
    report = _import(
        session_factory,
        "contacts",
        _csv(
            "slack_user_id,name,organisation,covenant,role",
            "UNEWCONTACT9,Nieuw Contact (demo),Noordzee Wind Services BV (demo),wind,company_contact",
            "UDEMOCOM01,Pieter Bakker (demo),Zonneveld Solar BV (demo),wind,company_contact",
        ),
    )
    assert (report.inserted, report.updated) == (1, 1)
    with session_factory() as session:
        to_plan = session.scalars(
            select(Organisation.name)
            .join(Deadline, Deadline.organisation_id == Organisation.id)
            .where(Deadline.planned_at.is_(None))
        )
        assert set(to_plan) == {"Noordzee Wind Services BV (demo)", WINDKRACHT, "Zonneveld Solar BV (demo)"}
    assert _deliveries(session_factory, "jr") == {
        # Pieter moved to another company: his planned reminder is gone.
        "2026-12-07:before-14:UDEMOCOM02": DeliveryStatus.PLANNED,
        "2026-12-07:escalate:CDEMOSECHE": DeliveryStatus.PLANNED,
    }


# -- deadlines: checks ------------------------------------------------------------------------------------


def test_deadline_rows_are_checked_by_row_and_column(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        made_in_slack = session.scalar(select(Deadline.id).where(Deadline.ref.is_(None)).limit(1))
        with_ref = session.scalar(select(Deadline.id).where(Deadline.ref.is_not(None)).limit(1))
    before = _snapshot(session_factory)
    report = _import(
        session_factory,
        "deadlines",
        _csv(
            DEADLINE_HEADER,
            "a-1,metaal,custom,Fine,,,2027-03-15,",
            "a-2,metaal,custom,Bad date,,,31-02-2027,",
            "a-3,metaal,custom,Relative,,,morgen,",
            "a-4,metaal,custom,No year,,,15-03,",
            "a-5,steenkool,custom,Near miss,,,2027-03-15,",
            "a-6,metaal,deliverable,Bad kind,Nergens BV,,2027-03-15,closed",
            "a-7,metaal,custom,,,W,2027-03-15,",
            "a-1,metaal,custom,Duplicate ref,,,2027-03-15,",
            "id:999999,metaal,custom,No such id,,,2027-03-15,",
            f"id:{with_ref},metaal,custom,Has a ref,,,2027-03-15,",
            f"id:{made_in_slack},metaal,custom,Fine too,,,2027-03-15,",
            f"a-12,metaal,custom,{'x' * 301},,,2027-03-15,",
            ",metaal,custom,No ref,,,,",
        ),
    )
    errors = _errors(report)
    assert errors.pop((3, "due_on")) == '"31-02-2027" is not a date (write 2027-03-15 or 15-03-2027)'
    assert errors.pop((4, "due_on")) == '"morgen" is not a date (write 2027-03-15 or 15-03-2027)'
    assert errors.pop((5, "due_on")) == '"15-03" is not a date (write 2027-03-15 or 15-03-2027)'
    assert errors.pop((6, "covenant")) == 'no covenant "steenkool" (did you mean natuursteen?)'
    assert errors.pop((7, "kind")).startswith('"deliverable" is not a kind: use action_plan, assessment')
    assert errors.pop((7, "organisation")).startswith('no organisation "Nergens BV" in the database')
    assert errors.pop((7, "status")) == '"closed" is not a status: use open, done, waived'
    assert errors.pop((8, "title")) == "is empty"
    assert errors.pop((8, "owner_slack_id")).startswith('"W" is not a Slack user id')
    assert errors.pop((9, "ref")) == '"a-1" is on row 2 already'
    assert (
        errors.pop((10, "ref")) == 'no deadline "id:999999" in the database (id:N is only for deadlines made in Slack)'
    )
    assert errors.pop((11, "ref")).startswith(f"deadline id:{with_ref} has its own ref")
    assert errors.pop((13, "title")) == "is 301 characters long; at most 300 fit"
    assert errors.pop((14, "ref")) == "is empty"
    assert errors.pop((14, "due_on")) == "is empty: write 2027-03-15 or 15-03-2027"
    assert errors == {}
    assert [error.row for error in report.errors] == sorted(error.row or 0 for error in report.errors)
    assert _snapshot(session_factory) == before


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ref,covenant,title", "row 1: missing columns: kind, due_on (the first row names the columns ref, covenant"),
        (DEADLINE_HEADER + ",notes", "row 1, column notes: unknown column (the columns are: ref, covenant"),
        ("ref,ref,covenant,kind,title,due_on", "row 1, column ref: named twice"),
    ],
)
def test_header_problems_are_one_clear_error(session_factory: SessionFactory, header: str, expected: str) -> None:
    report = _import(session_factory, "deadlines", _csv(header, "a,metaal,custom,T,,,2027-03-15,"))
    assert len(report.errors) == 1
    assert str(report.errors[0]).startswith(expected)


def test_file_that_is_not_utf8_is_refused_at_its_row(session_factory: SessionFactory) -> None:
    data = _csv(DEADLINE_HEADER, "a,metaal,custom,Fine,,,2027-03-15,") + "b,metaal,custom,Café,,,2027-03-15,\n".encode(
        "cp1252"
    )
    report = _import(session_factory, "deadlines", data)
    assert [str(error) for error in report.errors] == ["row 3: the file is not UTF-8 text: save it as CSV UTF-8"]


def test_semicolon_file_with_bom_blank_rows_and_dutch_dates(session_factory: SessionFactory) -> None:
    data = "\ufeff" + "\r\n".join(
        [
            DEADLINE_HEADER.replace(",", ";"),
            "nl-1;metaal;custom;Zelfevaluatie “volwassenheid”;;;15-03-2027;",
            ";;;;;;;",
            "nl-2;metaalsector;action_plan;Plan van aanpak;Delta Alloys BV (demo);;2027-03-05;",
            "nl-3;metaal;custom;Dag-maand;;;5-3-2027;",
            "nl-4;metaal;custom;Fout;;;30-02-2027;",
            "nl-5;metaal;custom;Excel-datum;;;2027-03-05 00:00:00;",
        ]
    )
    report = _import(session_factory, "deadlines", data.encode("utf-8"))
    assert [str(error) for error in report.errors] == [
        'row 6, column due_on: "30-02-2027" is not a date (write 2027-03-15 or 15-03-2027)'
    ]
    fixed = data.replace("30-02-2027", "28-02-2027").encode("utf-8")
    assert _import(session_factory, "deadlines", fixed).inserted == 5
    assert _deadline(session_factory, "nl-5").due_on == date(2027, 3, 5)
    assert _deadline(session_factory, "nl-1").due_on == date(2027, 3, 15)
    assert _deadline(session_factory, "nl-1").title == "Zelfevaluatie “volwassenheid”"
    assert _deadline(session_factory, "nl-2").due_on == date(2027, 3, 5)  # ISO stays year-month-day
    assert _deadline(session_factory, "nl-3").due_on == date(2027, 3, 5)


# -- deadlines: all or nothing ------------------------------------------------------------------------


def _many_deadlines(count: int) -> list[str]:
    return [
        f"bulk-{n},hernieuwbare-energie,custom,Bijdrage {n},{WINDKRACHT},,{(n % 28) + 1:02d}-06-2027,"
        for n in range(count)
    ]


def test_a_bad_fiftieth_row_leaves_the_database_unchanged(session_factory: SessionFactory) -> None:
    lines = _many_deadlines(59)
    lines[48] = lines[48].replace("-06-2027", "-13-2027")  # spreadsheet row 50
    before = _snapshot(session_factory)
    report = _import(session_factory, "deadlines", _csv(DEADLINE_HEADER, *lines))
    assert [(error.row, error.column) for error in report.errors] == [(50, "due_on")]
    assert report.summary() == "deadlines.csv: 1 problem in 59 rows; nothing was imported"
    assert _snapshot(session_factory) == before


@pytest.fixture
def failing_30th_deadline_insert(engine: Engine) -> Iterator[None]:
    """The database refuses the 30th INSERT into deadline, as a full disk or lost connection would."""
    inserts = 0

    def refuse(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        nonlocal inserts
        if statement.lstrip().upper().startswith("INSERT INTO DEADLINE"):
            inserts += 1
            if inserts == 30:
                raise OperationalError(statement, parameters, Exception("disk I/O error (injected)"))

    event.listen(engine, "before_cursor_execute", refuse)
    yield
    event.remove(engine, "before_cursor_execute", refuse)


@pytest.mark.usefixtures("failing_30th_deadline_insert")
def test_a_database_error_midway_rolls_everything_back(session_factory: SessionFactory) -> None:
    before = _snapshot(session_factory)
    report = _import(session_factory, "deadlines", _csv(DEADLINE_HEADER, *_many_deadlines(59)))
    assert [str(error) for error in report.errors] == [
        "row 31: the database refused this row (disk I/O error (injected)); nothing was imported"
    ]
    assert report.inserted == 0
    assert _snapshot(session_factory) == before


def test_dry_run_counts_what_would_change_and_writes_nothing(session_factory: SessionFactory) -> None:
    _import(session_factory, "deadlines", _csv(DEADLINE_HEADER, *_many_deadlines(5)))
    changed = _many_deadlines(8)
    changed[0] = changed[0].replace("Bijdrage 0", "Bijdrage nul")
    changed[1] = changed[1].replace(",,0", ",,1")  # another due date
    before = _snapshot(session_factory)
    dry = _import(session_factory, "deadlines", _csv(DEADLINE_HEADER, *changed), dry_run=True)
    assert dry.ok and (dry.inserted, dry.updated, dry.unchanged) == (3, 2, 3)
    assert "dry run: nothing written" in dry.summary()
    assert _snapshot(session_factory) == before
    real = _import(session_factory, "deadlines", _csv(DEADLINE_HEADER, *changed))
    assert (real.inserted, real.updated, real.unchanged) == (3, 2, 3)


def test_progress_sees_every_row_being_written(session_factory: SessionFactory) -> None:
    seen: list[int] = []

    def progress(rows: Sequence[T], /) -> Iterable[T]:
        seen.append(len(rows))
        yield from rows

    with session_factory() as session:
        data = _csv(DEADLINE_HEADER, *_many_deadlines(7))
        import_csv(session, "deadlines", data, source="p.csv", now=NOW, progress=progress)
    assert seen == [7]


# -- deadlines: changes go through the deadline service ------------------------------------------------------


def test_new_deadlines_are_created_audited_and_left_for_the_sweep_to_plan(session_factory: SessionFactory) -> None:
    report = _import(
        session_factory,
        "deadlines",
        _csv(
            DEADLINE_HEADER,
            f"jr-2026,wind,custom,Jaarrapportage 2026,{WINDKRACHT},,2026-12-07,",
            "jr-2025,wind,custom,Jaarrapportage 2025,,UDEMOSEC01,2025-12-07,done",
        ),
        source="/srv/data/jaarrapportage.csv",
    )
    assert report.inserted == 2
    open_one, done_one = _deadline(session_factory, "jr-2026"), _deadline(session_factory, "jr-2025")
    assert open_one.planned_at is None and open_one.status == DeadlineStatus.OPEN
    assert done_one.status == DeadlineStatus.DONE and done_one.owner_person_id is not None
    actor = "import:jaarrapportage.csv"
    assert _audit(session_factory, open_one.id) == [(actor, "deadline.created")]
    assert _audit(session_factory, done_one.id) == [(actor, "deadline.created"), (actor, "deadline.done")]


def _plan(session_factory: SessionFactory, ref: str) -> dict[str, DeliveryStatus]:
    """Let the reminder engine plan the deadline; returns its deliveries' status by dedupe key."""
    with session_factory() as session:
        deadline = session.scalar(select(Deadline).where(Deadline.ref == ref))
        assert deadline is not None
        reminders.plan_deadline(session, deadline, NOW)
        session.commit()
    return _deliveries(session_factory, ref)


def _deliveries(session_factory: SessionFactory, ref: str) -> dict[str, DeliveryStatus]:
    with session_factory() as session:
        rows = session.execute(
            select(ReminderDelivery.dedupe_key, ReminderDelivery.status)
            .join(Deadline, ReminderDelivery.deadline_id == Deadline.id)
            .where(Deadline.ref == ref)
        )
        return {key.split(":", 2)[2]: status for key, status in rows}  # due date:rule:recipient


def test_new_due_date_and_status_go_through_the_deadline_service(session_factory: SessionFactory) -> None:
    row = f"jr,wind,custom,Jaarrapportage,{WINDKRACHT},,{{due}},{{status}}"
    _import(session_factory, "deadlines", _csv(DEADLINE_HEADER, row.format(due="07-12-2026", status="")))
    planned = _plan(session_factory, "jr")
    assert planned == {
        "2026-12-07:before-14:UDEMOCOM01": DeliveryStatus.PLANNED,
        "2026-12-07:before-14:UDEMOCOM02": DeliveryStatus.PLANNED,
        "2026-12-07:escalate:CDEMOSECHE": DeliveryStatus.PLANNED,
    }
    assert _deadline(session_factory, "jr").planned_at is not None

    moved = _import(session_factory, "deadlines", _csv(DEADLINE_HEADER, row.format(due="2026-12-21", status="")))
    assert moved.updated == 1
    deadline = _deadline(session_factory, "jr")
    assert deadline.due_on == date(2026, 12, 21) and deadline.planned_at is None
    assert _deliveries(session_factory, "jr") == {}  # the old date's planned reminders are gone
    replanned = _plan(session_factory, "jr")
    assert replanned["2026-12-21:escalate:CDEMOSECHE"] == DeliveryStatus.PLANNED
    assert replanned["2026-12-21:before-30:UDEMOCOM01"] == DeliveryStatus.PLANNED

    _import(session_factory, "deadlines", _csv(DEADLINE_HEADER, row.format(due="2026-12-21", status="done")))
    assert _deadline(session_factory, "jr").planned_at is None
    assert DeliveryStatus.PLANNED not in _deliveries(session_factory, "jr").values()
    _import(session_factory, "deadlines", _csv(DEADLINE_HEADER, row.format(due="2026-12-21", status="open")))
    deadline = _deadline(session_factory, "jr")
    assert deadline.status == DeadlineStatus.OPEN and deadline.planned_at is None
    actions = [action for actor, action in _audit(session_factory, deadline.id) if actor == "import:deadlines.csv"]
    assert actions == ["deadline.created", "deadline.due_changed", "deadline.done", "deadline.reopened"]


def test_empty_status_leaves_a_closed_deadline_closed(session_factory: SessionFactory) -> None:
    row = "jr,wind,custom,Jaarrapportage,,UDEMOSEC01,2026-12-21,{status}"
    _import(session_factory, "deadlines", _csv(DEADLINE_HEADER, row.format(status="done")))
    again = _import(session_factory, "deadlines", _csv(DEADLINE_HEADER, row.format(status="")))
    assert again.unchanged == 1 and _deadline(session_factory, "jr").status == DeadlineStatus.DONE


def test_new_owner_drops_only_the_former_recipients_reminders(session_factory: SessionFactory) -> None:
    row = f"jr,wind,custom,Jaarrapportage,{WINDKRACHT},{{owner}},2026-12-07,"
    _import(session_factory, "deadlines", _csv(DEADLINE_HEADER, row.format(owner="")))
    _plan(session_factory, "jr")
    report = _import(session_factory, "deadlines", _csv(DEADLINE_HEADER, row.format(owner="UDEMOCOM02")))
    assert report.updated == 1
    assert _deliveries(session_factory, "jr") == {
        # Pieter is no longer reminded: his planned reminder is gone.
        "2026-12-07:before-14:UDEMOCOM02": DeliveryStatus.PLANNED,  # Lotte still is: her reminder stays
        "2026-12-07:escalate:CDEMOSECHE": DeliveryStatus.PLANNED,
    }
    deadline = _deadline(session_factory, "jr")
    assert deadline.planned_at is None
    assert ("import:deadlines.csv", "deadline.updated") in _audit(session_factory, deadline.id)


# -- export ---------------------------------------------------------------------------------------------


def _export(session_factory: SessionFactory, covenant_slug: str | None = None) -> str:
    out = io.StringIO()
    with session_factory() as session:
        covenant = session.scalar(select(Covenant).where(Covenant.slug == covenant_slug)) if covenant_slug else None
        exports.export_deadlines(session, out, covenant)
    return out.getvalue()


def test_an_export_imports_again_as_unchanged(session_factory: SessionFactory) -> None:
    _import(session_factory, "deadlines", _csv(DEADLINE_HEADER, *_many_deadlines(3)))
    exported = _export(session_factory)
    lines = exported.splitlines()
    assert lines[0] == DEADLINE_HEADER
    assert any(line.startswith("id:") for line in lines)  # deadlines made without a ref
    before = _snapshot(session_factory)
    report = _import(session_factory, "deadlines", exported.encode("utf-8"))
    assert report.ok and report.unchanged == len(lines) - 1 and report.inserted == report.updated == 0
    assert _snapshot(session_factory) == before


def test_an_export_keeps_spreadsheets_from_running_cells_as_formulas(session_factory: SessionFactory) -> None:
    titles = ['=HYPERLINK("http://example.org/x";"klik")', "-5% verpakking", "+31 melding", "@SUM(A1)", "Gewoon"]
    lines = [
        f'formula-{n},hernieuwbare-energie,custom,"{title.replace(chr(34), chr(34) * 2)}",{WINDKRACHT},,01-06-2027,'
        for n, title in enumerate(titles)
    ]
    assert _import(session_factory, "deadlines", _csv(DEADLINE_HEADER, *lines)).ok
    exported = _export(session_factory, "hernieuwbare-energie")
    cells = {row["ref"]: row["title"] for row in csv.DictReader(io.StringIO(exported)) if row["ref"].startswith("f")}
    assert cells == {f"formula-{n}": ("'" + t if n < 4 else t) for n, t in enumerate(titles)}
    before = _snapshot(session_factory)
    again = _import(session_factory, "deadlines", exported.encode("utf-8"))
    assert again.ok and again.inserted == again.updated == 0
    assert _snapshot(session_factory) == before
    with session_factory() as session:
        stored = session.scalars(select(Deadline.title).where(Deadline.ref.like("formula-%")).order_by(Deadline.ref))
        assert list(stored) == titles


def test_an_edited_export_updates_the_deadline_it_came_from(session_factory: SessionFactory) -> None:
    exported = _export(session_factory, "metaal")
    assert all(line.split(",")[1] == "metaal" for line in exported.splitlines()[1:])
    line = next(line for line in exported.splitlines() if line.startswith("id:"))
    deadline_id = int(line.split(",")[0].removeprefix("id:"))
    edited = line.split(",")
    edited[3] = "Renamed in a spreadsheet"
    report = _import(session_factory, "deadlines", _csv(DEADLINE_HEADER, ",".join(edited)))
    assert (report.inserted, report.updated) == (0, 1)
    with session_factory() as session:
        deadline = session.get(Deadline, deadline_id)
        assert deadline is not None and deadline.title == "Renamed in a spreadsheet" and deadline.ref is None
