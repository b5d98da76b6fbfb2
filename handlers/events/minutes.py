"""Messages in a "Minutes for ..." thread become contributions; edits and deletions are followed."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient

from bot.commands import minutes_actions as actions
from handlers.run import Asker, run
from handlers.shortcuts.minutes import permalink

if TYPE_CHECKING:
    from bot.deps import Deps

logger = logging.getLogger(__name__)
FOLLOWED = ("message_changed", "message_deleted")
# Replies that carry a person's words (a reply also sent to the channel, a reply with a file).
REPLY_SUBTYPES = (None, "thread_broadcast", "file_share")


def is_minutes_event(event: dict[str, Any]) -> bool:
    """True for an edit or deletion, or a person's reply in a channel thread: candidates for minutes."""
    if event.get("channel_type") == "im":
        return False
    if event.get("subtype") in FOLLOWED:
        return True
    thread_ts = event.get("thread_ts")
    return (
        event.get("subtype") in REPLY_SUBTYPES
        and not event.get("bot_id")
        and "user" in event
        and bool(thread_ts)
        and thread_ts != event.get("ts")
    )


def on_minutes_message(deps: Deps, client: WebClient, event: dict[str, Any]) -> None:
    """Follow an edit or deletion, or collect a thread reply into its minutes (with a reaction)."""
    if event.get("subtype") in FOLLOWED:
        try:
            with deps.session_factory() as session:
                actions.follow_change(session, event, deps.clock.now())
        except Exception:
            logger.exception("could not follow %s in %s", event.get("subtype"), event.get("channel"))
        return
    channel, ts = str(event["channel"]), str(event["ts"])
    with deps.session_factory() as session:
        minutes_id = actions.thread_minutes(session, channel, str(event["thread_ts"]))
    if minutes_id is None:
        return
    link = permalink(client, channel, ts)
    # The author is answered (if at all) to them alone, in the thread; the reaction goes on their reply.
    run(deps, client, Asker.of_event(event), lambda ask: actions.collect_reply(ask, minutes_id, event, link))
