"""A project's parties-only updates, planted with a unique marker, reach only its coordinators and its parties'
contacts: on the command reply and status; never in a shared status, an answer to a question, the Home tab, a
reminder or the console; forged button values show nothing more."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.delivery import Sweeper
from bot.entry.console.session import run
from config.settings import Settings
from tests.e2e.test_projects import start_project
from tests.support.demo import person
from tests.support.harness import SlackHarness, click, reply_text

INTERNAL = "PLANTED-PARTIES-ONLY-5521"
NOTE = "PLANTED-MILESTONE-NOTE-8812"
PUBLIC = "PUBLIC-UPDATE-3310"
TOM = person("tom").slack_user_id

ROLES = {
    # key: sees the parties-only update
    "the_coordinator": ("tom", True),
    "the_parent_covenants_secretariat": ("sanne", True),
    "the_lead_partys_contact": ("emma", True),
    "the_ngo_partys_person": ("fatima", True),
    "a_non_party_companys_contact": ("ahmed", False),
    "another_covenants_contact": ("pieter", False),
    "a_steering_group_member": ("hanneke", False),
    "a_public_user": (None, False),
}


def _user(key: str | None) -> str:
    return person(key).slack_user_id if key else "UNKNOWN001"


def _plant(slack: SlackHarness) -> None:
    start_project(slack)
    assert "parties" in reply_text(slack.command("/project", f"update mining-region-x internal {INTERNAL}", TOM))
    assert "Public update" in reply_text(slack.command("/project", f"update mining-region-x {PUBLIC}", TOM))
    text = f"milestone mining-region-x Access to mine 3 2026-11-26 owner Delta Alloys BV note {NOTE} owner says no"
    assert "Access to mine 3" in reply_text(slack.command("/project", text, TOM))


@pytest.mark.parametrize("role", list(ROLES))
def test_parties_only_update_on_the_command_reply_and_status(slack: SlackHarness, role: str) -> None:
    _plant(slack)
    key, sees = ROLES[role]
    for command, text in (("/project", "status mining-region-x"), ("/covenant", "status Mining region X")):
        answer = reply_text(slack.command(command, text, _user(key)))
        assert PUBLIC in answer and "Baseline study" in answer and "implementing NGO" in answer, answer
        assert (INTERNAL in answer) == sees, (role, command)
        assert (NOTE in answer) == sees and ("owner says no" in answer) == sees, (role, command)
    listing = reply_text(slack.command("/project", "list metaal", _user(key)))
    assert "Mining region X" in listing and INTERNAL not in listing and NOTE not in listing


@pytest.mark.parametrize("role", list(ROLES))
def test_questions_and_the_home_never_show_it(slack: SlackHarness, role: str) -> None:
    _plant(slack)
    user = _user(ROLES[role][0])
    for question in ("hoe staat het project mining region x?", "which projects does the metal covenant run?"):
        slack.standin.reset()
        slack.event(
            {"type": "app_mention", "user": user, "text": f"<@UBOTCOVENANT> {question}", "channel": "C1", "ts": "1"}
        )
        answer = reply_text(slack.standin.wait_for("chat.postEphemeral")[0])
        assert "Mining region X" in answer and INTERNAL not in answer and NOTE not in answer, (question, answer)
    slack.standin.reset()
    slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
    home = json.dumps(slack.standin.wait_for("views.publish")[0].args["view"], ensure_ascii=False)
    assert INTERNAL not in home and NOTE not in home
    # The milestone Delta Alloys owns is a task on its contact's Home only.
    assert ("Your project tasks" in home and "Baseline study" in home) == (ROLES[role][0] == "emma")


def test_a_shared_status_and_reminders_never_carry_it(slack: SlackHarness, sweeper: Sweeper) -> None:
    _plant(slack)
    status = slack.command("/covenant", "status mining-region-x", TOM, channel="CMETALS001")
    assert INTERNAL in reply_text(status)  # the coordinator sees it privately...
    click(slack, status, "share_status", TOM, channel="CMETALS001")
    posted = slack.standin.wait_for("chat.postMessage")[0]
    shared = reply_text(posted)
    assert PUBLIC in shared and INTERNAL not in shared and NOTE not in shared  # ...the channel gets the public status
    sweeper.run_once()
    messages = slack.standin.calls_to("chat.postMessage")
    assert any("Baseline study" in reply_text(m) for m in messages)
    assert any("Access to mine 3" in reply_text(m) for m in messages)  # reminded, without its note
    assert all(INTERNAL not in reply_text(m) and NOTE not in reply_text(m) for m in messages)


def test_forged_share_values_show_nothing_more(slack: SlackHarness) -> None:
    _plant(slack)
    status = slack.command("/covenant", "status metaal", person("ahmed").slack_user_id, channel="CMETALS001")
    for value in ("status:mining-region-x", "status:mijnregio-andes", "status:99999", "status:"):
        slack.standin.reset()
        url = click(slack, status, "share_status", person("ahmed").slack_user_id, channel="CMETALS001", value=value)
        assert INTERNAL not in reply_text(slack.wait_response(url))
        assert all(INTERNAL not in reply_text(m) for m in slack.standin.calls_to("chat.postMessage"))
        assert all(NOTE not in reply_text(m) for m in slack.standin.calls_to("chat.postMessage"))


def test_the_console_shows_it_to_a_party_and_not_to_others(tmp_path: Path) -> None:
    out = io.StringIO()
    lines = [
        '/project new metaal "Console project" lead "Delta Alloys BV"',
        f"/project update console-project internal {INTERNAL}",
        f"/project milestone console-project Kick-off 2027-01-15 owner Delta Alloys BV notitie {NOTE}",
        "!as emma",
        "/covenant status console-project",
        "!as ahmed",
        "/project status console-project",
    ]
    settings = Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    code = run(settings, demo=True, as_person="tom", stdin=io.StringIO("\n".join(lines) + "\n"), out=out)
    text = out.getvalue()
    assert code == 0, text
    _tom, emma, ahmed = text.split("now acting as")
    assert "Kick-off" in ahmed and INTERNAL not in ahmed and NOTE not in ahmed, ahmed
    assert INTERNAL in emma and NOTE in emma, emma
