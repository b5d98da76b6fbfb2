"""/meeting through the real app: signed requests in, Web API calls out (modal, replies, channel notices, files)."""

from __future__ import annotations

import json
import time as wallclock
from collections.abc import Iterator
from datetime import date, time

import pytest
from sqlalchemy import func, select

from bot.app import create_app, make_web_client
from bot.clock import ManualClock
from bot.db.engine import SessionFactory
from bot.db.models import Meeting, WorkingGroup
from bot.entry.web import create_flask_app
from bot.slack_standin import StandinSlack
from bot.slack_standin import requests as slack_requests
from config.settings import Settings
from tests.support.demo import SIGNING_SECRET, person
from tests.support.harness import AppServer, SlackHarness, reply_text
from tests.support.meetings import DUE_DILIGENCE, LEEFBAAR_LOON, button_payload, group, schedule

SANNE, FATIMA, EMMA = (person(key).slack_user_id for key in ("sanne", "fatima", "emma"))


def _meetings(session_factory: SessionFactory) -> int:
    with session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(Meeting)) or 0)


def _channel_posts(standin: StandinSlack, channel: str) -> list[str]:
    return [reply_text(c) for c in standin.calls_to("chat.postMessage") if c.ok and c.args.get("channel") == channel]


def _open_modal(slack: SlackHarness, user: str, channel: str = "CDEMOWG002") -> dict:  # type: ignore[type-arg]
    body = slack_requests.slash_command(
        "/meeting",
        "schedule",
        user_id=user,
        response_url=slack.standin.response_url(),
        channel_id=channel,
        trigger_id=slack.standin.trigger_id(),
    )
    sent = wallclock.monotonic()
    assert slack.signed(body, slack_requests.FORM).status == 200
    [opened] = slack.standin.wait_for("views.open", timeout=3)
    assert opened.at - sent < 3.0  # the trigger_id is only valid for 3 seconds
    return opened.response["view"]  # type: ignore[no-any-return]


def _submit(slack: SlackHarness, view: dict, user: str, **values: str) -> dict:  # type: ignore[type-arg]
    payload = {
        "type": "view_submission",
        "user": {"id": user, "username": "x", "team_id": "TCOVENANT"},
        "api_app_id": "ACOVENANT",
        "team": {"id": "TCOVENANT"},
        "view": {**view, "state": {"values": slack_requests.view_state(view, values)}},
    }
    answer = slack.interaction(payload)
    assert answer.status == 200
    return json.loads(answer.body) if answer.body else {}  # type: ignore[no-any-return]


def test_schedule_opens_the_modal_within_three_seconds_with_the_channels_group_chosen(slack: SlackHarness) -> None:
    view = _open_modal(slack, EMMA)
    assert view["callback_id"] == "meeting_schedule"
    group_block = next(b for b in view["blocks"] if b["block_id"] == "group")
    assert [o["text"]["text"] for o in group_block["element"]["options"]] == [
        "Metals due diligence working group (metaal)"
    ]
    assert group_block["element"]["initial_option"]["text"]["text"].startswith("Metals due diligence")


def test_someone_who_chairs_nothing_gets_an_answer_instead_of_a_modal(slack: SlackHarness) -> None:
    reply = slack.command("/meeting", "schedule", FATIMA)
    assert "voorzit" in reply_text(reply)
    assert slack.standin.calls_to("views.open") == []


def test_modal_errors_are_shown_on_their_fields_and_nothing_is_saved(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    view = _open_modal(slack, EMMA)
    before = _meetings(session_factory)
    answer = _submit(
        slack, view, EMMA, group=_dd_id(session_factory), date="2026-11-20", start="14:00", video_url="teams"
    )
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"date", "video_url"}
    assert "passed" in answer["errors"]["date"]
    answer = _submit(slack, view, EMMA, group=_dd_id(session_factory), date="2027-04-27", start="14:00", end="13:00")
    assert set(answer["errors"]) == {"date", "end"} and "King's Day" in answer["errors"]["date"]
    assert _meetings(session_factory) == before
    assert _channel_posts(slack.standin, "CDEMOWG002") == []


def _dd_id(session_factory: SessionFactory) -> str:
    with session_factory() as session:
        return str(group(session, DUE_DILIGENCE).id)


def test_a_valid_modal_is_saved_confirmed_by_dm_and_announced_in_the_channel(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    view = _open_modal(slack, EMMA)
    answer = _submit(
        slack,
        view,
        EMMA,
        group=_dd_id(session_factory),
        title="Smelter deep dive",
        date="2027-04-27",
        start="14:00",
        end="15:30",
        repeat="custom",
        rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=4",
        location="SER, Den Haag",
        video_url="https://meet.example.org/smelters",
        agenda="1. Smelter list\n2. AOB",
        minute_taker=person("tom").slack_user_id,
        holiday_ok="yes",
    )
    assert answer == {}
    dm = slack.standin.wait_until(lambda c: c.method == "chat.postMessage" and c.args.get("channel") == EMMA)[0]
    assert "Scheduled" in reply_text(dm) and "Smelter deep dive" in reply_text(dm)
    notice = slack.standin.wait_until(
        lambda c: c.method == "chat.postMessage" and c.args.get("channel") == "CDEMOWG002"
    )
    assert "New meeting" in reply_text(notice[0]) and "Smelter list" in reply_text(notice[0])
    with session_factory() as session:
        meeting = session.scalar(select(Meeting).where(Meeting.title == "Smelter deep dive"))
        assert meeting is not None and meeting.rrule == "FREQ=WEEKLY;BYDAY=TU;COUNT=4"
        assert meeting.minute_taker is not None and meeting.minute_taker.name.startswith("Tom")
        assert meeting.location == "SER, Den Haag" and (meeting.ends_at - meeting.starts_at).seconds == 5400


@pytest.mark.parametrize("rule", ["FREQ=WEEKLY;INTERVAL=0", "FREQ=WEEKLY;UNTIL=20271399T100000Z"])
def test_a_custom_rule_that_cannot_be_expanded_is_refused_on_its_field(
    slack: SlackHarness, session_factory: SessionFactory, rule: str
) -> None:
    view = _open_modal(slack, EMMA)
    fields = {"group": _dd_id(session_factory), "title": "Never", "date": "2027-04-27", "start": "14:00"}
    answer = _submit(slack, view, EMMA, **fields, repeat="custom", rrule=rule, holiday_ok="yes")
    assert answer["response_action"] == "errors" and set(answer["errors"]) == {"rrule"}
    assert "not a recurrence rule I can read" in answer["errors"]["rrule"]
    with session_factory() as session:
        assert session.scalar(select(Meeting).where(Meeting.title == "Never")) is None


def test_one_line_schedule_in_dutch_is_confirmed_and_announced(slack: SlackHarness) -> None:
    reply = slack.command("/meeting", "schedule leefbaar loon 15 maart 2027 14:00 90m wekelijks 1. Opening", SANNE)
    assert "Ingepland" in reply_text(reply) and "elke week" in reply_text(reply)
    notice = slack.standin.wait_until(
        lambda c: c.method == "chat.postMessage" and c.args.get("channel") == "CDEMOWG001"
    )
    assert "Nieuwe vergadering" in reply_text(notice[0]) and "1. Opening" in reply_text(notice[0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("due diligence March 15 2026 2pm", "passed"),
        ("due diligence March 15 2027 2pm to 1pm", "end must be after the start"),
        ("child labour group March 15 2027 2pm", "I don't know a group called “child labour group”"),
        ("leefbaar loon March 15 2027 2pm", "Only the chair of Werkgroep Leefbaar Loon"),
        ("due diligence", "could not find a group followed by a date and a time"),
    ],
)
def test_one_line_mistakes_get_a_clear_answer_and_nothing_is_saved(
    slack: SlackHarness, session_factory: SessionFactory, text: str, expected: str
) -> None:
    before = _meetings(session_factory)
    reply = slack.command("/meeting", f"schedule {text}", EMMA)
    assert expected in reply_text(reply)
    assert reply.args["response_type"] == "ephemeral"
    assert _meetings(session_factory) == before


def test_a_public_holiday_is_a_warning_with_a_schedule_anyway_button(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    before = _meetings(session_factory)
    reply = slack.command("/meeting", "schedule due diligence 27 April 2027 10:00", EMMA)
    assert "public holiday" in reply_text(reply) and "King's Day" in reply_text(reply)
    assert _meetings(session_factory) == before
    [button] = [e for b in reply.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    url = slack.standin.response_url()
    payload = {
        "type": "block_actions",
        "user": {"id": EMMA},
        "team": {"id": "TCOVENANT"},
        "api_app_id": "ACOVENANT",
        "response_url": url,
        "container": {"type": "message", "is_ephemeral": True},
        "actions": [{"type": "button", "action_id": button["action_id"], "value": button["value"], "block_id": "h"}],
    }
    assert slack.interaction(payload).status == 200
    confirmed = slack.wait_response(url)
    assert "Scheduled" in reply_text(confirmed) and confirmed.args["replace_original"] is True
    assert _meetings(session_factory) == before + 1
    with session_factory() as session:
        assert session.scalar(select(Meeting).where(Meeting.title == "Metals due diligence working group")) is not None


def test_next_and_list_show_the_coming_sittings_and_who_answered_only_to_the_chair(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    with session_factory() as session:
        schedule(session, date(2026, 11, 24), time(9), title="Eerstvolgende", agenda="Punt 1")
    chair = reply_text(slack.command("/meeting", "next leefbaar loon", SANNE))
    member = reply_text(slack.command("/meeting", "next", FATIMA, channel="CDEMOWG001"))
    assert "Eerstvolgende" in chair and "Eerstvolgende" in member and "Punt 1" in member
    assert "*Aanwezig* (0)" in chair and "*Aanwezig* (0)" not in member
    listed = reply_text(slack.command("/meeting", "list leefbaar loon 3", FATIMA))
    assert listed.count("• ") == 3 and "Eerstvolgende" in listed
    covenant = reply_text(slack.command("/meeting", "list metaal 2", FATIMA))
    assert covenant.count("• ") == 2 and "Convenant Metaalsector" in covenant


def test_move_cancel_and_agenda_are_announced_in_the_channel(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    with session_factory() as session:
        meeting = schedule(session, date(2027, 1, 4), time(10), title="Reeks")
    ref = meeting.id
    refused = reply_text(slack.command("/meeting", f"cancel {ref}", FATIMA))
    assert "Alleen de voorzitter" in refused
    # Each announcement goes out after its confirmation: wait for it before the next command, as a chair would.
    texts: list[str] = []

    def announced(command_text: str) -> str:
        reply = reply_text(slack.command("/meeting", command_text, SANNE))
        posts = slack.standin.wait_until(
            lambda c: c.method == "chat.postMessage" and c.args.get("channel") == "CDEMOWG001", count=len(texts) + 1
        )
        texts.append(reply_text(posts[-1]))
        return reply

    assert "verplaatst" in announced(f"move {ref} 5 januari 2027 11:00")
    assert "bijgewerkt" in announced(f"agenda {ref} 1. Opening &amp; mededelingen")
    assert "geannuleerd" in announced(f"cancel {ref} te weinig aanmeldingen")
    assert "verplaatst van" in texts[0] and "5 jan 2027 11:00" in texts[0]
    assert "1. Opening &amp; mededelingen" in texts[1]
    assert "geannuleerd" in texts[2] and "te weinig aanmeldingen" in texts[2]
    with session_factory() as session:
        stored = session.get(Meeting, ref)
        assert stored is not None and stored.sequence == 3 and stored.agenda == "1. Opening & mededelingen"


def test_ics_without_a_public_address_hands_over_the_file(slack: SlackHarness) -> None:
    reply = slack.command("/meeting", "ics leefbaar loon", FATIMA)
    assert "als bestand" in reply_text(reply)
    completed = slack.standin.wait_for("files.completeUploadExternal")[0]
    [uploaded] = slack.standin.files.values()
    assert uploaded["content"].startswith(b"BEGIN:VCALENDAR") and completed.ok
    refused = reply_text(slack.command("/meeting", "ics leefbaar loon", EMMA))
    assert "members" in refused


@pytest.fixture
def public_slack(
    settings: Settings, session_factory: SessionFactory, clock: ManualClock, standin: StandinSlack
) -> Iterator[SlackHarness]:
    """The app with PUBLIC_URL set: calendar links instead of files."""
    public = settings.model_copy(update={"public_url": "https://covenant-bot.example.org"})
    app = create_app(public, session_factory=session_factory, client=make_web_client(public), clock=clock)
    server = AppServer(create_flask_app(app, session_factory, SIGNING_SECRET, clock))
    yield SlackHarness(server, standin, SIGNING_SECRET)
    server.stop()


def test_ics_gives_the_link_and_the_chair_can_rotate_it(
    public_slack: SlackHarness, session_factory: SessionFactory
) -> None:
    with session_factory() as session:
        old = group(session).calendar_token
    link = reply_text(public_slack.command("/meeting", "ics leefbaar loon", FATIMA))
    assert f"https://covenant-bot.example.org/calendar/{old}.ics" in link
    refused = reply_text(public_slack.command("/meeting", "feed leefbaar loon rotate", FATIMA))
    assert "Alleen de voorzitter" in refused
    rotated = reply_text(public_slack.command("/meeting", "feed leefbaar loon rotate", SANNE))
    with session_factory() as session:
        new = group(session).calendar_token
    assert new != old and f"/calendar/{new}.ics" in rotated and "vernieuwd" in rotated
    assert public_slack.standin.calls_to("files.completeUploadExternal") == []


def test_working_groups_are_added_with_members_chair_channel_and_language(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    added = reply_text(slack.command("/meeting", "group add metaal Taakgroep Kobalt <#CKOBALT01|kobalt>", EMMA))
    assert "Taakgroep Kobalt" in added and "#CKOBALT01" in added.replace("<#", "#")
    ahmed, james = person("ahmed").slack_user_id, person("james").slack_user_id
    members = reply_text(slack.command("/meeting", f"group members kobalt <@{ahmed}|ahmed> <@{james}|james>", EMMA))
    assert ahmed in members and james in members
    chair = reply_text(slack.command("/meeting", f"group chair kobalt <@{ahmed}|ahmed>", EMMA))
    assert ahmed in chair
    refused = reply_text(slack.command("/meeting", "group add metaal Werkgroep Stiekem", FATIMA))
    assert "secretariaat" in refused
    reply_text(slack.command("/meeting", "group language kobalt en", EMMA))
    shown = reply_text(slack.command("/meeting", "group show kobalt", EMMA))
    assert "chair" in shown
    listed = reply_text(slack.command("/meeting", "groups metaal", EMMA))
    assert "Taakgroep Kobalt" in listed and "Metals due diligence working group" in listed and "(3)" in listed
    with session_factory() as session:
        kobalt = session.scalar(select(WorkingGroup).where(WorkingGroup.name == "Taakgroep Kobalt"))
        assert kobalt is not None and kobalt.channel_id == "CKOBALT01" and kobalt.language == "en"
        assert len(kobalt.members) == 3  # emma (who created it, as chair), ahmed, james
    assert LEEFBAAR_LOON  # the demo groups are untouched


def test_answering_from_meeting_next_is_confirmed_to_the_presser(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    with session_factory() as session:
        schedule(session, date(2026, 11, 24), time(9), title="Eerstvolgende")
    reply = slack.command("/meeting", "next leefbaar loon", FATIMA)
    payload = button_payload(
        reply, "meeting_rsvp_yes", FATIMA, slack.standin.response_url(), slack.standin.trigger_id()
    )
    payload["container"] = {"type": "message", "is_ephemeral": True}
    assert slack.interaction(payload).status == 200
    note = slack.wait_response(payload["response_url"])
    assert "Genoteerd: “Aanwezig”" in reply_text(note)
    again = reply_text(slack.command("/meeting", "next leefbaar loon", SANNE))
    assert FATIMA in again and "1 aanwezig" in again
