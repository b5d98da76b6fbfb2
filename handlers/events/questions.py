"""Questions asked by @mention or DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.commands import questions
from handlers.common import answer


def answer_question(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Answer in the DM; in a channel, to the asker alone (nothing reaches someone who may not see it)."""
    reply = answer(
        context["deps"], client, event["user"], lambda ask: questions.answer(ask, event.get("text", ""))
    ).reply
    thread_ts = event.get("thread_ts")
    if event.get("channel_type") == "im":
        client.chat_postMessage(channel=event["channel"], thread_ts=thread_ts, **reply.as_message())
    else:
        client.chat_postEphemeral(
            channel=event["channel"], user=event["user"], thread_ts=thread_ts, **reply.as_message()
        )


def on_mention(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    answer_question(event, client, context)
