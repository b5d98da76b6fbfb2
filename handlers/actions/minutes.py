"""Minutes buttons: Add minutes, I'll take the minutes, Circulate, Approve, Request changes, Correct."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.commands import minutes_actions as actions
from bot.commands.minutes import Outcome
from bot.render import minutes as render
from bot.services.access import Viewer
from handlers.minutes_outcome import carry_out, produce_outcome
from handlers.run import ack_then

ACTIONS = render.ACTIONS


def register(app: App) -> None:
    for action_id in ACTIONS:
        ack_then(app.action(action_id), on_minutes_button)


def on_minutes_button(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    ack()
    deps = context["deps"]
    user = body["user"]["id"]
    value = str(action.get("value", ""))
    channel = (body.get("channel") or {}).get("id")
    now = deps.clock.now()
    channel_lang = deps.settings.bot_language
    produce: dict[str, Callable[[Session, Viewer], Outcome]] = {
        render.ACTION_ADD: lambda s, v: actions.add(s, value, v, now, channel),
        render.ACTION_TAKE: lambda s, v: actions.take(s, value, v, now, channel_lang),
        render.ACTION_CIRCULATE: lambda s, v: actions.circulate(s, value, v, now),
        render.ACTION_APPROVE: lambda s, v: actions.approve(s, value, v, now, channel_lang),
        render.ACTION_CHANGES: lambda s, v: actions.changes_form(s, value, v),
        render.ACTION_CORRECT: lambda s, v: actions.correct(s, value, v, now, channel),
    }
    outcome, lang = produce_outcome(deps, client, user, produce[action["action_id"]])
    carry_out(outcome, deps, client, user, lang, respond=respond, trigger_id=body.get("trigger_id"))
