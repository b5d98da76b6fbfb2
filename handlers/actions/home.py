"""Show more / Previous / Next / Show less on the App Home tab: the Home tab is drawn again with one list opened."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.commands.home import expansion_from
from bot.deps import deps_of
from bot.render import home
from handlers.common import publish_home
from handlers.run import ack_then

ACTIONS = home.ACTIONS


def register(app: App) -> None:
    """Listen to the Home tab's paging buttons."""
    for action_id in ACTIONS:
        ack_then(app.action(action_id), home_page)


def home_page(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Draw the clicking user's Home tab again with the requested list opened (or closed)."""
    ack()
    # Whatever the value says, the dashboard only opens lists the clicking user's roles allow.
    expansion = None if action.get("action_id") == home.LESS else expansion_from(action.get("value"))
    publish_home(deps_of(context), client, body["user"]["id"], expansion)
