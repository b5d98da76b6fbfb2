"""Global middleware: hand every listener its Deps (:func:`bot.deps.deps_of`), and refuse unreadable text before any
listener reads it.

Nothing here touches the database on the way to an ordinary listener. Slack's re-deliveries of an event are
dropped where the work after the ack is recorded, in the request's thread (:mod:`handlers.durable`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient

from bot import user_text
from bot.deps import CONTEXT_KEY, deps_of
from bot.i18n import t
from handlers.fallback import tell_privately
from handlers.run import language

if TYPE_CHECKING:
    from bot.deps import Deps

logger = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    def inject_deps(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
        context[CONTEXT_KEY] = deps
        return next()

    # The executor Bolt runs lazy listeners on (the console's runs the work at once).
    after_ack = app.listener_runner.listener_executor.submit

    def refuse_unreadable_text(
        body: dict[str, Any], client: WebClient, context: BoltContext, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        return refuse(body, client, context, next, after_ack=after_ack)

    app.middleware(inject_deps)
    app.middleware(refuse_unreadable_text)


def refuse(
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    next: Callable[[], BoltResponse],
    after_ack: Callable[..., object],
) -> BoltResponse:
    """A control character (NUL…) in what someone typed, or a slash command longer than any command, is
    answered here in their language, with nothing written (:mod:`bot.user_text`); all else goes on.

    No listener runs for a refusal, so its message is sent by ``after_ack`` (Bolt's listener executor), after
    this middleware's 200 answered Slack."""
    refusal = user_text.refusal(body)
    if refusal is None:
        return next()
    logger.info("refused %s from %s", refusal.key, refusal.user or "someone unknown")
    deps = deps_of(context)
    if refusal.blocks:  # a form: the message goes on the fields, and the form stays open
        message = t(language(deps, client, refusal.user), refusal.key, **refusal.values)
        errors = {block: message for block in refusal.blocks}
        return BoltResponse(
            status=200,
            body=json.dumps({"response_action": "errors", "errors": errors}),
            headers={"content-type": "application/json"},
        )
    payload = {
        "user": refusal.user,
        "response_url": refusal.response_url,
        "channel": refusal.channel,
        "key": refusal.key,
        "values": refusal.values,
    }
    after_ack(tell_privately, deps, client, payload)
    return BoltResponse(status=200, body="")
