"""`covenant-bot privacy erase|export` (AVG/GDPR): a person planted in every kind of table is exported whole, then
erased so that no text, string or JSON column of any table still names them; twice is a no-op; unknown is exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from bot.db.engine import SessionFactory
from bot.db.enums import DeliveryStatus
from bot.db.models import AckedWork, AuditEntry, Meeting, Minutes, Person, ReminderDelivery, Role, Rsvp, SlackProfile
from bot.services.minutes import minutes_search
from tests.support.factories import NOTES_MARKER, plant_confidential
from tests.support.privacy import OTHER, plant_person, snapshot, traces

NOW = datetime.now(UTC)


def _cli(engine: Engine, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DATABASE_URL"))}
    env["DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    return subprocess.run(
        [sys.executable, "-m", "bot.entry.cli", "privacy", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_erase_leaves_no_trace_of_name_slack_id_or_email_in_any_table(
    engine: Engine, session_factory: SessionFactory, tmp_path: Path
) -> None:
    planted = plant_person(session_factory, NOW)
    with session_factory() as session:
        before = {(table, column) for table, column, _ in traces(session, planted.markers)}
    # Planted everywhere: the scan below would see each of these if the erasure missed it.
    for place in (
        ("person", "name"),
        ("slack_profile", "real_name"),
        ("rsvp", "slack_user_id"),
        ("minutes", "attendees"),
        ("minutes", "summary"),
        ("minutes", "approved_by"),
        ("minutes", "search_text"),
        ("minutes_contribution", "author_slack_id"),
        ("minutes_contribution", "text"),
        ("decision", "text"),
        ("action_item", "owner_slack_id"),
        ("deadline", "owner_slack_id"),
        ("reminder_delivery", "recipient"),
        ("reminder_delivery", "dedupe_key"),
        ("reminder_delivery", "payload"),
        ("audit_entry", "actor"),
        ("audit_entry", "detail"),
        ("acked_work", "request"),
        ("meeting", "agenda"),
        ("meeting_exception", "reason"),
        ("charter_signatory", "signed_by_name"),
    ):
        assert place in before, place

    erased = _cli(engine, tmp_path, "erase", planted.slack_id, "--yes")
    assert erased.returncode == 0, erased.stderr
    assert erased.stdout.startswith(f"person:{planted.person_id} erased (erased on request)")

    with session_factory() as session:
        assert traces(session, planted.markers) == []
        # The other person in the same rows is untouched.
        assert {t for t, _, _ in traces(session, OTHER)} >= {"person", "rsvp", "minutes_contribution", "audit_entry"}
        person = session.get(Person, planted.person_id)
        assert person is not None
        assert (person.name, person.slack_user_id, person.email, person.language, person.timezone) == (
            "een voormalig deelnemer",
            None,
            None,
            None,
            None,
        )
        assert session.scalars(select(Role).where(Role.person_id == planted.person_id)).all() == []
        assert session.get(SlackProfile, planted.slack_id) is None
        assert session.scalars(select(Rsvp).where(Rsvp.slack_user_id == planted.slack_id)).all() == []
        # Approved minutes keep their text, with the person replaced.
        minutes = session.get(Minutes, planted.minutes_id)
        assert minutes is not None and minutes.summary is not None
        gone = "een voormalig deelnemer"
        assert minutes.summary == f"{gone} presented the field report. The group thanked {gone}."
        assert minutes.attendees == "Ann Andersen, een voormalig deelnemer"
        # What was still owed to them is not sent; their pending request will not run for someone else.
        token = f"erased:{planted.person_id}"
        owed = session.scalars(select(ReminderDelivery).where(ReminderDelivery.recipient.startswith(token)))
        assert {d.status for d in owed} == {DeliveryStatus.SENT, DeliveryStatus.SKIPPED}
        dropped = select(AckedWork.request).where(AckedWork.last_error == "erased on request")
        assert session.scalars(dropped).all() == [None]
        # The audit rows keep the action, not the person; the erasure itself is audited without personal data.
        actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.actor == token)))
        assert actions == {"plan.submitted"}
        [record] = session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.erased")).all()
        operator = "operator (command line)"
        assert (record.entity, record.entity_id, record.actor) == ("person", planted.person_id, operator)
        assert record.detail is not None and record.detail["reason"] == "erased on request"


def test_erasing_twice_changes_nothing_and_an_unknown_person_is_exit_2(
    engine: Engine, session_factory: SessionFactory, tmp_path: Path
) -> None:
    planted = plant_person(session_factory, NOW, others=False)
    assert _cli(engine, tmp_path, "erase", planted.email, "--yes").returncode == 0
    with session_factory() as session:
        before = snapshot(session)
    again = _cli(engine, tmp_path, "erase", f"person:{planted.person_id}", "--yes")
    said = f"person:{planted.person_id} was erased before; nothing changed"
    assert (again.returncode, again.stdout.strip()) == (0, said)
    by_old_id = _cli(engine, tmp_path, "erase", planted.slack_id, "--yes")
    assert by_old_id.returncode == 2 and len(by_old_id.stderr.strip().splitlines()) == 1
    with session_factory() as session:
        assert snapshot(session) == before
    for who in ("nobody@privacy-test.example", "UNOBODY99", "person:987654", "sanne"):
        for action in ("erase", "export"):
            extra = ("--yes",) if action == "erase" else ()
            result = _cli(engine, tmp_path, action, who, *extra)
            assert result.returncode == 2, (who, action, result.stderr)
            assert len(result.stderr.strip().splitlines()) == 1 and "no person known" in result.stderr
            assert result.stdout == ""


def test_erase_without_yes_outside_a_terminal_refuses_and_changes_nothing(
    engine: Engine, session_factory: SessionFactory, tmp_path: Path
) -> None:
    planted = plant_person(session_factory, NOW, others=False)
    with session_factory() as session:
        before = snapshot(session)
    refused = _cli(engine, tmp_path, "erase", planted.slack_id)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    with session_factory() as session:
        assert snapshot(session) == before


def test_export_holds_every_planted_item_and_nothing_of_others_or_the_companys_assessment(
    engine: Engine, session_factory: SessionFactory, tmp_path: Path
) -> None:
    plant_confidential(session_factory)
    planted = plant_person(session_factory, NOW)
    result = _cli(engine, tmp_path, "export", planted.slack_id)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    text = result.stdout
    for marker in planted.markers:
        assert marker in text
    assert data["person"]["email"] == planted.email and data["person"]["timezone"] == "Europe/Lisbon"
    tables = set(data["counts"])
    assert tables >= {
        "person",
        "role",
        "working_group_member",
        "slack_profile",
        "rsvp",
        "meeting",
        "meeting_exception",
        "minutes",
        "minutes_contribution",
        "decision",
        "action_item",
        "deadline",
        "reminder_delivery",
        "audit_entry",
        "acked_work",
        "charter_signatory",
    }
    contribution = next(r for r in data["records"] if r["table"] == "minutes_contribution")
    assert contribution["fields"]["text"] == f"Notes from {planted.name}: questions to {planted.email} please."
    minutes = next(r for r in data["records"] if r["table"] == "minutes")
    assert minutes["fields"]["attendees"] == planted.name  # not the other attendees
    for foreign in (*OTHER, NOTES_MARKER, "Ann Andersen"):
        assert foreign not in text, foreign
    assert data["summary"].startswith("# Jouw gegevens in covenant-bot")  # BOT_LANGUAGE's, without --lang

    by_email = _cli(engine, tmp_path, "export", planted.email.upper(), "--out", str(tmp_path / "out"), "--lang", "en")
    assert by_email.returncode == 0, by_email.stderr
    [json_file] = (tmp_path / "out").glob("*.json")
    [summary_file] = (tmp_path / "out").glob("*.md")
    assert json.loads(json_file.read_text())["counts"] == data["counts"]
    summary = summary_file.read_text()
    assert summary.startswith("# Your data in covenant-bot") and "answers to meeting invitations: 1" in summary


def test_a_name_with_accents_is_erased_from_json_and_the_folded_search_text_too(
    engine: Engine, session_factory: SessionFactory, tmp_path: Path
) -> None:
    who = ("Zoë Ångström-Quéval", "UZOEANG01", "zoe.angstrom@privacy-test.example")
    planted = plant_person(session_factory, NOW, who, others=False)
    folded = minutes_search.fold(planted.name)  # "zoe angstrom queval", as the minutes search keeps it
    with session_factory() as session:
        assert {table for table, _, _ in traces(session, (folded,))} == {"minutes"}
        assert ("audit_entry", "detail") in {(t, c) for t, c, _ in traces(session, planted.markers)}
    exported = _cli(engine, tmp_path, "export", planted.slack_id)
    assert '"by": "Zoë Ångström-Quéval"' in exported.stdout  # the audit row's JSON, found on SQLite too
    assert _cli(engine, tmp_path, "erase", planted.slack_id, "--yes").returncode == 0
    with session_factory() as session:
        assert traces(session, (*planted.markers, folded)) == []


def test_a_slack_user_never_linked_is_erased_by_slack_id_from_what_names_them(
    engine: Engine, session_factory: SessionFactory, tmp_path: Path
) -> None:
    """Someone who only used the bot (a cached profile, an RSVP, an audit row) has no person row: still erasable."""
    slack_id = "UNEVERLNK1"
    with session_factory() as session:
        meeting = session.scalars(select(Meeting).order_by(Meeting.id)).first()
        assert meeting is not None
        meeting_id, occurrence = meeting.id, meeting.starts_at
        session.add_all(
            [
                SlackProfile(slack_user_id=slack_id, real_name="Una Linked", fetched_at=NOW),
                Rsvp(meeting_id=meeting_id, occurrence_start=occurrence, slack_user_id=slack_id, answer="yes"),
                AuditEntry(at=NOW, actor=slack_id, action="rsvp.answered", entity="meeting", entity_id=meeting_id),
            ]
        )
        session.commit()
    exported = json.loads(_cli(engine, tmp_path, "export", slack_id).stdout)
    assert exported["person"] is None and set(exported["counts"]) == {"slack_profile", "rsvp", "audit_entry"}
    erased = _cli(engine, tmp_path, "erase", slack_id, "--yes")
    assert (erased.returncode, erased.stdout.strip().split(":")[0]) == (0, "the Slack user erased (erased on request)")
    with session_factory() as session:
        assert traces(session, (slack_id, "Una Linked")) == []
        assert set(session.scalars(select(AuditEntry.action).where(AuditEntry.actor == "erased"))) == {"rsvp.answered"}
    assert _cli(engine, tmp_path, "erase", slack_id, "--yes").returncode == 2
