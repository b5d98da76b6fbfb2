"""What a link in an email does: the same command its Slack button calls, and the question asked before it acts.

Each linked button (bot.services.links.LINKED_ACTIONS) names the command of its Slack button (the reminder
buttons' :func:`bot.commands.reminder_actions.press`, the RSVP buttons' :func:`bot.commands.meeting_rsvp.answer`),
so a link changes exactly what the button changes and writes the same audit row. The question is plain text
(a web page shows it, HTML-escaped), asked on ``GET`` before anything changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.commands import meeting_rsvp, reminder_actions
from bot.db.enums import DeadlineKind, RsvpAnswer
from bot.db.models import Deadline
from bot.i18n import t, tn
from bot.interaction import Ask, Outcome
from bot.render.deadline_titles import deadline_title
from bot.render.meetings import ACTION_RSVP
from bot.render.reminders import ACTION_CONFIRM, ACTION_DONE, ACTION_NOT_FOR_ME, ACTION_NOT_RECEIVED, ACTION_SNOOZE
from bot.render.time import plain_datetime
from bot.services.errors import UsageError
from bot.services.people import authorised
from bot.services.plans import plans


@dataclass(frozen=True)
class LinkedButton:
    """A button that works from an email: the question before it acts, and the act."""

    question: Callable[[Ask, str], str]
    act: Callable[[Ask, str], Outcome]


def _what(deadline: Deadline, lang: str) -> str:
    title = deadline_title(deadline, lang)
    if deadline.organisation is None:
        return t(lang, "links.what", title=title)
    return t(lang, "links.what_company", title=title, company=deadline.organisation.name)


def _deadline(ask: Ask, value: str) -> Deadline:
    """The deadline a reminder button's value names, as the button's command loads it (same refusals)."""
    return authorised.deadline(ask.session, ask.viewer, value.split(":", 1)[0])


def _ask_done(ask: Ask, value: str) -> str:
    deadline = _deadline(ask, value)
    is_plan = deadline.kind == DeadlineKind.ACTION_PLAN and plans.plan_of_deadline(ask.session, deadline.id)
    return t(ask.lang, "links.ask_done_plan" if is_plan else "links.ask_done_other", what=_what(deadline, ask.lang))


def _ask_snooze(days: int) -> Callable[[Ask, str], str]:
    def question(ask: Ask, value: str) -> str:
        return tn(ask.lang, "links.ask_snooze", days, what=_what(_deadline(ask, value), ask.lang))

    return question


def _ask_about(key: str) -> Callable[[Ask, str], str]:
    def question(ask: Ask, value: str) -> str:
        return t(ask.lang, key, what=_what(_deadline(ask, value), ask.lang))

    return question


def _reminder(button: str) -> Callable[[Ask, str], Outcome]:
    return lambda ask, value: reminder_actions.press(ask, button, value)


def _ask_rsvp(choice: RsvpAnswer) -> Callable[[Ask, str], str]:
    def question(ask: Ask, value: str) -> str:
        meeting_id, recurrence_id = meeting_rsvp.parse_value(value)
        occurrence = authorised.invitation(ask.session, ask.viewer, meeting_id, recurrence_id)
        when = plain_datetime(occurrence.starts_at, ask.viewer.timezone, ask.lang)
        answer = t(ask.lang, f"rsvp.{choice.value}")
        return t(ask.lang, "links.ask_rsvp", answer=answer, meeting=occurrence.meeting.title, when=when)

    return question


def _rsvp(choice: RsvpAnswer, channel_language: str) -> Callable[[Ask, str], Outcome]:
    # "pressed privately": the answer is a note of what was recorded (the email is no message to update); the
    # posted reminders in Slack still get their new counts (Outcome.updates).
    return lambda ask, value: meeting_rsvp.answer(ask, value, choice, channel_language, True)


def buttons(channel_language: str) -> dict[str, LinkedButton]:
    """Every button that works from an email, by action_id (``channel_language``: BOT_LANGUAGE, the language
    of the RSVP counts re-rendered in channels, as the Slack button passes it)."""
    linked = {
        ACTION_DONE: LinkedButton(_ask_done, _reminder(reminder_actions.DONE)),
        f"{ACTION_SNOOZE}_1": LinkedButton(_ask_snooze(1), _reminder(reminder_actions.SNOOZE)),
        f"{ACTION_SNOOZE}_3": LinkedButton(_ask_snooze(3), _reminder(reminder_actions.SNOOZE)),
        ACTION_NOT_FOR_ME: LinkedButton(_ask_about("links.ask_not_for_me"), _reminder(reminder_actions.NOT_FOR_ME)),
        ACTION_CONFIRM: LinkedButton(_ask_about("links.ask_confirm"), _reminder(reminder_actions.CONFIRM)),
        ACTION_NOT_RECEIVED: LinkedButton(
            _ask_about("links.ask_not_received"), _reminder(reminder_actions.NOT_RECEIVED)
        ),
    }
    for choice in RsvpAnswer:
        linked[f"{ACTION_RSVP}_{choice.value}"] = LinkedButton(_ask_rsvp(choice), _rsvp(choice, channel_language))
    return linked


def question(ask: Ask, action_id: str, value: str, channel_language: str) -> str:
    """What pressing ``action_id`` with ``value`` will do, asked of the viewer; UsageError when the button's own
    loader refuses them (a deadline not theirs, a meeting gone) or the button has no link."""
    linked = buttons(channel_language).get(action_id)
    if linked is None:
        raise UsageError("links.not_a_button")
    return linked.question(ask, value)


def act(ask: Ask, action_id: str, value: str, channel_language: str) -> Outcome:
    """Do what the Slack button ``action_id`` does with ``value``, for the viewer: the button's own command."""
    linked = buttons(channel_language).get(action_id)
    if linked is None:
        raise UsageError("links.not_a_button")
    return linked.act(ask, value)
