"""One way to take a slash command: Bolt acks it and its answer is lazy work; a text that opens a form is
answered in the ack instead, while the request's trigger_id is still valid (Slack allows 3 seconds)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.commands import replays
from bot.deps import deps_of
from bot.interaction import Ask, Outcome
from bot.parsing.text import USER_MENTION
from handlers.run import Asker, ack_then, run


class Answers(Protocol):
    """A module of :mod:`bot.commands` that answers a slash command (looked up at each request, so its ``run`` can
    be replaced in a test)."""

    def run(self, ask: Ask, text: str) -> Outcome: ...


def register_command(
    app: App, name: str, answers: Answers, *, opens_form: Callable[[str], bool] | None = None, mentions: bool = False
) -> None:
    """Answer ``name`` with ``answers.run(ask, text)`` privately; a write is carried out once however often the same
    request arrives (:mod:`bot.commands.replays`). With ``mentions`` the Slack profiles of the people the text
    mentions are fetched first, so a person the secretariat links gets their Slack name."""

    def reply(command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        text = command.get("text", "")
        run(
            deps_of(context),
            client,
            Asker.of_command(command),
            lambda ask: replays.once(ask.session, command, ask.now, lambda: answers.run(ask, text)),
            mentioned=[match.group(1) for match in USER_MENTION.finditer(text)] if mentions else (),
        )

    def in_ack(command: dict[str, Any]) -> bool:
        return opens_form is not None and opens_form(command.get("text", ""))

    def acknowledge(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        try:
            if in_ack(command):
                reply(command, client, context)
        finally:
            ack()

    def after_ack(command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if not in_ack(command):
            reply(command, client, context)

    # Bolt finds a lazy function by its name when acknowledged work is taken over (handlers.durable).
    after_ack.__name__ = after_ack.__qualname__ = f"answer_{name.strip('/')}"
    ack_then(app.command(name), after_ack, ack=acknowledge)
