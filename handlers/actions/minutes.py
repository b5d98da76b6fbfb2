"""Minutes buttons: Add minutes, I'll take the minutes, Circulate, Approve, Request changes, Correct.

The three that open a form (Add, Request changes, Correct) do their work in the ack, while the trigger_id is
still valid; the others after it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.commands import minutes_actions as actions
from bot.deps import deps_of
from bot.interaction import Ask, Outcome
from bot.render import minutes as render
from handlers.run import Asker, ack_then, run

ACTIONS = render.ACTIONS
FORM_ACTIONS = (render.ACTION_ADD, render.ACTION_CHANGES, render.ACTION_CORRECT)


def register(app: App) -> None:
    for action_id in ACTIONS:
        if action_id in FORM_ACTIONS:
            ack_then(app.action(action_id), ack=on_form_button)
        else:
            ack_then(app.action(action_id), on_minutes_button)


def on_form_button(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Add minutes, Request changes, Correct: open the form, then ack."""
    try:
        on_minutes_button(body, action, client, context)
    finally:
        ack()


def on_minutes_button(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    value = str(action.get("value", ""))
    # For channels without a language of their own (a group's or covenant's): the bot's.
    default_lang = deps.settings.bot_language
    decide: dict[str, Callable[[Ask], Outcome]] = {
        render.ACTION_ADD: lambda ask: actions.add(ask, value),
        render.ACTION_TAKE: lambda ask: actions.take(ask, value, default_lang),
        render.ACTION_CIRCULATE: lambda ask: actions.circulate(ask, value),
        render.ACTION_APPROVE: lambda ask: actions.approve(ask, value, default_lang),
        render.ACTION_CHANGES: lambda ask: actions.changes_form(ask, value),
        render.ACTION_CORRECT: lambda ask: actions.correct(ask, value),
    }
    run(deps, client, Asker.of_action(body), decide[action["action_id"]])
