"""Buttons on meeting messages: Attend / Not attending / Maybe, Who answered?, Schedule anyway and Skip these
sittings (a new series' sittings on public holidays)."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.commands import meeting_rsvp, meeting_schedule
from bot.db.enums import RsvpAnswer
from bot.deps import deps_of
from bot.render.meetings import ACTION_RSVP, ACTION_SCHEDULE_ANYWAY, ACTION_SKIP_HOLIDAYS, ACTION_WHO
from handlers.run import Asker, ack_then, run

ACTIONS = (
    f"{ACTION_RSVP}_yes",
    f"{ACTION_RSVP}_no",
    f"{ACTION_RSVP}_maybe",
    ACTION_WHO,
    ACTION_SCHEDULE_ANYWAY,
    ACTION_SKIP_HOLIDAYS,
)


def register(app: App) -> None:
    ack_then(app.action(re.compile(rf"^{ACTION_RSVP}_(yes|no|maybe)$")), on_rsvp)
    ack_then(app.action(ACTION_WHO), on_who)
    ack_then(app.action(ACTION_SCHEDULE_ANYWAY), on_schedule_anyway)
    ack_then(app.action(ACTION_SKIP_HOLIDAYS), on_skip_holidays)


def on_rsvp(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    choice = RsvpAnswer(action["action_id"].rsplit("_", 1)[1])
    value = str(action.get("value", ""))
    # A press on a message only the presser sees (/meeting next): the channel updates do not reach it.
    privately = bool((body.get("container") or {}).get("is_ephemeral"))
    run(
        deps,
        client,
        Asker.of_action(body),
        lambda ask: meeting_rsvp.answer(ask, value, choice, deps.settings.bot_language, privately),
    )


def on_who(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    value = str(action.get("value", ""))
    run(deps_of(context), client, Asker.of_action(body), lambda ask: meeting_rsvp.who(ask, value))


def on_schedule_anyway(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    value = str(action.get("value", ""))
    run(deps_of(context), client, Asker.of_action(body), lambda ask: meeting_schedule.schedule_anyway(ask, value))


def on_skip_holidays(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    value = str(action.get("value", ""))
    run(deps_of(context), client, Asker.of_action(body), lambda ask: meeting_schedule.skip_holidays(ask, value))
