"""/covenant help | list | status through signed HTTP requests and the stand-in Web API."""

from __future__ import annotations

import pytest

from bot.slack_standin import requests as slack_requests
from tests.support.demo import person
from tests.support.harness import SlackHarness, reply_text


def test_status_textiel_end_to_end_in_dutch(slack: SlackHarness) -> None:
    reply = slack.command("/covenant", "status textiel", person("sanne").slack_user_id)
    text = reply_text(reply)
    assert reply.args["response_type"] == "ephemeral"
    assert "Convenant Duurzame Kleding en Textiel" in text
    assert "4 juli 2016" in text and "31 december 2021" in text
    assert "SER" in text
    assert "55 bedrijven" in text
    assert "onzeker" in text  # the failed successor talks are marked uncertain
    # Dates are Slack date tokens with a fallback, so each reader sees their own zone.
    assert "<!date^" in text


def test_status_in_english_for_an_english_locale(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/covenant", "status garments", person("emma").slack_user_id))
    assert "Agreement on Sustainable Garments and Textile" in text
    assert "4 July 2016" in text
    assert "55 companies at signing" in text
    assert "uncertain" in text


def test_unknown_slack_user_gets_english_from_locale(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/covenant", "status metals", "UNKNOWN001"))
    assert "Metals Sector Agreement" in text


def test_list_shows_the_public_covenants_then_initiatives(slack: SlackHarness) -> None:
    reply = slack.command("/covenant", "list", person("emma").slack_user_id)
    text = reply_text(reply)
    assert "Covenants (13)" in text
    for slug in (
        "textiel",
        "banken",
        "bosbouw",
        "goud",
        "voedingsmiddelen",
        "verzekeraars",
        "pensioenfondsen",
        "natuursteen",
        "metaal",
        "sierteelt",
        "hernieuwbare-energie",
        "land-tuinbouw",
        "plantaardige-eiwitten",
    ):
        assert f"`{slug}`" in text
    assert "Related initiatives" in text and "klimaatakkoord" in text


def test_list_by_phase_in_dutch_words(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/covenant", "list lopend", person("sanne").slack_user_id))
    assert "hernieuwbare-energie" in text and "metaal" in text
    assert "`textiel`" not in text


def test_help_explains_the_commands(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/covenant", "help", person("emma").slack_user_id))
    assert "/covenant status" in text and "/covenant list" in text


def test_empty_command_shows_help(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/covenant", "", person("sanne").slack_user_id))
    assert "wat ik kan" in text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("ruimtevaartsector", "Did you mean"), ("", "Use `/covenant status <covenant>`")],
)
def test_unknown_or_missing_name_gets_a_clear_message(slack: SlackHarness, typed: str, expected: str) -> None:
    text = reply_text(slack.command("/covenant", f"status {typed}", person("emma").slack_user_id))
    assert expected in text
    assert "Traceback" not in text


def test_unknown_name_suggests_the_nearest(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/covenant", "status pensioen fondsen bank", person("emma").slack_user_id))
    assert "pensioenfondsen" in text


def test_unknown_subcommand_shows_the_right_form(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/covenant", "frobnicate", person("sanne").slack_user_id))
    assert "`/covenant frobnicate` ken ik niet" in text
    assert "/covenant status <convenant>" in text


def test_a_command_mentioning_payload_is_still_answered(slack: SlackHarness) -> None:
    # Bolt reads any form body containing "payload" as an interaction; the entry point parses it right.
    text = reply_text(slack.command("/covenant", "status payload", person("emma").slack_user_id))
    assert "I don't know a covenant called “payload”" in text


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("sanne", "Er is maar 1 pagina met bedrijven"),
        ("emma", "There is only 1 page of companies"),
    ],
)
def test_a_page_past_the_last_says_how_many_pages_there_are(slack: SlackHarness, user: str, expected: str) -> None:
    text = reply_text(slack.command("/covenant", "companies metaal 99", person(user).slack_user_id))
    assert expected in text
    assert "`/covenant companies metaal`" in text
    assert "Delta Alloys" not in text  # no page shown as if it were page 99


def test_companies_of_a_covenant_nobody_takes_part_in_now_give_its_public_figures(slack: SlackHarness) -> None:
    text = reply_text(slack.command("/covenant", "companies textiel", person("emma").slack_user_id))
    assert "Public figures on who signed" in text and "55 companies at signing" in text
    # The few (fictional) companies recorded here come after the public figures, said as such.
    assert text.index("92 brands") < text.index("Recorded here") < text.index("Companies taking part now: 0")
    dutch = reply_text(slack.command("/covenant", "companies banken", person("sanne").slack_user_id))
    assert "Openbare cijfers" in dutch and "13 of 11 banken" in dutch and "onzeker" in dutch


def test_an_answer_whose_response_url_expired_reaches_the_person_ephemerally(slack: SlackHarness) -> None:
    """Slack answers a response_url past 30 minutes (or past 5 uses) with HTTP 404: the answer goes another way."""
    slack.standin.expected_refusals = {"expired_url"}
    emma = person("emma").slack_user_id
    response_url = slack.standin.response_url()
    issued = slack.standin.workspace.clock
    slack.standin.workspace.clock = lambda: issued() + 31 * 60  # e.g. work taken over after a crash, much later
    body = slack_requests.slash_command(
        "/covenant", "status goud", user_id=emma, response_url=response_url, trigger_id=slack.standin.trigger_id()
    )
    assert slack.signed(body, slack_requests.FORM).status == 200
    [refused] = slack.standin.wait_until(lambda call: call.method == "response_url")
    assert refused.response["error"] == "expired_url"
    [ephemeral] = slack.standin.wait_for("chat.postEphemeral")
    assert ephemeral.args["user"] == emma and ephemeral.args["channel"] == "CGENERAL01"
    assert "Gold Sector Agreement" in reply_text(ephemeral)
