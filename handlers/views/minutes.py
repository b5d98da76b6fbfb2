"""Minutes modals: the minutes form, the change request and the meeting picker of the shortcut.

A field error is acknowledged with ``response_action: errors`` (the modal stays open, nothing saved).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.commands import minutes_actions as actions
from bot.commands.minutes import Outcome
from bot.commands.minutes_form import field_values
from bot.render import minutes_views as views
from bot.services.access import Viewer
from handlers.minutes_outcome import carry_out, submit

Submitted = Callable[[Session, dict[str, Any], dict[str, str], Viewer, datetime], Outcome]


def register(app: App) -> None:
    app.view(views.VIEW_EDIT)(_listener(views.SUMMARY, actions.save_form))
    app.view(views.VIEW_CHANGES)(_listener(views.COMMENT, actions.request_changes))
    app.view(views.VIEW_PICK)(_listener(views.SITTING, actions.pick_submit))


def _metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        loaded = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _listener(field: str, action: Submitted) -> Callable[..., None]:
    """A view_submission listener: ack (with field errors, if any), then carry out what ``action`` decided."""

    def listener(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        deps, user = context["deps"], body["user"]["id"]
        metadata, values = _metadata(view), field_values(view.get("state") or {})
        outcome, lang = submit(
            ack,
            deps,
            client,
            user,
            field,
            lambda session, viewer: action(session, metadata, values, viewer, deps.clock.now()),
        )
        if outcome is not None:
            carry_out(outcome, deps, client, user, lang)

    return listener
