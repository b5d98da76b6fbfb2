"""The message shortcut "Add to minutes": straight into the channel's last meeting, else a meeting picker."""

from __future__ import annotations

from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.models import MinutesContribution
from bot.delivery import Sweeper
from bot.entry.console import payloads
from bot.slack_standin import StandinSlack
from tests.support.harness import SlackHarness, reply_text
from tests.support.minutes import (
    CALL_ENDED,
    METALS_CHANNEL,
    TEAM,
    answer_to,
    call_minutes,
    end_the_call,
    eventually,
    opened_view,
    submit,
    uid,
)


def _shortcut(
    slack: SlackHarness, user: str, channel: str, text: str, author: str, posted: payloads.Posted | None = None
) -> tuple[str, payloads.Posted]:
    if posted is None:
        posted = payloads.message_event(author, channel, text)[1]
        slack.standin.user_message(channel, author, text, posted.ts)  # the message is in Slack before the shortcut
    response_url = slack.standin.response_url()
    trigger_id = slack.standin.trigger_id()
    payload = payloads.message_shortcut(user, TEAM, "add_to_minutes", posted, author, response_url, trigger_id)
    assert slack.interaction(payload).status == 200
    return response_url, posted


def test_shortcut_in_the_group_channel_adds_to_the_last_meeting_with_author_and_permalink(
    slack: SlackHarness,
    clock: ManualClock,
    sweeper: Sweeper,
    standin: StandinSlack,
    session_factory: SessionFactory,
) -> None:
    end_the_call(clock, sweeper, standin)
    response_url, posted = _shortcut(slack, uid("tom"), METALS_CHANNEL, "Template is on the drive.", uid("james"))
    assert "Added to the draft minutes of" in answer_to(slack, response_url)
    with session_factory() as session:
        minutes = call_minutes(session)
        [contribution] = minutes.contributions
        assert (contribution.author_slack_id, contribution.text) == (uid("james"), "Template is on the drive.")
        assert contribution.permalink and posted.ts.replace(".", "") in contribution.permalink
    again, _ = _shortcut(slack, uid("tom"), METALS_CHANNEL, posted.text, uid("james"), posted)
    assert "already" in answer_to(slack, again)


def test_shortcut_elsewhere_lets_the_user_pick_the_meeting(
    slack: SlackHarness,
    clock: ManualClock,
    sweeper: Sweeper,
    standin: StandinSlack,
    session_factory: SessionFactory,
) -> None:
    end_the_call(clock, sweeper, standin)
    before = len(standin.calls_to("views.open"))
    _shortcut(slack, uid("emma"), "CGENERAL01", "Smelter audit results are in.", uid("emma"))
    view = opened_view(slack, before)
    options = view["blocks"][1]["element"]["options"]
    assert [o["text"]["text"].split(" — ")[0] for o in options][:1] == ["Metals due diligence working group"]
    assert submit(slack, uid("emma"), view)["response_action"] == "errors"  # nothing chosen
    assert submit(slack, uid("emma"), view, sitting="1") == {}
    contribution = eventually(session_factory, lambda s: s.scalar(select(MinutesContribution)))
    assert contribution.text == "Smelter audit results are in." and contribution.channel_id == "CGENERAL01"
    confirmation = standin.wait_until(lambda c: c.method == "chat.postMessage" and c.args["channel"] == uid("emma"))
    assert "Added to the draft minutes" in reply_text(confirmation[-1])


def test_shortcut_with_no_recent_meeting_says_so(slack: SlackHarness, clock: ManualClock) -> None:
    clock.set(CALL_ENDED)
    response_url, _ = _shortcut(slack, uid("joost"), "CGENERAL01", "Anything", uid("joost"))
    assert "geen recente vergadering" in answer_to(slack, response_url)  # Joost's groups have not met lately
    assert slack.standin.calls_to("views.open") == []
