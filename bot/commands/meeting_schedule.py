"""Scheduling a meeting: the one-line form (Dutch or English) and the modal's submission, both turned into
one MeetingRequest that the meetings service checks field by field."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from sqlalchemy.orm import Session

from bot.db.keys import row_id
from bot.db.models import WorkingGroup
from bot.i18n import t, tn
from bot.interaction import Ask, DirectMessage, Outcome
from bot.parsing.dates import impossible_when, parse_when
from bot.parsing.text import slack_plain
from bot.render import meetings as render
from bot.render.blocks import Reply, escape
from bot.render.meeting_modal import ACTION, COVENANT_ZONE, schedule_modal
from bot.services import locking
from bot.services.errors import UsageError
from bot.services.meetings import groups, meeting_changes, meetings
from bot.services.meetings.meetings import HolidayWarning, MeetingRequest, Scheduled, Target
from bot.services.meetings.recurrence import Repeat

# Words after the time that make it a series: "wekelijks", "every 2 weeks", "maandelijks"...
_REPEAT_PHRASES: tuple[tuple[tuple[str, ...], Repeat], ...] = (
    (("every", "2", "weeks"), Repeat.BIWEEKLY),
    (("every", "two", "weeks"), Repeat.BIWEEKLY),
    (("every", "other", "week"), Repeat.BIWEEKLY),
    (("om", "de", "week"), Repeat.BIWEEKLY),
    (("om", "de", "twee", "weken"), Repeat.BIWEEKLY),
    (("elke", "2", "weken"), Repeat.BIWEEKLY),
    (("elke", "twee", "weken"), Repeat.BIWEEKLY),
    (("tweewekelijks",), Repeat.BIWEEKLY),
    (("biweekly",), Repeat.BIWEEKLY),
    (("fortnightly",), Repeat.BIWEEKLY),
    (("every", "week"), Repeat.WEEKLY),
    (("elke", "week"), Repeat.WEEKLY),
    (("wekelijks",), Repeat.WEEKLY),
    (("weekly",), Repeat.WEEKLY),
    (("every", "month"), Repeat.MONTHLY),
    (("elke", "maand"), Repeat.MONTHLY),
    (("maandelijks",), Repeat.MONTHLY),
    (("monthly",), Repeat.MONTHLY),
)
FORCE_WORDS = ("--anyway", "--toch")
_LINK = re.compile(r"^<?(https?://[^|>\s]+)(\|[^>]*)?>?$")


def _repeat(words: list[str]) -> tuple[Repeat, list[str]]:
    lowered = [word.lower().strip(",") for word in words]
    for phrase, repeat in _REPEAT_PHRASES:
        if tuple(lowered[: len(phrase)]) == phrase:
            return repeat, words[len(phrase) :]
    return Repeat.NONE, words


def _link(words: list[str]) -> tuple[str | None, list[str]]:
    if words and (match := _LINK.match(words[0])):
        return match.group(1), words[1:]
    return None, words


def parse_line(session: Session, text: str, today: date) -> MeetingRequest:
    """``<group> <date> <time> [length|tot <time>] [weekly|...] [link] [agenda...]`` as a request.

    The group is the longest run of words before a date and time that names a group exactly, else every
    word before the first date and time; UsageError when there is no date and time (saying which part of
    an impossible one is wrong) or no group that fits.
    """
    words = [word for word in text.split() if word.lower() not in FORCE_WORDS]
    if parse_when(words, today) is not None:
        raise UsageError("meeting.schedule_usage")  # a date first: the group is missing
    splits = [(index, when) for index in range(1, len(words)) if (when := parse_when(words[index:], today))]
    if not splits:
        raise impossible_when(words) or UsageError("meeting.schedule_usage")
    # A whole group name wins ("Conf Tuesday 2027-01-12": the group is "Conf Tuesday", not "Conf" on a
    # Tuesday), the longest first; else the group is every word before the first date and time.
    exact = [
        (index, when, group)
        for index, when in splits
        if (group := groups.named_exactly(session, _group_words(words[:index]))) is not None
    ]
    if exact:
        index, when, group = exact[-1]
    else:
        index, when = splits[0]
        group = groups.resolve(session, _group_words(words[:index]))
    repeat, rest = _repeat(words[index + when.used :])
    video_url, rest = _link(rest)
    return MeetingRequest(
        group=group,
        day=when.day,
        start=when.start,
        end=when.end,
        duration=when.duration,
        repeat=repeat,
        video_url=video_url,
        agenda=slack_plain(" ".join(rest)) or None,
    )


def _group_words(words: list[str]) -> str:
    return slack_plain(" ".join(words)).strip("\"'“”‘’")


def confirmation(scheduled: Scheduled, lang: str) -> Reply:
    """What the person who scheduled the meeting reads."""
    meeting = scheduled.meeting
    channel = meeting.group.channel_id
    lines = [
        t(
            lang,
            "meeting.scheduled",
            title=f"*{escape(meeting.title)}*",
            when=render.when(meeting.starts_at, meeting.ends_at, meeting.timezone, lang),
            ref=meeting.id,
        )
    ]
    repeat = render.repeat_text(meeting, lang)
    if repeat:
        lines.append(f":repeat: {repeat}")
    if scheduled.duplicate:
        lines.append(t(lang, "race.meeting_duplicate", ref=meeting.id))
    else:
        told = t(lang, "meeting.told_channel", channel=f"<#{channel}>") if channel else t(lang, "meeting.no_channel")
        lines.append(told)
    reply = render.confirmation("\n".join(lines))
    # Every sitting of a series is checked, not only the first (which the holiday warning covered).
    reply.blocks += render.holiday_sittings(meeting, meetings.holiday_sittings(meeting, lang), lang)
    return reply


def schedule_line(ask: Ask, text: str, force: bool = False) -> Outcome:
    """``/meeting schedule <group> <date> <time> ...``: schedule it, or say why not (a holiday is a warning).

    The group's channel is told at once (the notice is owed, so a failure is retried by the next sweep).
    """
    request = parse_line(ask.session, text, ask.today)
    request.allow_holiday = force or any(word.lower() in FORCE_WORDS for word in text.split())
    try:
        scheduled = meetings.schedule(ask.session, request, ask.viewer, ask.now)
    except HolidayWarning as warning:
        ask.session.rollback()
        return Outcome.of(render.holiday_warning(str(warning.values["holiday"]), text, ask.lang))
    ask.session.commit()
    return Outcome(reply=confirmation(scheduled, ask.lang), deliveries=_ids(scheduled.notice_id))


def schedule_anyway(ask: Ask, value: str) -> Outcome:
    """**Schedule anyway** under a holiday warning: the line is scheduled and replaces the warning."""
    outcome = schedule_line(ask, value, force=True)
    outcome.replace = True
    return outcome


def skip_holidays(ask: Ask, value: str) -> Outcome:
    """**Skip these sittings** under a new series: cancel exactly the sittings the button names that still
    fall on a public holiday (each through the usual cancel, so the channel is told); replaces the list."""
    session, viewer, lang = ask.session, ask.viewer, ask.lang
    meeting_key, _, starts = value.partition("|")
    meeting_id = row_id(meeting_key)
    if meeting_id is None:
        raise UsageError("common.not_found")
    locking.serialise(session, "meeting", meeting_id)
    meeting = meetings.get(session, meeting_id, viewer)
    named = set(starts.split(","))
    sittings = [
        sitting
        for sitting in meetings.holiday_sittings(meeting, lang)
        if sitting.occurrence.recurrence_id.isoformat() in named and sitting.occurrence.ends_at > ask.now
    ]
    if not sittings:
        raise UsageError("meeting.nothing_to_skip")
    notices = [
        meeting_changes.cancel(session, Target(meeting, sitting.occurrence), sitting.holiday, viewer, ask.now).notice_id
        for sitting in sittings
    ]
    session.commit()
    text = tn(lang, "meeting.holidays_skipped", len(sittings), dates=render.holiday_dates(sittings, lang))
    return Outcome(reply=render.confirmation(text), replace=True, deliveries=_ids(*notices))


def _ids(*ids: int | None) -> list[int]:
    return [i for i in ids if i is not None]


# -- the modal -------------------------------------------------------------------------------------------


def modal(ask: Ask) -> dict[str, Any]:
    """The schedule modal with the groups the viewer may schedule for; UsageError when there are none."""
    allowed = groups.manageable(ask.session, ask.viewer)
    if not allowed:
        raise UsageError("meeting.no_groups")
    here = groups.by_channel(ask.session, ask.channel) if ask.channel else None
    return schedule_modal(allowed, ask.lang, here.id if here else None, ask.channel)


def field_value(values: dict[str, Any], block_id: str) -> str | None:
    """What the user entered in one field of a submitted modal (None when empty)."""
    element: dict[str, Any] = (values.get(block_id) or {}).get(ACTION) or {}
    kind = element.get("type")
    found: Any
    if kind == "static_select":
        found = (element.get("selected_option") or {}).get("value")
    elif kind == "datepicker":
        found = element.get("selected_date")
    elif kind == "timepicker":
        found = element.get("selected_time")
    elif kind == "users_select":
        found = element.get("selected_user")
    elif kind == "checkboxes":
        found = ",".join(option.get("value", "") for option in element.get("selected_options") or [])
    else:
        found = element.get("value")
    return str(found).strip() or None if found is not None else None


def request_from_modal(session: Session, values: dict[str, Any]) -> tuple[MeetingRequest, dict[str, UsageError]]:
    """The modal's fields as a request, plus the fields that could not even be read."""
    errors: dict[str, UsageError] = {}
    group_id = row_id(field_value(values, "group"))
    group = session.get(WorkingGroup, group_id) if group_id is not None else None
    day = start = end = None
    try:
        raw_day = field_value(values, "date")
        day = date.fromisoformat(raw_day) if raw_day else None
    except ValueError:
        errors["date"] = UsageError("date.invalid", text=field_value(values, "date"))
    for name in ("start", "end"):
        raw = field_value(values, name)
        try:
            parsed = time.fromisoformat(raw) if raw else None
        except ValueError:
            errors[name] = UsageError("meeting.bad_time", text=raw)
            parsed = None
        if name == "start":
            start = parsed
        else:
            end = parsed
    repeat_value = field_value(values, "repeat") or Repeat.NONE.value
    request = MeetingRequest(
        group=group,
        day=day,
        start=start,
        end=end,
        title=field_value(values, "title"),
        timezone=None if field_value(values, "timezone") == COVENANT_ZONE else field_value(values, "timezone"),
        repeat=Repeat(repeat_value) if repeat_value in Repeat._value2member_map_ else Repeat.NONE,
        custom_rule=field_value(values, "rrule"),
        location=field_value(values, "location"),
        video_url=field_value(values, "video_url"),
        agenda=field_value(values, "agenda"),
        minute_taker=field_value(values, "minute_taker"),
        allow_holiday=bool(field_value(values, "holiday_ok")),
    )
    return request, errors


def check_modal(ask: Ask, values: dict[str, Any]) -> dict[str, str]:
    """The submitted modal's problems, by block id, in the user's language (empty: it can be scheduled)."""
    lang = ask.lang
    request, unreadable = request_from_modal(ask.session, values)
    checked = meetings.check(ask.session, request, ask.viewer, ask.now)
    problems = {**checked.errors, **unreadable}
    errors = {name: t(lang, error.key, **error.values) for name, error in problems.items()}
    if checked.holiday and "date" not in errors:
        errors["date"] = t(lang, "meeting.holiday", holiday=checked.holiday) + " " + t(lang, "modal.holiday_tick")
    return errors


def submit_modal(ask: Ask, values: dict[str, Any]) -> Outcome:
    """Schedule what the modal holds, confirmed by DM; commits. Nothing when :func:`check_modal` finds a problem
    (the form's ack showed it on its field)."""
    if check_modal(ask, values):
        return Outcome()
    request, _ = request_from_modal(ask.session, values)
    request.allow_holiday = True  # check_modal warned already, and the box was ticked
    scheduled = meetings.schedule(ask.session, request, ask.viewer, ask.now)
    ask.session.commit()
    return Outcome(
        deliveries=_ids(scheduled.notice_id),
        dms=[DirectMessage(ask.viewer.slack_user_id, confirmation(scheduled, ask.lang))],
    )
