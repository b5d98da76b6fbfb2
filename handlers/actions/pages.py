"""Previous / Next under a covenant's company list: the page to draw travels in the button's value."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.commands import covenant
from bot.deps import deps_of
from bot.render.companies import PAGE_NEXT, PAGE_PREVIOUS
from handlers.run import Asker, ack_then, run

ACTIONS = (PAGE_PREVIOUS, PAGE_NEXT)


def register(app: App) -> None:
    """Listen to Previous / Next under company lists."""
    for action_id in ACTIONS:
        ack_then(app.action(action_id), companies_page)


def companies_page(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Replace the list with the page the button names (redrawn from the database: public data only)."""
    value = str(action.get("value", ""))
    run(deps_of(context), client, Asker.of_action(body), lambda ask: covenant.companies_page(ask, value))
