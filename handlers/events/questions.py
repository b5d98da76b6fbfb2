"""Questions asked by @mention or DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.commands import questions
from bot.deps import Deps, deps_of
from handlers.run import Asker, run


def on_mention(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Answer an @mention (Slack's retry of the same event was dropped before the ack: handlers.durable)."""
    answer_question(deps_of(context), client, body["event"])


def answer_question(deps: Deps, client: WebClient, event: dict[str, Any]) -> None:
    """Answer in the DM; in a channel, to the asker alone (nothing reaches someone who may not see it)."""
    text = event.get("text", "")
    run(deps, client, Asker.of_event(event), lambda ask: questions.answer(ask, text))
