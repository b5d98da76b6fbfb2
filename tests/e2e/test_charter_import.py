"""CSV imports of a charter's signatories and commitments: errors by row and column and nothing written, else
every row upserted once (a second import changes nothing); a new commitment asks for its yearly update."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from bot.db.engine import SessionFactory
from bot.db.enums import CommitmentKind, DeadlineKind
from bot.db.models import CharterSignatory, Commitment, Deadline, Organisation
from bot.services.imports import ImportReport, import_csv
from tests.support.charters import counts
from tests.support.demo import NOW

SIGNATORIES = [
    "charter,organisation,signed_on,signed_by,signed_by_role",
    "decent-work-charter,Windkracht Energie BV (demo),2026-10-01,Jan Peters (demo),CEO",
    "decent work,Zonneveld Solar BV (demo),15-10-2026,,",
]
COMMITMENTS = [
    "charter,organisation,number,kind,text,target_number,target_on",
    "decent-work-charter,Windkracht Energie BV (demo),1,internships,Stageplaatsen voor technici,8,2027-09-30",
    "decent-work-charter,Windkracht Energie BV (demo),2,free-services,Gratis energieadvies,,",
]


def _import(session_factory: SessionFactory, kind: str, lines: list[str]) -> ImportReport:
    with session_factory() as session:
        return import_csv(session, kind, ("\n".join(lines) + "\n").encode(), source=f"{kind}.csv", now=NOW)


def test_signatories_then_commitments_import_once(session_factory: SessionFactory) -> None:
    report = _import(session_factory, "signatories", SIGNATORIES)
    assert report.ok and (report.inserted, report.updated) == (2, 0), report.errors
    report = _import(session_factory, "commitments", COMMITMENTS)
    assert report.ok and report.inserted == 2, report.errors
    with session_factory() as session:
        windkracht = session.scalar(select(Organisation).where(Organisation.name == "Windkracht Energie BV (demo)"))
        assert windkracht is not None
        signatory = session.scalar(select(CharterSignatory).where(CharterSignatory.organisation_id == windkracht.id))
        assert signatory is not None and signatory.signed_by_role == "CEO"
        kinds = [c.kind for c in session.scalars(select(Commitment).where(Commitment.signatory_id == signatory.id))]
        assert kinds == [CommitmentKind.INTERNSHIPS, CommitmentKind.FREE_SERVICES]
        requests = session.scalars(
            select(Deadline).where(
                Deadline.kind == DeadlineKind.COMMITMENT_UPDATE, Deadline.organisation_id == windkracht.id
            )
        ).all()
        assert len(requests) == 2 and {r.due_on.isoformat() for r in requests} == {"2027-10-01"}
    before = counts(session_factory)
    again = _import(session_factory, "signatories", SIGNATORIES)
    assert again.unchanged == 2
    assert _import(session_factory, "commitments", COMMITMENTS).unchanged == 2
    assert counts(session_factory) == before


def test_a_bad_file_reports_each_problem_by_row_and_column_and_imports_nothing(
    session_factory: SessionFactory,
) -> None:
    before = counts(session_factory)
    report = _import(
        session_factory,
        "signatories",
        [
            SIGNATORIES[0],
            SIGNATORIES[1],
            "metaal,Windkracht Energie BV (demo),2026-10-01,,",  # a covenant, not a charter
            "decent-work-charter,Nobody BV,2026-10-01,,",
            "decent-work-charter,Zonneveld Solar BV (demo),31-02-2026,,CEO",
        ],
    )
    problems = {(e.row, e.column) for e in report.errors}
    assert {(3, "charter"), (4, "organisation"), (5, "signed_on"), (5, "signed_by_role")} <= problems
    commitments = _import(
        session_factory,
        "commitments",
        [
            COMMITMENTS[0],
            "decent-work-charter,Windkracht Energie BV (demo),1,internships,Not a signatory yet,,",
            "decent-work-charter,Atelier Inclusief NV (demo),x,cooking,,99999999999,",
        ],
    )
    found = {(e.row, e.column) for e in commitments.errors}
    assert {(2, "organisation"), (3, "number"), (3, "kind"), (3, "text"), (3, "target_number")} <= found
    assert counts(session_factory) == before


def test_the_cli_imports_signatories(tmp_path: Path) -> None:
    database = tmp_path / "cli.sqlite3"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DATABASE_URL"))}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    file = tmp_path / "signatories.csv"
    file.write_text("\n".join(SIGNATORIES) + "\n", encoding="utf-8")
    for args in (["db", "upgrade"], ["seed", "--demo"], ["import", "signatories", str(file)]):
        result = subprocess.run(
            [sys.executable, "-m", "bot.entry.cli", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    assert "2 inserted" in result.stdout + result.stderr


def test_organisations_csv_sends_a_signatory_to_signatories_csv(session_factory: SessionFactory) -> None:
    before = counts(session_factory)
    report = _import(
        session_factory,
        "organisations",
        [
            "name,kind,covenant,participation,joined_on",
            "Nieuw BV (demo),company,decent-work-charter,signatory,2026-10-01",
        ],
    )
    assert [(e.row, e.column) for e in report.errors] == [(2, "participation")]
    assert "signatories.csv" in report.errors[0].message
    assert counts(session_factory) == before
