"""@mentions, DMs, the App Home tab and Slack's retries of the same event."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from bot.db.engine import SessionFactory
from bot.db.models import ProcessedEvent
from bot.slack_standin.workspace import dm_id
from tests.support.demo import person
from tests.support.harness import SlackHarness, reply_text


def test_mention_in_a_channel_is_answered_to_the_asker_only(slack: SlackHarness) -> None:
    asker = person("pieter").slack_user_id
    answer = slack.event(
        {
            "type": "app_mention",
            "user": asker,
            "text": "<@UBOTCOVENANT> wat is de status van het textielconvenant?",
            "channel": "CGENERAL01",
            "ts": "1.1",
        }
    )
    assert answer.status == 200
    call = slack.standin.wait_for("chat.postEphemeral")[0]
    assert call.args["user"] == asker and call.args["channel"] == "CGENERAL01"
    assert "Convenant Duurzame Kleding en Textiel" in reply_text(call)
    assert slack.standin.calls_to("chat.postMessage") == []


def test_mention_in_english(slack: SlackHarness) -> None:
    slack.event(
        {
            "type": "app_mention",
            "user": person("emma").slack_user_id,
            "text": "<@UBOTCOVENANT> what is the status of the metals agreement?",
            "channel": "C1",
            "ts": "1.2",
        }
    )
    assert "Metals Sector Agreement" in reply_text(slack.standin.wait_for("chat.postEphemeral")[0])


def test_question_it_cannot_answer_lists_what_it_can(slack: SlackHarness) -> None:
    slack.event(
        {
            "type": "app_mention",
            "user": person("emma").slack_user_id,
            "text": "<@UBOTCOVENANT> what's the weather?",
            "channel": "C1",
            "ts": "1.3",
        }
    )
    text = reply_text(slack.standin.wait_for("chat.postEphemeral")[0])
    assert "didn't understand" in text and "/covenant status" in text


def test_direct_message_is_answered_in_the_dm(slack: SlackHarness) -> None:
    slack.event(
        {
            "type": "message",
            "channel_type": "im",
            "user": person("sanne").slack_user_id,
            "text": "status goud",
            "channel": dm_id(person("sanne").slack_user_id),
            "ts": "1.4",
        }
    )
    call = slack.standin.wait_for("chat.postMessage")[0]
    assert call.args["channel"] == dm_id(person("sanne").slack_user_id)
    assert "Convenant Verantwoord Goud" in reply_text(call)


def test_channel_chatter_and_bot_messages_are_not_questions(slack: SlackHarness) -> None:
    assert (
        slack.event(
            {
                "type": "message",
                "channel_type": "channel",
                "user": "U1",
                "text": "status goud",
                "channel": "C1",
                "ts": "1.5",
            }
        ).status
        == 200
    )
    assert (
        slack.event(
            {
                "type": "message",
                "channel_type": "im",
                "bot_id": "B1",
                "text": "status goud",
                "channel": "D1",
                "ts": "1.6",
            }
        ).status
        == 200
    )
    time.sleep(0.3)
    assert slack.standin.calls_to("chat.postMessage", "chat.postEphemeral") == []


def test_retries_of_one_event_are_handled_once(slack: SlackHarness, session_factory: SessionFactory) -> None:
    event = {
        "type": "app_mention",
        "user": person("emma").slack_user_id,
        "text": "<@UBOTCOVENANT> status goud",
        "channel": "C1",
        "ts": "1.7",
    }
    for retry in (None, 1, 2, 3):
        assert slack.event(event, event_id="EvSAME00001", retry=retry).status == 200
    slack.standin.wait_for("chat.postEphemeral")
    time.sleep(0.3)
    assert len(slack.standin.calls_to("chat.postEphemeral")) == 1
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == 1


def test_app_home_shows_who_you_are_and_your_covenants(slack: SlackHarness) -> None:
    slack.event(
        {
            "type": "app_home_opened",
            "user": person("pieter").slack_user_id,
            "tab": "home",
            "channel": "DPIETER001",
        }
    )
    call = slack.standin.wait_for("views.publish")[0]
    assert call.args["user_id"] == person("pieter").slack_user_id
    blocks = str(call.args["view"]["blocks"])
    assert "Pieter" in blocks and "hernieuwbare-energie" in blocks


def test_app_home_for_a_stranger_explains_how_to_get_linked(slack: SlackHarness) -> None:
    slack.event({"type": "app_home_opened", "user": "UNKNOWN001", "tab": "home", "channel": "D1"})
    blocks = str(slack.standin.wait_for("views.publish")[0].args["view"]["blocks"])
    assert "ask the secretariat" in blocks
