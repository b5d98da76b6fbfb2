"""One visibility rule for meetings: who may see a meeting, answer its invitation and subscribe to its
calendar (the group's members and chair, the covenant's secretariat), on every surface."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import func, select

from bot.db.engine import SessionFactory
from bot.db.models import Rsvp
from tests.support.demo import person
from tests.support.harness import SlackHarness, reply_text
from tests.support.meetings import button_payload, schedule

FATIMA, EMMA = (person(key).slack_user_id for key in ("fatima", "emma"))
STRANGER = "UNKNOWN001"
AGENDA, VIDEO = "Geheime agendapunten XQ7", "https://video.example.org/leefbaar-XQ7"


def _rsvps(session_factory: SessionFactory) -> int:
    with session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(Rsvp)) or 0)


# -- 13: one visibility rule for meetings ------------------------------------------------------------


def _plant(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        schedule(session, date(2026, 11, 24), time(9), title="Eerstvolgende", agenda=AGENDA, video_url=VIDEO)


def test_an_unknown_user_sees_no_meeting_on_any_surface(slack: SlackHarness, session_factory: SessionFactory) -> None:
    _plant(session_factory)
    member = reply_text(slack.command("/meeting", "next leefbaar loon", FATIMA))
    assert AGENDA in member and VIDEO in member  # the surface really shows it to a member
    seen = {
        "next": reply_text(slack.command("/meeting", "next leefbaar loon", STRANGER)),
        "next here": reply_text(slack.command("/meeting", "next", STRANGER, channel="CDEMOWG001")),
        "list": reply_text(slack.command("/meeting", "list leefbaar loon", STRANGER)),
        "list all": reply_text(slack.command("/meeting", "list", STRANGER)),
        "ics": reply_text(slack.command("/meeting", "ics leefbaar loon", STRANGER)),
        "groups": reply_text(slack.command("/covenant", "groups leefbaar loon", STRANGER)),
    }
    slack.event({"type": "app_home_opened", "user": STRANGER, "tab": "home", "channel": "DHOME00001"})
    seen["home"] = str(slack.standin.wait_for("views.publish")[0].args["view"])
    slack.standin.reset()
    event = {"type": "app_mention", "user": STRANGER, "channel": "CGENERAL01", "ts": "1.1"}
    slack.event(event | {"text": "<@UBOTCOVENANT> wanneer vergadert de werkgroep leefbaar loon?"})
    answers = slack.standin.wait_for("chat.postEphemeral", "chat.postMessage")
    seen["question"] = "\n".join(reply_text(c) for c in answers)
    leaks = {name: text for name, text in seen.items() if AGENDA in text or VIDEO in text or "Eerstvolgende" in text}
    assert leaks == {}
    assert "for its members" in seen["next"] and "for its members" in seen["ics"]


def test_only_members_may_answer_an_invitation(slack: SlackHarness, session_factory: SessionFactory) -> None:
    _plant(session_factory)
    shown = slack.command("/meeting", "next leefbaar loon", FATIMA)
    for outsider in (EMMA, STRANGER):
        payload = button_payload(
            shown, "meeting_rsvp_yes", outsider, slack.standin.response_url(), slack.standin.trigger_id()
        )
        payload["container"] = {"type": "message", "is_ephemeral": True}
        assert slack.interaction(payload).status == 200
        refused = reply_text(slack.wait_response(payload["response_url"]))
        assert "members" in refused or "leden" in refused, refused
    assert _rsvps(session_factory) == 0
    payload = button_payload(
        shown, "meeting_rsvp_yes", FATIMA, slack.standin.response_url(), slack.standin.trigger_id()
    )
    payload["container"] = {"type": "message", "is_ephemeral": True}
    assert slack.interaction(payload).status == 200
    assert "Genoteerd" in reply_text(slack.wait_response(payload["response_url"]))
    assert _rsvps(session_factory) == 1
