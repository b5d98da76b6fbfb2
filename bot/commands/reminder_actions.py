"""What the buttons on reminders do: mark submitted/done, snooze, not for me, confirm receipt.

Each returns an :class:`~bot.interaction.Outcome`: the text that replaces the reminder (``replace``), or a
private note for the presser, and the secretariat's notices to send at once (``deliveries``). Buttons pressed
twice or by the wrong person change nothing and say so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.enums import DeadlineKind, DeadlineStatus
from bot.db.models import ActionPlan, Deadline
from bot.i18n import t
from bot.interaction import Ask, Outcome
from bot.render import plans as render_plans
from bot.render.blocks import Reply, escape, section
from bot.render.deadline_titles import deadline_title
from bot.render.time import date_token, datetime_token
from bot.services.cohorts import cohorts
from bot.services.errors import UsageError
from bot.services.people import authorised
from bot.services.plans import deadlines, plans, reminders

DONE, SNOOZE, NOT_FOR_ME, CONFIRM, NOT_RECEIVED = "done", "snooze", "not_for_me", "confirm", "not_received"


def _replace_with(text: str, deliveries: list[int] | None = None) -> Outcome:
    """The reminder the button was on now says ``text``."""
    return Outcome(reply=Reply(text=text, blocks=[section(text)]), replace=True, deliveries=deliveries or [])


def _note(text: str) -> Outcome:
    """A private note to the presser; the reminder stays as it is."""
    return Outcome.of(Reply(text=text))


def _what(deadline: Deadline, lang: str) -> str:
    company = f" ({escape(deadline.organisation.name)})" if deadline.organisation else ""
    return f"*{escape(deadline_title(deadline, lang))}*{company}"


def _notify_secretariat(
    session: Session, deadline: Deadline, family: str, key: str, payload: dict[str, object], now: datetime
) -> list[int]:
    """Queue a notice to the secretariat (channel, else its members); returns the deliveries queued."""
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
    return reminders.ids_of(session, keys)


def mark_done(ask: Ask, deadline_id: object) -> Outcome:
    """A recipient (or the secretariat) says it is done; for a plan the secretariat is asked to confirm."""
    session, viewer, lang, today = ask.session, ask.viewer, ask.lang, ask.today
    deadline = authorised.deadline(session, viewer, deadline_id)
    secretariat = viewer.is_secretariat(deadline.covenant_id)
    if not secretariat and not deadlines.may_act_on(session, deadline, viewer.slack_user_id):
        return _note(t(lang, "reminder.not_yours"))
    if deadline.status != DeadlineStatus.OPEN:
        return _note(t(lang, "reminder.already_done"))
    if deadline.kind == DeadlineKind.COMMITMENT_UPDATE:
        # The reminder has no such button: an update request closes when the progress itself is recorded.
        return _note(t(lang, "charter.done_by_recording"))
    when = date_token(today, deadline.covenant.timezone, lang)
    plan = plans.plan_of_deadline(session, deadline.id) if deadline.kind == DeadlineKind.ACTION_PLAN else None
    if plan is not None:
        if not plans.mark_submitted(session, plan, today, ask.now, viewer.slack_user_id, confirmed=secretariat):
            # Recorded a moment ago by someone else (the write is conditional): say so, send nothing.
            return _note(render_plans.already_submitted(plan, plans.submitted_by(session, plan), lang))
        notices = (
            []
            if secretariat
            else _notify_secretariat(
                session,
                deadline,
                "submitted",
                f"{deadline.id}:{today.isoformat()}",
                {"by": viewer.slack_user_id, "on": today.isoformat()},
                ask.now,
            )
        )
        session.commit()
        done = t(lang, "reminder.done_plan", date=when)
        return _replace_with(f":white_check_mark: {_what(deadline, lang)} — {done}", notices)
    if not deadlines.close(session, deadline, DeadlineStatus.DONE, ask.now, viewer.slack_user_id):
        return _note(t(lang, "reminder.already_done"))
    if deadline.kind == DeadlineKind.MILESTONE:
        cohorts.done_from_reminder(session, deadline, viewer.slack_user_id, today, ask.now)
    session.commit()
    return _replace_with(f":white_check_mark: {_what(deadline, lang)} — " + t(lang, "reminder.done_other", date=when))


def snooze(ask: Ask, deadline_id: object, days: int) -> Outcome:
    """Hold the reminders for 1 or 3 days (never past the due date)."""
    deadline = authorised.deadline(ask.session, ask.viewer, deadline_id)
    lang = ask.lang
    if not deadlines.may_act_on(ask.session, deadline, ask.viewer.slack_user_id):
        return _note(t(lang, "reminder.not_yours"))
    try:
        until = deadlines.snooze(ask.session, deadline, days, ask.now, ask.viewer.slack_user_id)
    except UsageError as error:
        return _note(t(lang, error.key, **error.values))
    ask.session.commit()
    return _note(t(lang, "reminder.snoozed", when=datetime_token(until, ask.viewer.timezone, lang)))


def not_for_me(ask: Ask, deadline_id: object) -> Outcome:
    """Stop reminding this person and tell the secretariat who asked."""
    session, user, lang = ask.session, ask.viewer.slack_user_id, ask.lang
    deadline = authorised.deadline(session, ask.viewer, deadline_id)
    if not deadlines.opt_out(session, deadline, user, ask.now):
        return _note(t(lang, "reminder.not_for_me_again"))
    notices = _notify_secretariat(session, deadline, "forwarded", f"{deadline.id}:{user}", {"by": user}, ask.now)
    session.commit()
    return _replace_with(
        f":leftwards_arrow_with_hook: {_what(deadline, lang)} — " + t(lang, "reminder.not_for_me_done"), notices
    )


def _receipt(
    ask: Ask, deadline_id: object, change: Callable[[Session, ActionPlan, datetime, str], bool], outcome: str
) -> Outcome:
    """The secretariat's answer to "marked submitted": ``change`` the plan, or say nothing changed."""
    deadline = authorised.deadline(ask.session, ask.viewer, deadline_id)
    lang, user = ask.lang, ask.viewer.slack_user_id
    if not ask.viewer.is_secretariat(deadline.covenant_id):
        return _note(t(lang, "reminder.secretariat_only"))
    plan = plans.plan_of_deadline(ask.session, deadline.id)
    if plan is None or not change(ask.session, plan, ask.now, user):
        return _note(t(lang, "reminder.already_confirmed"))
    ask.session.commit()
    return _replace_with(t(lang, outcome, who=f"<@{user}>", what=_what(deadline, lang)))


def confirm_received(ask: Ask, deadline_id: object) -> Outcome:
    """The secretariat confirms it has the plan."""
    return _receipt(ask, deadline_id, plans.confirm_received, "reminder.confirmed")


def not_received(ask: Ask, deadline_id: object) -> Outcome:
    """The secretariat has not received the plan: open again, reminders resume."""
    return _receipt(ask, deadline_id, plans.not_received, "reminder.reopened")


# -- the buttons' values ------------------------------------------------------------------------------------------
def _deadline_id(value: str) -> str:
    """The deadline the button names, as sent: the loader (bot.services.people.authorised) decides what it reaches."""
    return value.split(":", 1)[0]


def _snooze_days(value: str) -> int:
    """1 or 3 days, whatever a forged value says."""
    return 3 if value.partition(":")[2] == "3" else 1


BUTTONS: dict[str, Callable[[Ask, str], Outcome]] = {
    DONE: lambda ask, value: mark_done(ask, _deadline_id(value)),
    SNOOZE: lambda ask, value: snooze(ask, _deadline_id(value), _snooze_days(value)),
    NOT_FOR_ME: lambda ask, value: not_for_me(ask, _deadline_id(value)),
    CONFIRM: lambda ask, value: confirm_received(ask, _deadline_id(value)),
    NOT_RECEIVED: lambda ask, value: not_received(ask, _deadline_id(value)),
}


def press(ask: Ask, button: str, value: str) -> Outcome:
    """Answer a press of the reminder button ``button`` (one of BUTTONS) whose value is ``value``."""
    return BUTTONS[button](ask, value)
