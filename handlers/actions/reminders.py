"""Buttons on reminder messages and on the secretariat's notices."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.commands import reminder_actions as act
from bot.db.models import ReminderDelivery
from bot.deps import deps_of
from bot.render import reminders as render
from bot.render.blocks import Reply, section
from bot.render.errors import apology, usage_error
from bot.services.access import Viewer
from bot.services.errors import UsageError
from handlers.common import load_viewer
from handlers.run import ack_then

logger = logging.getLogger(__name__)


ACTIONS = (
    render.ACTION_DONE,
    f"{render.ACTION_SNOOZE}_1",
    f"{render.ACTION_SNOOZE}_3",
    render.ACTION_NOT_FOR_ME,
    render.ACTION_CONFIRM,
    render.ACTION_NOT_RECEIVED,
)


def register(app: App) -> None:
    ack_then(app.action(render.ACTION_DONE), _listener("done"))
    ack_then(app.action(re.compile(rf"^{render.ACTION_SNOOZE}_\d+$")), _listener("snooze"))
    ack_then(app.action(render.ACTION_NOT_FOR_ME), _listener("not_for_me"))
    ack_then(app.action(render.ACTION_CONFIRM), _listener("confirm"))
    ack_then(app.action(render.ACTION_NOT_RECEIVED), _listener("not_received"))


def _run(
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: BoltContext,
    action: Callable[[Session, Viewer], act.ActionOutcome],
) -> None:
    deps = deps_of(context)
    lang: str = deps.settings.bot_language
    notices: list[str] = []
    try:
        with deps.session_factory() as session:
            viewer = load_viewer(session, client, deps, body["user"]["id"])
            lang = viewer.language
            try:
                outcome = action(session, viewer)
            except UsageError as error:
                session.rollback()
                respond(response_type="ephemeral", replace_original=False, **usage_error(error, lang).as_message())
                return
            notices = outcome.notices
            ids = list(session.scalars(select(ReminderDelivery.id).where(ReminderDelivery.dedupe_key.in_(notices))))
    except Exception:
        logger.exception("button %s failed", body.get("actions", [{}])[0].get("action_id"))
        respond(response_type="ephemeral", replace_original=False, **apology(lang).as_message())
        return
    if outcome.replace_with:
        respond(
            replace_original=True,
            **Reply(text=outcome.replace_with, blocks=[section(outcome.replace_with)]).as_message(),
        )
    if outcome.note:
        respond(response_type="ephemeral", replace_original=False, text=outcome.note)
    for delivery_id in ids:
        deps.sweeper.deliver_now(delivery_id)


def _deadline_id(body: dict[str, Any]) -> str:
    """The deadline the button names, as sent: the loader (bot.services.authorised) decides what it reaches."""
    return str(body["actions"][0].get("value", "")).split(":", 1)[0]


def _snooze_days(body: dict[str, Any]) -> int:
    """1 or 3 days, whatever a forged value says."""
    days = str(body["actions"][0].get("value", "")).partition(":")[2]
    return 3 if days == "3" else 1


Action = Callable[[Session, Viewer, dict[str, Any], datetime], act.ActionOutcome]

_RUN: dict[str, Action] = {
    "done": lambda s, v, b, now: act.mark_done(s, _deadline_id(b), v, now, act.local_today(v, now)),
    "snooze": lambda s, v, b, now: act.snooze(s, _deadline_id(b), _snooze_days(b), v, now),
    "not_for_me": lambda s, v, b, now: act.not_for_me(s, _deadline_id(b), v, now),
    "confirm": lambda s, v, b, now: act.confirm_received(s, _deadline_id(b), v, now),
    "not_received": lambda s, v, b, now: act.not_received(s, _deadline_id(b), v, now),
}


def _listener(name: str) -> Callable[..., None]:
    """A Bolt listener that acks, then runs _RUN[name] for the presser."""

    def listener(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext) -> None:
        ack()
        now = deps_of(context).clock.now()
        _run(body, respond, client, context, lambda session, viewer: _RUN[name](session, viewer, body, now))

    return listener
