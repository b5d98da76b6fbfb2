"""One way to take a form (``view_submission``): checked in its ack, saved after it.

The check runs while Slack waits, so a problem is shown on its field (``response_action: errors``) and the form
stays open; whatever the check wrote is rolled back. The saving runs after the ack, as Bolt lazy work, and never
repeats a refusal: the form showed it already.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.commands.minutes_form import field_values
from bot.deps import deps_of
from bot.interaction import Ask, Outcome
from bot.services.errors import UsageError
from handlers.run import Asker, ack_then, check_form, run

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Submission:
    """What a submitted form holds: its private_metadata (a JSON object) and its inputs."""

    metadata: dict[str, Any]
    # Each input's text by block_id (bot.commands.minutes_form.field_values).
    values: dict[str, str]
    # Slack's own state.values, for forms whose inputs are more than text (dates, times, checkboxes).
    state_values: dict[str, Any]

    @classmethod
    def of(cls, view: Mapping[str, Any]) -> Submission:
        state = view.get("state") or {}
        return cls(_metadata(view), field_values(state), state.get("values") or {})


# Errors by block_id (None or empty: accepted); a UsageError (a FieldError names its field) refuses it too.
Check = Callable[[Ask, Submission], Mapping[str, str] | None]
Save = Callable[[Ask, Submission], Outcome]


def register_form(app: App, callback_id: str, default_field: str, check: Check, save: Save) -> None:
    """Take the form ``callback_id``: ``check`` in the ack (a refusal without a field goes on ``default_field``),
    ``save`` after it."""

    def check_submission(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        submission = Submission.of(view)
        check_form(
            ack,
            deps_of(context),
            client,
            Asker.of_view(body),
            lambda ask: check(ask, submission) or {},
            default_field,
        )

    def save_submission(body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        submission = Submission.of(view)
        run(deps_of(context), client, Asker.of_view(body), lambda ask: _quietly(ask, save, submission))

    ack_then(app.view(callback_id), save_submission, ack=check_submission)


def _quietly(ask: Ask, save: Save, submission: Submission) -> Outcome:
    """Save the form; a refusal is not said again (the ack put it on the form, which is still open)."""
    try:
        return save(ask, submission)
    except UsageError as refusal:
        ask.session.rollback()
        logger.info("form of %s not saved: %s", ask.viewer.slack_user_id, refusal.key)
        return Outcome()


def _metadata(view: Mapping[str, Any]) -> dict[str, Any]:
    try:
        loaded = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}
