"""The history check of the delivery guarantee: does Slack already hold this delivery's message?

A send whose outcome is unknown is repeated only when the conversation's history was read and does
not hold the delivery id (carried in message metadata). When the history cannot be read this says
so (:class:`HistoryUnreadable`) and the row waits: it is never sent blind.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from http.client import HTTPException
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.db.models import ReminderDelivery

logger = logging.getLogger(__name__)

METADATA_TYPE = "covenant_bot_delivery"


class HistoryUnreadable(Exception):
    """conversations.history (or conversations.open before it) did not answer: ``code`` says why."""

    def __init__(self, code: str, retry_after: timedelta | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.retry_after = retry_after

    @classmethod
    def of(cls, error: SlackApiError) -> HistoryUnreadable:
        status = error.response.status_code
        code = str(error.response.get("error", "")) if error.response.data else ""
        if status == 429 or code == "ratelimited":
            headers = error.response.headers
            seconds = float(headers.get("Retry-After", headers.get("retry-after", 60)))
            return cls("ratelimited", timedelta(seconds=max(1.0, seconds)))
        return cls(code or f"http {status}")


def find_sent(client: WebClient, delivery: ReminderDelivery) -> tuple[str, str] | None:
    """The (channel, ts) of this delivery's message if Slack has it, None if the history shows it has
    not; raises :class:`HistoryUnreadable` when the history could not be read (then nobody knows)."""
    try:
        channel = delivery.slack_channel or delivery.recipient
        if channel.startswith(("U", "W")):
            channel = str(client.conversations_open(users=channel)["channel"]["id"])
        # The check runs 24 s or more after the unsure attempt: the newest 200 messages hold it if Slack has it
        # (apps outside the Marketplace get 15).
        history = client.conversations_history(channel=channel, include_all_metadata=True, limit=200)
    except SlackApiError as exc:
        logger.warning("history check for delivery %s failed: %s", delivery.id, exc)
        raise HistoryUnreadable.of(exc) from exc
    except (OSError, HTTPException) as exc:
        logger.warning("history check for delivery %s failed: %s", delivery.id, exc)
        raise HistoryUnreadable(f"{type(exc).__name__}: {exc}") from exc
    if not history.get("ok", True):
        raise HistoryUnreadable(str(history.get("error", "not ok")))
    messages: list[dict[str, Any]] = history.get("messages", [])
    for message in messages:
        metadata: dict[str, Any] = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") == METADATA_TYPE and payload.get("delivery_id") == delivery.id:
            return channel, str(message["ts"])
    return None
