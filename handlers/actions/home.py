"""Show more / Previous / Next / Show less on the App Home tab: the Home tab is drawn again with one list opened."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.commands import home
from bot.deps import deps_of
from bot.render import home as render
from handlers.run import Asker, ack_then, run

ACTIONS = render.ACTIONS


def register(app: App) -> None:
    """Listen to the Home tab's paging buttons."""
    for action_id in ACTIONS:
        ack_then(app.action(action_id), home_page)


def home_page(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Draw the clicking user's Home tab again with the requested list opened (or closed)."""
    action_id, value = str(action.get("action_id")), action.get("value")
    run(deps_of(context), client, Asker.of_action(body), lambda ask: home.page(ask, action_id, value))
