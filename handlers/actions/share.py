"""**Share in channel** under a covenant's status: posts the same public status visibly where it was asked."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.commands import covenant
from bot.deps import deps_of
from bot.i18n import t
from bot.render.covenant import SHARE_ACTION
from handlers.common import answer
from handlers.run import ack_then

logger = logging.getLogger(__name__)
ACTIONS = (SHARE_ACTION,)


def register(app: App) -> None:
    """Listen to Share in channel."""
    ack_then(app.action(SHARE_ACTION), share_status)


def share_status(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    """Post the covenant's public status in the channel where the button was clicked, then confirm privately."""
    ack()
    user = body["user"]["id"]
    slug = str(action.get("value", "")).removeprefix("status:")
    # The status is rebuilt from the database (public data only), never copied from the clicked message.
    result = answer(deps_of(context), client, user, lambda ask: covenant.shared_status_answer(ask, slug, user))
    lang = result.viewer.language if result.viewer else deps_of(context).settings.bot_language
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    if not result.ok or not channel:
        respond(response_type="ephemeral", replace_original=False, **result.reply.as_message())
        return
    try:
        client.chat_postMessage(channel=channel, **result.reply.as_message())
    except SlackApiError as error:
        logger.warning("sharing in %s failed: %s", channel, error.response.get("error"))
        respond(response_type="ephemeral", replace_original=False, text=t(lang, "status.share_failed"))
        return
    respond(response_type="ephemeral", replace_original=False, text=t(lang, "status.shared", channel=f"<#{channel}>"))
