"""Previous / Next under a covenant's company list: the page to draw travels in the button's value."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.commands import covenant
from bot.commands.context import Ask
from bot.deps import deps_of
from bot.render.blocks import Reply
from bot.render.companies import PAGE_NEXT, PAGE_PREVIOUS, parse_page_value
from bot.services import covenants
from bot.services.errors import UsageError
from handlers.common import answer
from handlers.run import ack_then

ACTIONS = (PAGE_PREVIOUS, PAGE_NEXT)


def register(app: App) -> None:
    """Listen to Previous / Next under company lists."""
    for action_id in ACTIONS:
        ack_then(app.action(action_id), companies_page)


def companies_page(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    """Replace the list with the page the button names (redrawn from the database: public data only)."""
    ack()
    parsed = parse_page_value(str(action.get("value", "")))

    def produce(ask: Ask) -> Reply:
        if parsed is None:
            raise UsageError("covenant.missing_name")
        return covenant.companies_answer(ask, covenants.resolve(ask.session, parsed[0]), parsed[1])

    result = answer(deps_of(context), client, body["user"]["id"], produce)
    respond(response_type="ephemeral", replace_original=result.ok, **result.reply.as_message())
