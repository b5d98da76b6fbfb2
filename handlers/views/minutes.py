"""Minutes modals: the minutes form, the change request and the meeting picker of the shortcut.

A field error is acknowledged with ``response_action: errors`` (the modal stays open, nothing saved).
"""

from __future__ import annotations

from slack_bolt import App

from bot.commands import minutes_actions as actions
from bot.render import minutes_views as views
from handlers.views.forms import register_form


def register(app: App) -> None:
    register_form(
        app,
        views.VIEW_EDIT,
        views.SUMMARY,
        lambda ask, form: actions.check_saved_form(ask, form.metadata, form.values),
        lambda ask, form: actions.save_form(ask, form.metadata, form.values),
    )
    register_form(
        app,
        views.VIEW_CHANGES,
        views.COMMENT,
        lambda ask, form: actions.check_change_request(ask, form.metadata, form.values),
        lambda ask, form: actions.request_changes(ask, form.metadata, form.values),
    )
    register_form(
        app,
        views.VIEW_PICK,
        views.SITTING,
        lambda ask, form: actions.check_pick(ask, form.metadata, form.values),
        lambda ask, form: actions.pick_submit(ask, form.metadata, form.values),
    )
