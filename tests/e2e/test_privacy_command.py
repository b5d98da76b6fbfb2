"""`/covenant privacy` (`gegevens`) through signed requests: everyone, linked or not, gets what the bot stores about
them in their language and the export as a file in their DM, holding their own data only."""

from __future__ import annotations

import pytest

from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.slack_standin import StandinSlack
from tests.support.demo import person
from tests.support.factories import MARKERS, plant_confidential
from tests.support.harness import SlackHarness, reply_text
from tests.support.privacy import OTHER, plant_person

NEWCOMER = "UNKNOWN001"  # a Slack user of the stand-in the bot has never met


def _uploaded(standin: StandinSlack, user: str) -> str:
    [asked] = standin.calls_to("files.getUploadURLExternal")
    [done] = standin.calls_to("files.completeUploadExternal")
    opened = standin.calls_to("conversations.open")[-1]
    assert opened.args["users"] == user
    assert done.args["channel_id"] == opened.response["channel"]["id"]
    return standin.file_text(asked.response["file_id"])


def test_a_contact_gets_their_own_data_in_dutch_and_nothing_of_others_or_the_companys_assessment(
    slack: SlackHarness, standin: StandinSlack, session_factory: SessionFactory, clock: ManualClock
) -> None:
    plant_confidential(session_factory)
    planted = plant_person(session_factory, clock.now())
    standin.add_user(planted.slack_id, planted.name, locale="nl-NL")
    standin.add_user(OTHER[1], OTHER[0], locale="nl-NL")
    answer = reply_text(slack.command("/covenant", "gegevens", planted.slack_id))
    assert "Wat covenant-bot over je bewaart" in answer
    assert "antwoorden op uitnodigingen voor vergaderingen: 1" in answer
    assert "je bijdragen aan verslagen: 1" in answer
    content = _uploaded(standin, planted.slack_id)
    assert content.startswith("# Jouw gegevens in covenant-bot")
    for marker in planted.markers:
        assert marker in content, marker
    for foreign in (*OTHER, *MARKERS, "Ann Andersen"):
        assert foreign not in content, foreign
        assert foreign not in answer, foreign


def test_the_english_word_works_too_and_an_unlinked_person_learns_what_is_stored(
    slack: SlackHarness, standin: StandinSlack, session_factory: SessionFactory, clock: ManualClock
) -> None:
    plant_person(session_factory, clock.now())
    answer = reply_text(slack.command("/covenant", "privacy", NEWCOMER))
    assert "What covenant-bot stores about you" in answer
    assert "cached Slack profile (name, time zone, locale): 1" in answer
    content = _uploaded(standin, NEWCOMER)
    assert NEWCOMER in content and '"person": null' in content
    assert "Zyxwaldo" not in content and "Qwertina" not in content


def test_privacy_with_something_after_it_shows_the_usage_and_sends_nothing(
    slack: SlackHarness, standin: StandinSlack
) -> None:
    answer = reply_text(slack.command("/covenant", "privacy UZYXQ0RB1", NEWCOMER))
    assert "`/covenant privacy` (no arguments)" in answer
    assert standin.calls_to("files.getUploadURLExternal") == []
    assert "/covenant privacy" in reply_text(slack.command("/covenant", "help", NEWCOMER))


@pytest.mark.parametrize("who", ["sanne", "tom", "pieter", "ingrid", "fatima", "unknown"])
def test_no_role_finds_a_companys_confidential_data_in_their_export(
    slack: SlackHarness, standin: StandinSlack, session_factory: SessionFactory, who: str
) -> None:
    """Not even the company's own contact or the secretariat: company data is not personal data of theirs."""
    plant_confidential(session_factory)
    user = NEWCOMER if who == "unknown" else person(who).slack_user_id
    answer = reply_text(slack.command("/covenant", "privacy", user))
    content = _uploaded(standin, user)
    assert "covenant-bot" in content
    for marker in MARKERS:
        assert marker not in answer and marker not in content, (who, marker)
