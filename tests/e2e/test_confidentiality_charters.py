"""The charter rows of the confidentiality matrix: a progress note (planted marker) reaches only the signatory's
contacts and the charter's coordinator, on every surface: command reply, status, Home, questions, reminders and
the console. Who signed and what they committed to is public everywhere."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.delivery import Sweeper
from bot.entry.console.session import run
from bot.slack_standin import StandinSlack
from config.settings import Settings
from tests.support.charters import AN, ATELIER, BEN, LIEN, MARKER, SANNE, STRANGER, ask, home, plant_note
from tests.support.harness import SlackHarness, reply_text

ROLES = {
    # user, may read Atelier's progress notes
    "atelier_contact": (AN, True),
    "charter_coordinator": (LIEN, True),
    "another_signatorys_contact": (BEN, False),
    "secretariat_of_another_covenant": (SANNE, False),
    "public": (STRANGER, False),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_the_commitments_reply_shows_progress_notes_only_to_the_signatory_and_coordinator(
    slack: SlackHarness, role: str
) -> None:
    plant_note(slack)
    user, sees = ROLES[role]
    text = reply_text(slack.command("/charter", f"commitments decent-work {ATELIER}", user))
    assert "Stageplaatsen voor werkzoekenden" in text  # the commitment itself is public
    assert (MARKER in text) == sees
    assert ("Vier stagiairs" in text) == sees  # the demo's own progress note too


@pytest.mark.parametrize("role", list(ROLES))
def test_status_and_signatories_are_public_and_carry_no_progress_note(slack: SlackHarness, role: str) -> None:
    plant_note(slack)
    user, _ = ROLES[role]
    for command, text in (("/covenant", "status decent-work"), ("/charter", "signatories decent-work")):
        answer = reply_text(slack.command(command, text, user))
        assert "Atelier Inclusief NV (demo)" in answer and "Sofie Maes (demo)" in answer
        assert "Harbour Logistics NV (demo)" in answer and "Inclusive recruitment for warehouse jobs" in answer
        assert MARKER not in answer and "Vier stagiairs" not in answer
        # Aggregate progress: the planted note is on the commitment the demo already reported on.
        assert ("1 of 4" in answer) or ("1 van de 4" in answer)


@pytest.mark.parametrize("role", list(ROLES))
def test_questions_answer_in_public_and_keep_the_note(slack: SlackHarness, role: str) -> None:
    plant_note(slack)
    user, sees = ROLES[role]
    signed = ask(slack, user, "wie heeft het charter ondertekend?")
    assert "Atelier Inclusief NV (demo)" in signed and "Stichting Werkkans (demo)" in signed
    assert MARKER not in signed
    signed_en = ask(slack, user, "who signed the decent work charter?")
    assert "Harbour Logistics NV (demo)" in signed_en and MARKER not in signed_en
    committed = ask(slack, user, "what did Atelier Inclusief commit to?")
    assert "Stageplaatsen voor werkzoekenden" in committed
    assert (MARKER in committed) == sees


@pytest.mark.parametrize("role", list(ROLES))
def test_home_shows_a_contact_only_their_own_commitments(slack: SlackHarness, role: str) -> None:
    plant_note(slack)
    user, _ = ROLES[role]
    text = home(slack, user)
    assert MARKER not in text
    own_atelier = user == AN
    assert ("Atelier Inclusief NV (demo) in Charter" in text) == own_atelier
    assert ("Harbour Logistics NV (demo) in Charter" in text) == (user == BEN)


def test_reminders_never_carry_a_progress_note(
    slack: SlackHarness, sweeper: Sweeper, clock: ManualClock, standin: StandinSlack
) -> None:
    plant_note(slack)
    start = clock.now()
    for days in range(0, 400, 20):
        clock.set(start.replace(hour=8) + timedelta(days=days))
        sweeper.run_once()
    sent = [c for c in standin.calls_to("chat.postMessage") if c.ok]
    reminders = [c for c in sent if "commitment" in c.args["text"].lower() or "toezegging" in c.args["text"].lower()]
    assert reminders, "the year's update requests were never reminded"
    # Each signatory's contact for its own requests; the coordinator only when one passes unreported.
    assert {AN, BEN} <= {c.args["channel"] for c in reminders} <= {AN, BEN, LIEN}
    assert all(MARKER not in reply_text(c) for c in sent)


def test_the_console_keeps_the_note_from_another_signatorys_contact(tmp_path: Path) -> None:
    out = io.StringIO()
    lines = [
        f"/charter voortgang decent-work {ATELIER} 2 {MARKER} behaald 1",
        "/charter toezeggingen decent-work " + ATELIER,
        "!as ben",
        "/charter commitments decent-work " + ATELIER,
        "/covenant status decent-work",
    ]
    settings = Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    assert run(settings, demo=True, as_person="an", stdin=io.StringIO("\n".join(lines) + "\n"), out=out) == 0
    text = out.getvalue()
    first, _, after = text.partition("now acting as Ben")
    assert "is vastgelegd" in first and MARKER in first
    assert after and MARKER not in after
    assert "Stageplaatsen voor werkzoekenden" in after  # the commitment itself is public
