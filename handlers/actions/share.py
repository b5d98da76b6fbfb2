"""**Share in channel** under a covenant's status: posts the same public status visibly where it was asked."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.commands import covenant
from bot.deps import deps_of
from bot.render.covenant import SHARE_ACTION
from handlers.run import Asker, ack_then, run

ACTIONS = (SHARE_ACTION,)


def register(app: App) -> None:
    """Listen to Share in channel."""
    ack_then(app.action(SHARE_ACTION), share_status)


def share_status(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Post the covenant's public status in the channel where the button was clicked, then confirm privately."""
    value = str(action.get("value", ""))
    run(deps_of(context), client, Asker.of_action(body), lambda ask: covenant.share(ask, value))
