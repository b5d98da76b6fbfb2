"""What listeners share besides :mod:`handlers.run`: dropping Slack's re-deliveries of an event."""

from __future__ import annotations

import logging
from typing import Any

from bot.deps import Deps
from bot.services import events
from handlers.run import load_viewer

__all__ = ["first_time", "load_viewer"]

logger = logging.getLogger(__name__)


def first_time(deps: Deps, body: dict[str, Any]) -> bool:
    """False for an event Slack delivered before (a retry, to this or another instance); records its event_id.

    Event listeners call it in their lazy work, after the ack, so the database write never delays the ack.
    """
    event_id = body.get("event_id") if body.get("type") == "event_callback" else None
    if not event_id:
        return True
    with deps.session_factory() as session:
        if events.first_delivery(session, str(event_id), deps.clock.now()):
            return True
    logger.info("event %s already handled; ignoring the retry", event_id)
    return False
