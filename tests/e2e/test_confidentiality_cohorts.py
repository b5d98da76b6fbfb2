"""A company's milestones and check-in notes reach only its own contacts and the coordinator, on every surface:
the /cohort reply, /covenant status, Home, questions and reminders. Markers are planted in a check-in note."""

from __future__ import annotations

import pytest

from bot.delivery.engine import Sweeper
from bot.slack_standin.server import StandinSlack
from tests.support.demo import person
from tests.support.harness import SlackHarness, reply_text

MARKER = "ZZ-TULPENVELD-NOTE-7431"
NOOR, DAAN, YARA, FATIMA = (person(k).slack_user_id for k in ("noor", "daan", "yara", "fatima"))
# Who sees Tulpenveld's own milestones in /cohort progress and on Home.
ROLES = {
    "own_contact": (DAAN, True, True),
    "coordinator": (NOOR, True, False),  # Home shows a contact's own milestones; the coordinator uses /cohort
    "other_participant": (YARA, False, False),
    "public_member": (FATIMA, False, False),
    "unknown_user": ("UNKNOWN001", False, False),
}


@pytest.fixture
def planted(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/cohort", f"checkin accelerator 2026 Tulpenveld 2 notitie {MARKER}", NOOR))
    assert "Check-in vastgelegd" in text
    slack.standin.reset()


@pytest.mark.parametrize("role", list(ROLES))
def test_a_companys_check_in_note_reaches_only_its_contacts_and_the_coordinator(
    slack: SlackHarness, planted: None, role: str
) -> None:
    user, sees_in_progress, sees_on_home = ROLES[role]
    progress = reply_text(slack.command("/cohort", "progress accelerator 2026", user))
    assert (MARKER in progress) == sees_in_progress
    assert "Tulpenveld Textiel BV (demo)" in progress  # the companies are public
    # Public surfaces never carry it, not even for those who may see it: they can be shared in a channel.
    status = reply_text(slack.command("/covenant", "status bhr-accelerator", user))
    assert MARKER not in status and "Tulpenveld Textiel BV (demo)" in status
    slack.standin.reset()
    slack.event(
        {
            "type": "app_mention",
            "user": user,
            "text": "<@UBOTCOVENANT> how far is the 2026 accelerator cohort?",
            "channel": "C1",
            "ts": "1",
        }
    )
    answer = reply_text(slack.standin.wait_for("chat.postEphemeral")[0])
    assert MARKER not in answer and "2 of 9" in answer
    slack.standin.reset()
    slack.event({"type": "app_home_opened", "user": user, "tab": "home", "channel": "DHOME00001"})
    home = str(slack.standin.wait_for("views.publish")[0].args["view"]["blocks"])
    assert (MARKER in home) == sees_on_home
    if role == "other_participant":
        assert "Jouw mijlpalen" in home and "Tulpenveld" not in home  # Havenkraan's own, not Tulpenveld's


def test_milestone_reminders_go_to_that_companys_contacts_and_never_carry_notes(
    slack: SlackHarness, planted: None, sweeper: Sweeper, standin: StandinSlack
) -> None:
    sweeper.run_once()
    sent = [c for c in standin.calls_to("chat.postMessage") if c.ok]
    assert not any(MARKER in reply_text(c) for c in sent)
    # Milestone 1 is overdue for Zuivelhoeve only (the others reached it): its contact is reminded, not theirs.
    overdue = [c.args["channel"] for c in sent if "Mensenrechtenbeleid vastgesteld" in c.args["text"]]
    assert person("liam").slack_user_id in overdue
    assert DAAN not in overdue and YARA not in overdue and FATIMA not in overdue


def test_forged_organisation_in_a_check_in_changes_nothing(slack: SlackHarness, planted: None) -> None:
    # A participant's contact naming another company gets a refusal, and Tulpenveld's progress is unchanged.
    before = reply_text(slack.command("/cohort", "progress accelerator 2026", DAAN))
    refused = reply_text(slack.command("/cohort", "checkin accelerator 2026 Tulpenveld 3 klaar", YARA))
    assert "alleen de eigen contactpersonen" in refused
    after = reply_text(slack.command("/cohort", "progress accelerator 2026", DAAN))
    assert before.count(":white_check_mark:") == after.count(":white_check_mark:")
