"""Last-resort listeners, registered after every other one: what no listener claims gets a short, clear
answer instead of Bolt's 404 (which Slack shows as its generic error, and for events retries).

An unknown button (a message from an older version of the bot, a forged action_id) is told privately
"this button is no longer available"; an unknown form is replaced by a short note; unknown commands,
shortcuts, option requests, closed forms and events are acknowledged. Refusals of unreadable text
(:mod:`handlers.middleware`) are answered here too.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.deps import deps_of
from bot.i18n import t
from handlers.run import ack_then, language

if TYPE_CHECKING:
    from bot.deps import Deps

logger = logging.getLogger(__name__)
ANY = re.compile(".*", re.DOTALL)


def register(app: App) -> None:
    """Wire the catch-alls onto ``app``: call this after every other ``register``."""
    ack_then(app.action(ANY), unknown_action)
    app.view(ANY)(unknown_view)  # acked with the note that replaces the form: in the request
    app.view_closed(ANY)(acknowledge)
    ack_then(app.shortcut(ANY), unknown_shortcut)
    app.options(ANY)(no_options)
    ack_then(app.command(ANY), unknown_command)
    app.event(ANY)(ignore_event)


def acknowledge(ack: Ack) -> None:
    """Nothing to do but answer 200."""
    ack()


def ignore_event(event: dict[str, Any]) -> None:
    """An event no listener wants (Bolt acknowledges events itself)."""
    logger.debug("ignored a %s event", event.get("type"))


def no_options(ack: Ack) -> None:
    """An options request for a menu this app did not draw: no options."""
    ack(options=[])


def unknown_action(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    logger.info("no listener for the button %r", action.get("action_id"))
    tell_privately(deps_of(context), client, _gone(body))


def unknown_shortcut(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    logger.info("no listener for the shortcut %r", body.get("callback_id"))
    tell_privately(deps_of(context), client, _gone(body))


def _gone(body: dict[str, Any]) -> dict[str, Any]:
    user = str((body.get("user") or {}).get("id") or "")
    return {"user": user, "response_url": body.get("response_url"), "key": "edge.gone"}


def unknown_command(command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    logger.info("no listener for the command %r", command.get("command"))
    payload = {
        "user": str(command.get("user_id") or ""),
        "response_url": command.get("response_url"),
        "key": "edge.unknown_command",
        "values": {"command": str(command.get("command") or "")},
    }
    tell_privately(deps_of(context), client, payload)


def unknown_view(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """A form this app does not know (or no longer knows): replaced by a note saying so."""
    logger.info("no listener for the form %r", view.get("callback_id"))
    lang = language(deps_of(context), client, str((body.get("user") or {}).get("id") or ""))
    ack(response_action="update", view=note_view(t(lang, "edge.form_gone"), lang))


def note_view(text: str, lang: str) -> dict[str, Any]:
    """A modal holding only ``text`` and a Close button."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "covenant-bot"},
        "close": {"type": "plain_text", "text": t(lang, "edge.close")},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
    }


def tell_privately(deps: Deps, client: WebClient, payload: dict[str, Any]) -> None:
    """After the ack: say ``payload["key"]`` to the user alone, through the response_url or in the channel."""
    user = str(payload.get("user") or "")
    text = t(language(deps, client, user), str(payload["key"]), **payload.get("values", {}))
    try:
        if payload.get("response_url"):
            Respond(response_url=str(payload["response_url"]))(
                text=text, response_type="ephemeral", replace_original=False
            )
        elif payload.get("channel") and user:
            client.chat_postEphemeral(channel=str(payload["channel"]), user=user, text=text)
    except (SlackApiError, SlackClientError, OSError, ValueError) as error:
        logger.warning("could not tell %s: %s", user, error)
