"""Minutes modals: the minutes form, the change request and the meeting picker of the shortcut.

A field error is acknowledged with ``response_action: errors`` (the modal stays open, nothing saved).
"""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.commands import minutes_actions as actions
from bot.commands.minutes_form import field_values
from bot.render import minutes_views as views
from handlers.minutes_outcome import carry_out, submit


def register(app: App) -> None:
    app.view(views.VIEW_EDIT)(on_minutes_form)
    app.view(views.VIEW_CHANGES)(on_changes_form)
    app.view(views.VIEW_PICK)(on_meeting_picked)


def _metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        loaded = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def on_minutes_form(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    deps, user = context["deps"], body["user"]["id"]
    metadata, values = _metadata(view), field_values(view.get("state") or {})
    outcome, lang = submit(
        ack,
        deps,
        client,
        user,
        views.SUMMARY,
        lambda session, viewer: actions.save_form(session, metadata, values, viewer, deps.clock.now()),
    )
    if outcome is not None:
        carry_out(outcome, deps, client, user, lang)


def on_changes_form(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    deps, user = context["deps"], body["user"]["id"]
    metadata, values = _metadata(view), field_values(view.get("state") or {})
    outcome, lang = submit(
        ack,
        deps,
        client,
        user,
        views.COMMENT,
        lambda session, viewer: actions.request_changes(session, metadata, values, viewer, deps.clock.now()),
    )
    if outcome is not None:
        carry_out(outcome, deps, client, user, lang)


def on_meeting_picked(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    deps, user = context["deps"], body["user"]["id"]
    metadata, values = _metadata(view), field_values(view.get("state") or {})
    outcome, lang = submit(
        ack,
        deps,
        client,
        user,
        views.SITTING,
        lambda session, viewer: actions.pick_submit(session, metadata, values, viewer, deps.clock.now()),
    )
    if outcome is not None:
        carry_out(outcome, deps, client, user, lang)
