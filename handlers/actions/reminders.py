"""Buttons on reminder messages and on the secretariat's notices."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.commands import reminder_actions
from bot.deps import deps_of
from bot.render import reminders as render
from handlers.run import Asker, ack_then, run

ACTIONS = (
    render.ACTION_DONE,
    f"{render.ACTION_SNOOZE}_1",
    f"{render.ACTION_SNOOZE}_3",
    render.ACTION_NOT_FOR_ME,
    render.ACTION_CONFIRM,
    render.ACTION_NOT_RECEIVED,
)


def register(app: App) -> None:
    ack_then(app.action(render.ACTION_DONE), _listener(reminder_actions.DONE))
    ack_then(app.action(re.compile(rf"^{render.ACTION_SNOOZE}_\d+$")), _listener(reminder_actions.SNOOZE))
    ack_then(app.action(render.ACTION_NOT_FOR_ME), _listener(reminder_actions.NOT_FOR_ME))
    ack_then(app.action(render.ACTION_CONFIRM), _listener(reminder_actions.CONFIRM))
    ack_then(app.action(render.ACTION_NOT_RECEIVED), _listener(reminder_actions.NOT_RECEIVED))


def _listener(button: str) -> Callable[..., None]:
    """The work behind the reminder button ``button``, for the presser."""

    def on_press(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        value = str(action.get("value", ""))
        run(deps_of(context), client, Asker.of_action(body), lambda ask: reminder_actions.press(ask, button, value))

    on_press.__name__ = f"on_{button}"  # Bolt names lazy work by its function's name
    return on_press
