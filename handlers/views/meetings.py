"""The "schedule a meeting" modal: errors are shown on their field (nothing saved); otherwise it is saved,
the person gets a confirmation by DM and the group's channel is told."""

from __future__ import annotations

from slack_bolt import App

from bot.commands import meeting_schedule
from bot.render.meeting_modal import CALLBACK_ID
from handlers.views.forms import register_form


def register(app: App) -> None:
    register_form(
        app,
        CALLBACK_ID,
        "group",
        lambda ask, form: meeting_schedule.check_modal(ask, form.state_values),
        lambda ask, form: meeting_schedule.submit_modal(ask, form.state_values),
    )
