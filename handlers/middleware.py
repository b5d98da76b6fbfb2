"""Global middleware: hand every listener its Deps, and drop Slack's re-deliveries of an event."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext, BoltResponse

from bot.services import events

if TYPE_CHECKING:
    from bot.app import Deps

logger = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    def inject_deps(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
        context["deps"] = deps
        return next()

    def once_per_event(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            with deps.session_factory() as session:
                if not events.first_delivery(session, str(event_id), deps.clock.now()):
                    logger.info("event %s already handled; acknowledging the retry", event_id)
                    return BoltResponse(status=200, body="")
        return next()

    app.middleware(inject_deps)
    app.middleware(once_per_event)
