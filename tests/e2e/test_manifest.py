"""config/manifest.yml declares exactly what the app registers, and the app handles all of it."""

from __future__ import annotations

import yaml

from bot.slack_standin import requests as slack_requests
from bot.slack_standin.workspace import dm_id
from config import CONFIG_DIR
from handlers.commands import COMMANDS
from handlers.events import EVENTS
from handlers.shortcuts import SHORTCUTS
from tests.support.demo import person
from tests.support.harness import SlackHarness


def _manifest() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((CONFIG_DIR / "manifest.yml").read_text())


def test_manifest_commands_are_the_registered_commands() -> None:
    declared = {c["command"] for c in _manifest()["features"]["slash_commands"]}
    assert declared == set(COMMANDS)


def test_manifest_shortcuts_are_the_registered_shortcuts() -> None:
    declared = {(s["type"], s["callback_id"]) for s in _manifest()["features"]["shortcuts"]}
    assert declared == set(SHORTCUTS)
    for shortcut in _manifest()["features"]["shortcuts"]:
        assert len(shortcut["name"]) <= 24 and len(shortcut["description"]) <= 150


def test_manifest_events_are_the_registered_events() -> None:
    declared = set(_manifest()["settings"]["event_subscriptions"]["bot_events"])
    # message.channels and message.im arrive as the one "message" event type.
    assert {event.split(".")[0] for event in declared} == set(EVENTS)


def test_manifest_has_home_tab_interactivity_and_scopes() -> None:
    manifest = _manifest()
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needed = {"commands", "chat:write", "app_mentions:read", "users:read", "im:history", "channels:history"}
    # Minutes: threads in private group channels, the Markdown export, the :memo: on collected replies.
    needed |= {"groups:history", "files:write", "reactions:write"}
    assert needed <= scopes


def test_every_declared_command_and_event_is_handled(slack: SlackHarness) -> None:
    user = person("emma").slack_user_id
    for entry in _manifest()["features"]["slash_commands"]:
        body = slack_requests.slash_command(
            entry["command"],
            "",
            user_id=user,
            response_url=slack.standin.response_url(),
            trigger_id=slack.standin.trigger_id(),
        )
        assert slack.signed(body, slack_requests.FORM).status == 200, entry["command"]
    events = {
        "app_home_opened": {"type": "app_home_opened", "user": user, "tab": "home", "channel": "D1"},
        "app_mention": {
            "type": "app_mention",
            "user": user,
            "text": "<@UBOTCOVENANT> help",
            "channel": "C1",
            "ts": "1",
        },
        "message.channels": {
            "type": "message",
            "channel_type": "channel",
            "user": user,
            "text": "x",
            "channel": "C1",
            "ts": "2",
        },
        "message.groups": {
            "type": "message",
            "channel_type": "group",
            "user": user,
            "text": "x",
            "channel": "G1",
            "ts": "4",
        },
        "message.im": {
            "type": "message",
            "channel_type": "im",
            "user": user,
            "text": "help",
            "channel": dm_id(user),
            "ts": "3",
        },
    }
    for name in _manifest()["settings"]["event_subscriptions"]["bot_events"]:
        assert slack.event(events[name]).status == 200, name
    for shortcut in _manifest()["features"]["shortcuts"]:
        payload = {
            "type": "message_action" if shortcut["type"] == "message" else "shortcut",
            "callback_id": shortcut["callback_id"],
            "trigger_id": slack.standin.trigger_id(),
            "response_url": slack.standin.response_url(),
            "user": {"id": user},
            "team": {"id": "TCOVENANT"},
            "channel": {"id": "C1"},
            "message": {"type": "message", "user": user, "text": "x", "ts": "2"},  # the message posted above
            "message_ts": "2",
        }
        assert slack.interaction(payload).status == 200, shortcut["callback_id"]


def test_every_button_the_bot_draws_is_answered() -> None:
    from bot.render import companies, covenant, home, meetings, minutes, reminders
    from handlers.actions import ACTIONS

    drawn = {
        covenant.SHARE_ACTION,
        covenant.CHART_ACTION,
        companies.PAGE_PREVIOUS,
        companies.PAGE_NEXT,
        *home.ACTIONS,
        reminders.ACTION_DONE,
        f"{reminders.ACTION_SNOOZE}_1",
        f"{reminders.ACTION_SNOOZE}_3",
        reminders.ACTION_NOT_FOR_ME,
        reminders.ACTION_CONFIRM,
        reminders.ACTION_NOT_RECEIVED,
        *(f"{meetings.ACTION_RSVP}_{answer}" for answer in ("yes", "no", "maybe")),
        meetings.ACTION_WHO,
        meetings.ACTION_SCHEDULE_ANYWAY,
        meetings.ACTION_SKIP_HOLIDAYS,
        *minutes.ACTIONS,
    }
    assert drawn == set(ACTIONS)


def test_covenant_command_gets_mentions_escaped() -> None:
    covenant = next(c for c in _manifest()["features"]["slash_commands"] if c["command"] == "/covenant")
    assert covenant["should_escape"] is True
