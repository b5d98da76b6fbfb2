"""What the buttons on reminders do: mark submitted/done, snooze, not for me, confirm receipt.

Each returns an :class:`ActionOutcome`: the text that replaces the message (or None to leave it),
an ephemeral note for the presser, and notices for the secretariat to send at once. Buttons pressed
twice or by the wrong person change nothing and say so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db.enums import DeadlineKind, DeadlineStatus
from bot.db.models import ActionPlan, Deadline
from bot.i18n import t
from bot.render import plans as render_plans
from bot.render.blocks import escape
from bot.render.time import date_token, datetime_token
from bot.services import authorised, deadlines, plans, reminders
from bot.services.access import Viewer
from bot.services.errors import UsageError


@dataclass
class ActionOutcome:
    """What to show after a button press, and which secretariat notices to deliver now."""

    replace_with: str | None = None
    note: str | None = None
    notices: list[str] = field(default_factory=list)


def _what(deadline: Deadline, lang: str) -> str:
    company = f" ({escape(deadline.organisation.name)})" if deadline.organisation else ""
    return f"*{escape(deadline.title)}*{company}"


def _notify_secretariat(
    session: Session, deadline: Deadline, family: str, key: str, payload: dict[str, object], now: datetime
) -> list[str]:
    """Queue a notice to the secretariat (channel, else its members); returns the dedupe keys queued."""
    keys = []
    for target in deadlines.secretariat_recipients(session, deadline.covenant_id):
        dedupe_key = f"{family}:{key}:{target}"
        if reminders.insert_once(
            session,
            dedupe_key=dedupe_key,
            deadline_id=deadline.id,
            covenant_id=deadline.covenant_id,
            rule=family,
            recipient=target,
            planned_for=now,
            payload=payload,
            created_at=now,
        ):
            keys.append(dedupe_key)
    return keys


def mark_done(session: Session, deadline_id: object, viewer: Viewer, now: datetime, today: date) -> ActionOutcome:
    """A recipient (or the secretariat) says it is done; for a plan the secretariat is asked to confirm."""
    deadline = authorised.deadline(session, viewer, deadline_id)
    lang = viewer.language
    secretariat = viewer.is_secretariat(deadline.covenant_id)
    if not secretariat and not deadlines.may_act_on(session, deadline, viewer.slack_user_id):
        return ActionOutcome(note=t(lang, "reminder.not_yours"))
    if deadline.status != DeadlineStatus.OPEN:
        return ActionOutcome(note=t(lang, "reminder.already_done"))
    when = date_token(today, deadline.covenant.timezone, lang)
    plan = plans.plan_of_deadline(session, deadline.id) if deadline.kind == DeadlineKind.ACTION_PLAN else None
    if plan is not None:
        if not plans.mark_submitted(session, plan, today, now, viewer.slack_user_id, confirmed=secretariat):
            # Recorded a moment ago by someone else (the write is conditional): say so, send nothing.
            by = plans.submitted_by(session, plan)
            return ActionOutcome(note=render_plans.already_submitted(plan, by, lang))
        keys = (
            []
            if secretariat
            else _notify_secretariat(
                session,
                deadline,
                "submitted",
                f"{deadline.id}:{today.isoformat()}",
                {"by": viewer.slack_user_id, "on": today.isoformat()},
                now,
            )
        )
        session.commit()
        return ActionOutcome(
            replace_with=f":white_check_mark: {_what(deadline, lang)} — " + t(lang, "reminder.done_plan", date=when),
            notices=keys,
        )
    if not deadlines.close(session, deadline, DeadlineStatus.DONE, now, viewer.slack_user_id):
        return ActionOutcome(note=t(lang, "reminder.already_done"))
    session.commit()
    return ActionOutcome(
        replace_with=f":white_check_mark: {_what(deadline, lang)} — " + t(lang, "reminder.done_other", date=when)
    )


def snooze(session: Session, deadline_id: object, days: int, viewer: Viewer, now: datetime) -> ActionOutcome:
    """Hold the reminders for 1 or 3 days (never past the due date)."""
    deadline = authorised.deadline(session, viewer, deadline_id)
    lang = viewer.language
    if not deadlines.may_act_on(session, deadline, viewer.slack_user_id):
        return ActionOutcome(note=t(lang, "reminder.not_yours"))
    try:
        until = deadlines.snooze(session, deadline, days, now, viewer.slack_user_id)
    except UsageError as error:
        return ActionOutcome(note=t(lang, error.key, **error.values))
    session.commit()
    return ActionOutcome(note=t(lang, "reminder.snoozed", when=datetime_token(until, viewer.timezone, lang)))


def not_for_me(session: Session, deadline_id: object, viewer: Viewer, now: datetime) -> ActionOutcome:
    """Stop reminding this person and tell the secretariat who asked."""
    deadline = authorised.deadline(session, viewer, deadline_id)
    lang = viewer.language
    if not deadlines.opt_out(session, deadline, viewer.slack_user_id, now):
        return ActionOutcome(note=t(lang, "reminder.not_for_me_again"))
    keys = _notify_secretariat(
        session, deadline, "forwarded", f"{deadline.id}:{viewer.slack_user_id}", {"by": viewer.slack_user_id}, now
    )
    session.commit()
    return ActionOutcome(
        replace_with=f":leftwards_arrow_with_hook: {_what(deadline, lang)} — " + t(lang, "reminder.not_for_me_done"),
        notices=keys,
    )


def _receipt(
    session: Session,
    deadline_id: object,
    viewer: Viewer,
    now: datetime,
    change: Callable[[Session, ActionPlan, datetime, str], bool],
    outcome: str,
) -> ActionOutcome:
    """The secretariat's answer to "marked submitted": ``change`` the plan, or say nothing changed."""
    deadline = authorised.deadline(session, viewer, deadline_id)
    lang = viewer.language
    if not viewer.is_secretariat(deadline.covenant_id):
        return ActionOutcome(note=t(lang, "reminder.secretariat_only"))
    plan = plans.plan_of_deadline(session, deadline.id)
    if plan is None or not change(session, plan, now, viewer.slack_user_id):
        return ActionOutcome(note=t(lang, "reminder.already_confirmed"))
    session.commit()
    return ActionOutcome(replace_with=t(lang, outcome, who=f"<@{viewer.slack_user_id}>", what=_what(deadline, lang)))


def confirm_received(session: Session, deadline_id: object, viewer: Viewer, now: datetime) -> ActionOutcome:
    """The secretariat confirms it has the plan."""
    return _receipt(session, deadline_id, viewer, now, plans.confirm_received, "reminder.confirmed")


def not_received(session: Session, deadline_id: object, viewer: Viewer, now: datetime) -> ActionOutcome:
    """The secretariat has not received the plan: open again, reminders resume."""
    return _receipt(session, deadline_id, viewer, now, plans.not_received, "reminder.reopened")


def local_today(viewer: Viewer, now: datetime) -> date:
    """Today in the viewer's own time zone."""
    return now.astimezone(ZoneInfo(viewer.timezone)).date()
