"""The annual report pack: `/covenant report` sends the secretariat the workbook by DM, with figures that match
the database; the public pack holds aggregates only; `covenant-bot report` writes the workbook and the summary."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.db.engine import SessionFactory
from bot.entry import cli
from bot.slack_standin import StandinSlack
from tests.support.demo import person
from tests.support.factories import MARKERS as PLANTED
from tests.support.factories import NOTES_MARKER as PLANTED_NOTES
from tests.support.factories import plant_confidential
from tests.support.harness import SlackHarness, reply_text
from tests.support.report_pack import (
    MARKERS,
    NOTES,
    PRIVATE_TARGET,
    SLUG,
    SMALL_CATEGORY,
    every_cell,
    plant,
    rows_of,
    sheets,
)


def _uploaded(standin: StandinSlack, user: str) -> tuple[str, bytes]:
    [asked] = standin.calls_to("files.getUploadURLExternal")
    [done] = standin.calls_to("files.completeUploadExternal")
    opened = standin.calls_to("conversations.open")[-1]
    assert opened.args["users"] == user
    assert done.args["channel_id"] == opened.response["channel"]["id"]
    return str(asked.args["filename"]), standin.file_bytes(asked.response["file_id"])


def test_the_secretariat_gets_the_pack_in_a_dm_with_the_figures_of_the_database(
    slack: SlackHarness, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    planted = plant(session_factory)
    answer = reply_text(slack.command("/covenant", f"report {SLUG} 2026", planted.secretariat))
    assert "annual report pack 2026 of Report Test Agreement is in your DM" in answer
    name, content = _uploaded(standin, planted.secretariat)
    assert name == f"report-{SLUG}-2026.xlsx"
    found = sheets(content)
    assert list(found) == [
        "About", "Participants", "Plans", "Assessment outcomes", "Plans per company", "Targets", "Meetings",
        "Meetings held", "Minutes and decisions", "Minutes approved", "Decisions", "Action items",
        "Action items list", "Reminders sent", "Reminder reactions",
    ]  # fmt: skip
    about = {row[0]: row[1] for row in found["About"][1:]}
    assert about["Cycle"] == 2026
    assert about["Taking part on 2026-01-01"] == 13
    assert about["Joined in 2026"] == 1 and about["Left in 2026"] == 1
    assert about["Taking part on 2026-12-31"] == 13
    participants = rows_of(found["Participants"])
    assert len(participants) == 14
    [leaver] = [row for row in participants if row["Organisation"] == "Vertrekker BV"]
    assert leaver["Left"] == datetime(2026, 6, 30) and leaver["Reason for leaving"] == "Overgenomen"
    [plans] = rows_of(found["Plans"])
    assert plans == {
        "Cycle": 2026, "Plans": 14, "Submitted": 12, "On time": 7, "Submitted late": 5, "Overdue": 2, "Assessed": 10,
    }  # fmt: skip
    outcomes = {row["Outcome"]: row["Companies"] for row in rows_of(found["Assessment outcomes"])}
    assert outcomes == {"fully meets": 5, "on track": 3, "lagging": 2}
    companies = {row["Organisation"]: row for row in rows_of(found["Plans per company"])}
    assert {companies[name]["Outcome"] for name in SMALL_CATEGORY} == {"lagging"}
    assert companies["Bedrijf A BV"]["Submitted on"] == datetime(2026, 5, 20)
    assert companies["Bedrijf A BV"]["On time"] == "yes"
    assert NOTES not in every_cell(found), "assessment notes are never in a pack"
    targets = {row["Target"]: row for row in rows_of(found["Targets"])}
    assert set(targets) == {"Marktdekking", PRIVATE_TARGET}
    market = targets["Marktdekking"]
    assert (market["Value"], market["Measured on"], market["Target value"], market["Public"]) == (
        62.5, datetime(2026, 11, 1), 80, "yes",
    )  # fmt: skip
    [meetings, assessments] = rows_of(found["Meetings"])
    assert meetings == {
        "Group": "Report working group", "Meetings held": 2, "Attending (yes)": 5, "Not attending": 1, "Maybe": 1,
        "Average attending": 2.5,
    }  # fmt: skip
    assert assessments["Meetings held"] == 1
    held = rows_of(found["Meetings held"])
    assert [row["Meeting"] for row in held] == ["Maartoverleg", "Septemberoverleg", held[2]["Meeting"]]
    assert held[2]["Kind of meeting"] == "assessment" and held[2]["Minutes"] == "approved"
    [record] = rows_of(found["Minutes and decisions"])
    assert (record["Minutes approved"], record["Decisions"]) == (3, 4)
    [items] = rows_of(found["Action items"])
    assert (items["Open"], items["Late (open)"], items["Done on time"], items["Done late"]) == (1, 2, 1, 1)
    assert {row["Owner"] for row in rows_of(found["Action items list"])} == {person("emma").name}
    sent = {(row["About"], row["Route"]): (row["Sent"], row["Failed"]) for row in rows_of(found["Reminders sent"])}
    assert sent == {
        ("action item", "Slack DM"): (2, 1),
        ("action item", "email"): (1, 0),
        ("meeting", "channel"): (1, 0),
    }
    reactions = {(row["About"], row["Button"]): row["Presses"] for row in rows_of(found["Reminder reactions"])}
    assert reactions == {
        ("action item", "Snooze"): 1,
        ("action item", "Not for me"): 1,
        ("action plan", "Mark submitted"): 1,
    }


def test_the_public_pack_has_aggregates_only_with_small_categories_merged(
    slack: SlackHarness, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    planted = plant(session_factory)
    answer = reply_text(slack.command("/covenant", f"report {SLUG} 2026 public", planted.secretariat))
    assert "public annual report pack 2026" in answer
    name, content = _uploaded(standin, planted.secretariat)
    assert name == f"report-{SLUG}-2026-public.xlsx"
    found = sheets(content)
    assert "Plans per company" not in found
    assert not {"Meetings held", "Minutes approved", "Decisions", "Action items list"} & set(found)
    outcomes = {row["Outcome"]: row["Companies"] for row in rows_of(found["Assessment outcomes"])}
    assert outcomes == {"fully meets": 5, "on track + lagging": 5}
    assert [row["Target"] for row in rows_of(found["Targets"])] == ["Marktdekking"]
    # Who takes part is public; nothing else names a company, an assessment meeting or a note.
    everything_else = every_cell(found, leaving="Participants")
    assert [marker for marker in MARKERS if marker in everything_else] == []
    assert [marker for marker in MARKERS[2:] if marker in every_cell(found)] == []
    [record] = rows_of(found["Minutes and decisions"])
    assert (record["Minutes approved"], record["Decisions"]) == (2, 3)
    [items] = rows_of(found["Action items"])
    assert (items["Open"], items["Late (open)"], items["Done on time"], items["Done late"]) == (1, 1, 1, 1)


def test_someone_outside_the_secretariat_is_refused_in_their_language(
    slack: SlackHarness, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    plant(session_factory)
    answer = reply_text(slack.command("/covenant", f"rapport {SLUG} 2026", person("hanneke").slack_user_id))
    assert "Alleen het secretariaat van Testconvenant Rapportage" in answer
    answer = reply_text(slack.command("/covenant", "report metaal 2026 openbaar", person("emma").slack_user_id))
    assert "Only the secretariat of" in answer
    assert standin.calls_to("files.getUploadURLExternal") == []


@pytest.mark.parametrize(
    "method", ["conversations.open", "files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
)
def test_a_failed_upload_step_is_said_and_nothing_is_shared(
    slack: SlackHarness, standin: StandinSlack, session_factory: SessionFactory, method: str
) -> None:
    planted = plant(session_factory)

    def fault(called: str, _args: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]] | None:
        if called != method:
            return None
        # The upload URL answers with an HTTP status; the Web API methods with ok: false.
        return (500, {}, {}) if method == "upload" else (200, {}, {"ok": False, "error": "internal_error"})

    standin.fault = fault
    # After a failed upload Slack knows no file by that id.
    standin.expected_refusals.add("file_not_found")
    answer = reply_text(slack.command("/covenant", f"report {SLUG}", planted.secretariat))
    standin.fault = None
    assert "I could not send you the report pack" in answer
    assert "is in your DM" not in answer
    assert [call for call in standin.calls_to("files.completeUploadExternal") if call.response.get("ok")] == []


def test_the_command_line_writes_the_workbook_and_the_summary(
    session_factory: SessionFactory, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plant(session_factory)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    target = tmp_path / "report.xlsx"
    assert cli.main(["report", SLUG, "--cycle", "2026", "--output", str(target), "--public", "--lang", "nl"]) == 0
    found = sheets(target.read_bytes())
    assert "Plannen per bedrijf" not in found
    assert rows_of(found["Plannen"])[0]["Ingediend"] == 12
    summary = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert summary.startswith("# Jaarrapportage 2026: Testconvenant Rapportage")
    assert "12 van 14 plannen ingediend (7 op tijd, 5 te laat), 2 over tijd, 10 beoordeeld." in summary
    assert "Uitkomsten: voldoet: 5, op koers + blijft achter: 5." in summary
    assert [marker for marker in MARKERS if marker in summary] == []
    charts = sorted(path.name for path in tmp_path.glob("*.png"))
    assert charts == [
        f"chart-{SLUG}-outcomes.png", f"chart-{SLUG}-participants.png", f"chart-{SLUG}-plans-2026.png",
        f"chart-{SLUG}-targets.png",
    ]  # fmt: skip
    assert "- Marktdekking: 62.5 percent (doel 80 percent)" in summary
    for chart in charts:
        assert (tmp_path / chart).read_bytes().startswith(b"\x89PNG")
        assert f"]({chart})" in summary
    assert "Secretariaat" not in summary and "secretariaat" not in summary.split("## Grafieken")[1]
    assert cli.main(["report", SLUG, "--cycle", "2026", "--output", str(tmp_path / "report.txt")]) == 2


def test_only_the_covenants_secretariat_gets_a_file_and_its_public_pack_has_no_company_data(
    slack: SlackHarness, standin: StandinSlack, session_factory: SessionFactory
) -> None:
    plant_confidential(session_factory)
    for key in ("tom", "pieter", "ingrid", "fatima", "hanneke"):
        standin.reset()
        answer = reply_text(slack.command("/covenant", "report hernieuwbare-energie 2026", person(key).slack_user_id))
        assert "ecretaria" in answer, key  # the refusal names who may ask
        assert standin.calls_to("files.getUploadURLExternal") == [], key
    standin.reset()
    sanne = person("sanne").slack_user_id
    reply_text(slack.command("/covenant", "rapport hernieuwbare-energie 2026 openbaar", sanne))
    _, content = _uploaded(standin, sanne)
    found = sheets(content)
    assert [marker for marker in PLANTED if marker in every_cell(found)] == []
    standin.reset()
    reply_text(slack.command("/covenant", "rapport hernieuwbare-energie 2026", sanne))
    _, content = _uploaded(standin, sanne)
    assert PLANTED_NOTES not in every_cell(sheets(content)), "assessment notes are never in a pack"
