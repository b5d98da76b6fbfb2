"""Questions asked by @mention or DM."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.commands import questions
from bot.deps import deps_of
from handlers.common import answer, first_time

if TYPE_CHECKING:
    from bot.deps import Deps


def on_mention(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Bolt has acknowledged the event; the answer is built after the ack."""
    answer_mention(deps_of(context), client, body)


def answer_mention(deps: Deps, client: WebClient, body: dict[str, Any]) -> None:
    """Answer an @mention once (a retry of the same event is dropped)."""
    if first_time(deps, body):
        answer_question(deps, client, body["event"])


def answer_question(deps: Deps, client: WebClient, event: dict[str, Any]) -> None:
    """Answer in the DM; in a channel, to the asker alone (nothing reaches someone who may not see it)."""
    reply = answer(deps, client, event["user"], lambda ask: questions.answer(ask, event.get("text", ""))).reply
    thread_ts = event.get("thread_ts")
    if event.get("channel_type") == "im":
        client.chat_postMessage(channel=event["channel"], thread_ts=thread_ts, **reply.as_message())
    else:
        client.chat_postEphemeral(
            channel=event["channel"], user=event["user"], thread_ts=thread_ts, **reply.as_message()
        )
