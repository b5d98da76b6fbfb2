"""What listeners share besides :mod:`handlers.run` (Slack's re-deliveries of an event are dropped before the
ack, where the work is recorded: :mod:`handlers.durable`)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.interaction import Ask, Outcome
from bot.render.blocks import Reply
from bot.services.access import Viewer
from handlers.run import Asker, decide, load_viewer

__all__ = ["load_viewer", "produce_reply", "send_now"]

logger = logging.getLogger(__name__)


# -- kept for the meetings/minutes listeners until they answer through handlers.run -------------------------------
def produce_reply(
    deps: Deps, client: WebClient, slack_user_id: str, produce: Callable[[Session, Viewer], Reply]
) -> tuple[Reply, Viewer | None]:
    """Run ``produce`` like :func:`handlers.run.decide`; returns its reply and the viewer it ran for."""
    viewers: list[Viewer] = []

    def command(ask: Ask) -> Outcome:
        viewers.append(ask.viewer)
        return Outcome.of(produce(ask.session, ask.viewer))

    outcome, _ = decide(deps, client, Asker(user=slack_user_id), command)
    return outcome.reply or Reply(text=""), (viewers[0] if viewers else None)


def send_now(deps: Deps, delivery_ids: list[int]) -> None:
    """Send owed notices at once (after ack), through the reminder engine: a failure leaves the row for the
    scheduler's next sweep, so nothing is lost."""
    for delivery_id in delivery_ids:
        try:
            deps.sweeper.deliver_now(delivery_id)
        except Exception:
            logger.exception("could not send delivery %s now; the next sweep will", delivery_id)
