"""One way to take a form (``view_submission``): checked in its ack, saved after it.

The check runs while Slack waits, so a problem is shown on its field (``response_action: errors``) and the form
stays open; whatever the check wrote is rolled back. The saving runs after the ack, as Bolt lazy work (Bolt starts
it whatever the ack said): a form the check refused is not saved, and a refusal found only when saving (someone
changed the minutes in between) is told to the person in their DM, since their form has closed.
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
from handlers.run import Asker, ack_then, check_form, run

logger = logging.getLogger(__name__)

# Set in the request's context by the check when it refused the form; Bolt copies the context to the lazy save.
REFUSED = "covenant_form_refused"


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
        context[REFUSED] = not check_form(
            ack,
            deps_of(context),
            client,
            Asker.of_view(body),
            lambda ask: check(ask, submission) or {},
            default_field,
        )

    def save_submission(body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if context.get(REFUSED):
            return  # the form shows why, and stays open
        submission = Submission.of(view)
        run(deps_of(context), client, Asker.of_view(body), lambda ask: save(ask, submission))

    ack_then(app.view(callback_id), save_submission, ack=check_submission)


def _metadata(view: Mapping[str, Any]) -> dict[str, Any]:
    try:
        loaded = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}
