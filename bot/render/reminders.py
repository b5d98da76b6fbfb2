"""Reminder messages: a deadline coming up or overdue, escalations and notices for the secretariat."""

from __future__ import annotations

from datetime import date

from bot.db.enums import DeadlineKind
from bot.db.models import Deadline
from bot.i18n import t, tn
from bot.render.blocks import Reply, actions, button, context, escape, section
from bot.render.deadline_titles import commitment_number, deadline_title
from bot.render.time import date_token, plain_date

ACTION_DONE = "reminder_done"
ACTION_SNOOZE = "reminder_snooze"
ACTION_NOT_FOR_ME = "reminder_not_for_me"
ACTION_CONFIRM = "plan_confirm_received"
ACTION_NOT_RECEIVED = "plan_not_received"


def _what(deadline: Deadline, lang: str) -> str:
    company = f" — *{escape(deadline.organisation.name)}*" if deadline.organisation else ""
    return f"*{escape(deadline_title(deadline, lang))}*{company} ({escape(deadline.covenant.name(lang))})"


def _when(deadline: Deadline, today: date, lang: str) -> str:
    due = date_token(deadline.due_on, deadline.covenant.timezone, lang)
    days = (deadline.due_on - today).days
    if days == 0:
        return t(lang, "reminder.due_today", date=due)
    if days > 0:
        return tn(lang, "reminder.due_in", days, date=due)
    return tn(lang, "reminder.overdue", -days, date=due)


def deadline_reminder(deadline: Deadline, rule: str, today: date, lang: str) -> Reply:
    """The DM a company contact (or action-item owner) gets: what, when, what to do, and buttons."""
    what, when = _what(deadline, lang), _when(deadline, today, lang)
    is_plan = deadline.kind == DeadlineKind.ACTION_PLAN
    todo = t(lang, "reminder.todo_plan" if is_plan else "reminder.todo_other")
    if (number := commitment_number(deadline)) is not None and deadline.organisation is not None:
        organisation = escape(deadline.organisation.name)
        todo = t(lang, "charter.todo_update", slug=deadline.covenant.slug, organisation=organisation, number=number)
    elif deadline.kind == DeadlineKind.MILESTONE:
        todo = t(lang, "cohort.reminder_todo")
    value = str(deadline.id)
    # A charter's update request is done by recording the progress (the command in ``todo``), never by a button
    # that would close it with nothing recorded.
    buttons = (
        []
        if deadline.kind == DeadlineKind.COMMITMENT_UPDATE
        else [
            button(
                t(lang, "reminder.mark_submitted" if is_plan else "reminder.mark_done"), ACTION_DONE, value, "primary"
            )
        ]
    )
    if deadline.due_on > today:
        buttons += [
            button(t(lang, "reminder.snooze_1"), f"{ACTION_SNOOZE}_1", f"{value}:1"),
            button(t(lang, "reminder.snooze_3"), f"{ACTION_SNOOZE}_3", f"{value}:3"),
        ]
    buttons.append(button(t(lang, "reminder.not_for_me"), ACTION_NOT_FOR_ME, value))
    headline = f":bell: {what}\n{when}"
    title = deadline_title(deadline, lang)
    return Reply(
        text=f"{t(lang, 'reminder.fallback', title=title)} — {plain_date(deadline.due_on, lang)}",
        blocks=[section(headline), section(todo), actions(*buttons, block_id=f"reminder:{deadline.id}")],
    )


def escalation(deadline: Deadline, contacts: list[str], today: date, lang: str) -> Reply:
    """For the secretariat channel: a deadline is overdue past the escalation threshold. ``contacts`` are Slack
    ids (shown as mentions) or, for people reached by email, their names."""
    shown = [f"<@{c}>" if c.startswith(("U", "W")) else escape(c) for c in contacts]
    who = ", ".join(shown) if contacts else t(lang, "reminder.no_contact_short")
    text = t(lang, "reminder.escalation", what=_what(deadline, lang), when=_when(deadline, today, lang))
    return Reply(
        text=t(lang, "reminder.escalation_fallback", title=deadline_title(deadline, lang)),
        blocks=[section(f":rotating_light: {text}"), context(t(lang, "reminder.contacts", who=who))],
    )


def no_contact(deadline: Deadline, lang: str) -> Reply:
    """For the secretariat channel, once per deadline: a company has nobody to remind."""
    company = deadline.organisation.name if deadline.organisation else "?"
    text = t(
        lang,
        "reminder.nocontact",
        company=escape(company),
        what=_what(deadline, lang),
        date=date_token(deadline.due_on, deadline.covenant.timezone, lang),
    )
    return Reply(text=t(lang, "reminder.nocontact_fallback", company=company), blocks=[section(f":warning: {text}")])


def delivery_failed(title: str, who: str, error: str, lang: str) -> Reply:
    """For the secretariat channel: a reminder could not be delivered (a permanent Slack or SMTP error);
    ``who`` is the recipient as mrkdwn (:func:`bot.render.mail_notices.recipient_label`)."""
    text = t(lang, "reminder.failed", title=escape(title), who=who, error=escape(error))
    return Reply(text=t(lang, "reminder.failed_fallback", title=title), blocks=[section(f":x: {text}")])


def submitted_notice(deadline: Deadline, by: str, on: date, lang: str) -> Reply:
    """For the secretariat: a contact marked a plan submitted; confirm or say it was not received. ``by`` is a
    Slack id, or the mrkdwn naming someone who did it from an email (``mail_notices.recipient_label``)."""
    text = t(
        lang,
        "reminder.submitted_notice",
        who=_who(by),
        what=_what(deadline, lang),
        date=date_token(on, deadline.covenant.timezone, lang),
    )
    value = str(deadline.id)
    return Reply(
        text=t(lang, "reminder.submitted_fallback", title=deadline_title(deadline, lang)),
        blocks=[
            section(f":inbox_tray: {text}"),
            actions(
                button(t(lang, "reminder.confirm_received"), ACTION_CONFIRM, value, "primary"),
                button(t(lang, "reminder.not_received"), ACTION_NOT_RECEIVED, value),
                block_id=f"submitted:{deadline.id}",
            ),
        ],
    )


def _who(by: str) -> str:
    """A Slack id as a mention; anything else (a name written out for someone without Slack) as it is."""
    return f"<@{by}>" if by.startswith(("U", "W")) and by.isalnum() else by


def forwarded_notice(deadline: Deadline, by: str, lang: str) -> Reply:
    """For the secretariat: someone said a reminder is not for them."""
    text = t(lang, "reminder.forwarded", who=_who(by), what=_what(deadline, lang))
    return Reply(
        text=t(lang, "reminder.forwarded_fallback", title=deadline_title(deadline, lang)),
        blocks=[section(f":leftwards_arrow_with_hook: {text}")],
    )


def outcome_line(text: str) -> Reply:
    """A one-line replacement for a reminder once acted on (buttons removed)."""
    return Reply(text=text, blocks=[section(text)])
