"""Block Kit for meetings: what is coming, one meeting in full, reminders with RSVP buttons, channel notices."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.db.enums import RsvpAnswer
from bot.db.models import Meeting, WorkingGroup
from bot.i18n import t
from bot.render.blocks import (
    Block,
    Reply,
    actions,
    button,
    context,
    escape,
    header,
    lines_to_sections,
    section,
)
from bot.render.time import date_token, datetime_token, time_token
from bot.services.meetings.meetings import HolidaySitting
from bot.services.meetings.occurrences import Occurrence
from bot.services.meetings.recurrence import WEEKDAY_CODES
from bot.services.meetings.rsvps import Tally

ACTION_RSVP = "meeting_rsvp"  # + "_yes" / "_no" / "_maybe"
ACTION_WHO = "meeting_rsvp_who"
ACTION_SCHEDULE_ANYWAY = "meeting_schedule_anyway"
ACTION_SKIP_HOLIDAYS = "meeting_skip_holidays"
AGENDA_LIMIT = 2500


def group_name(group: WorkingGroup, lang: str) -> str:
    """The group's name in the reader's language (the Dutch name when it has no English one)."""
    return group.name_en if lang == "en" and group.name_en else group.name


def occurrence_ref(occurrence: Occurrence) -> str:
    """What to type to name this occurrence: ``12`` for a one-off meeting, ``12@2027-03-15`` in a series."""
    meeting = occurrence.meeting
    if not meeting.rrule:
        return str(meeting.id)
    day = occurrence.starts_at.astimezone(ZoneInfo(meeting.timezone)).date()
    return f"{meeting.id}@{day.isoformat()}"


def when(starts_at: datetime, ends_at: datetime, tz: str, lang: str) -> str:
    """``<date time>–<time>`` as Slack date tokens."""
    return f"{datetime_token(starts_at, tz, lang)}–{time_token(ends_at, tz, lang)}"


def repeat_text(meeting: Meeting, lang: str) -> str | None:
    """How a series repeats, in words where we have them (else the RRULE itself)."""
    rule = meeting.rrule
    if not rule:
        return None
    fields = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    extra = set(fields) - {"FREQ", "INTERVAL", "BYDAY"}
    interval = fields.get("INTERVAL", "1")
    if not extra and fields.get("FREQ") == "WEEKLY" and "BYDAY" not in fields and interval in ("1", "2"):
        return t(lang, "meeting.repeat.weekly" if interval == "1" else "meeting.repeat.biweekly")
    if not extra and fields.get("FREQ") == "MONTHLY" and interval == "1" and "BYDAY" in fields:
        code = fields["BYDAY"]
        nth, day = code[:-2], code[-2:]
        if day in WEEKDAY_CODES and nth in ("1", "2", "3", "4", "-1"):
            return t(
                lang,
                "meeting.repeat.monthly",
                nth=t(lang, f"meeting.nth.{nth.replace('-', 'last')}"),
                day=t(lang, f"meeting.day.{day.lower()}"),
            )
    if not extra and fields.get("FREQ") == "MONTHLY" and "BYDAY" not in fields and interval == "1":
        return t(lang, "meeting.repeat.monthly_date")
    return t(lang, "meeting.repeat.custom", rule=rule)


def _where(meeting: Meeting, lang: str) -> list[str]:
    parts = []
    if meeting.location:
        parts.append(f":round_pushpin: {escape(meeting.location)}")
    if meeting.video_url:
        parts.append(f":link: <{meeting.video_url}|{t(lang, 'meeting.join')}>")
    return parts


def _agenda(agenda: str | None, lang: str) -> str:
    if not agenda:
        return f"*{t(lang, 'meeting.agenda')}*\n_{t(lang, 'meeting.no_agenda')}_"
    text = escape(agenda.strip())
    if len(text) > AGENDA_LIMIT:
        text = text[: AGENDA_LIMIT - 1] + "…"
    return f"*{t(lang, 'meeting.agenda')}*\n{text}"


def tally_line(tally: Tally, lang: str) -> str:
    """``✅ 3 attending · ❌ 1 not attending · ❔ 2 maybe``."""
    return t(lang, "rsvp.tally", yes=tally.yes, no=tally.no, maybe=tally.maybe)


def _rsvp_buttons(occurrence: Occurrence, lang: str) -> Block:
    value = f"{occurrence.meeting.id}|{occurrence.recurrence_id.isoformat()}"
    return actions(
        button(t(lang, "rsvp.yes"), f"{ACTION_RSVP}_yes", value, "primary"),
        button(t(lang, "rsvp.no"), f"{ACTION_RSVP}_no", value),
        button(t(lang, "rsvp.maybe"), f"{ACTION_RSVP}_maybe", value),
        button(t(lang, "rsvp.who"), ACTION_WHO, value),
        block_id=f"rsvp:{occurrence.meeting.id}",
    )


def _title_line(occurrence: Occurrence, lang: str) -> str:
    meeting = occurrence.meeting
    line = f"*{escape(meeting.title)}* — {when(occurrence.starts_at, occurrence.ends_at, meeting.timezone, lang)}"
    group = group_name(meeting.group, lang)
    return line if meeting.title in (group, meeting.group.name) else f"{line}\n{escape(group)}"


def reminder(occurrence: Occurrence, soon: bool, tally: Tally, lang: str) -> Reply:
    """A meeting reminder in the group's channel: the day before with the agenda, or just before with the link;
    Attend / Not attending / Maybe buttons and the counts so far."""
    meeting = occurrence.meeting
    if soon:
        lead = t(lang, "meeting.reminder.soon")
        icon = ":alarm_clock:"
    else:
        lead = t(lang, "meeting.reminder.day_before")
        icon = ":calendar:"
    blocks: list[Block] = [section(f"{icon} {lead}\n{_title_line(occurrence, lang)}")]
    where = _where(meeting, lang)
    if where:
        blocks.append(section("   ".join(where)))
    if not soon:
        blocks.append(section(_agenda(occurrence.agenda, lang)))
    blocks += [context(tally_line(tally, lang)), _rsvp_buttons(occurrence, lang)]
    fallback = t(lang, "meeting.reminder.fallback", title=meeting.title)
    return Reply(text=fallback, blocks=blocks)


def meeting_detail(
    occurrence: Occurrence, tally: Tally, answered: dict[RsvpAnswer, list[str]] | None, lang: str
) -> Reply:
    """One occurrence in full (``/meeting next``); who answered only for the chair and the secretariat."""
    meeting = occurrence.meeting
    lines = [_title_line(occurrence, lang)]
    repeat = repeat_text(meeting, lang)
    if repeat:
        lines.append(f":repeat: {repeat}")
    lines += _where(meeting, lang)
    if meeting.minute_taker is not None:
        lines.append(t(lang, "meeting.minute_taker", name=escape(meeting.minute_taker.name)))
    blocks: list[Block] = [
        header(meeting.title),
        section("\n".join(lines)),
        section(_agenda(occurrence.agenda, lang)),
        context(tally_line(tally, lang), t(lang, "meeting.ref", ref=occurrence_ref(occurrence))),
    ]
    if answered is not None:
        blocks.append(section(who_lines(answered, lang)))
    if not occurrence.cancelled:
        blocks.append(_rsvp_buttons(occurrence, lang))
    return Reply(text=t(lang, "meeting.reminder.fallback", title=meeting.title), blocks=blocks)


def who_lines(answered: dict[RsvpAnswer, list[str]], lang: str) -> str:
    """Who answered what, as mentions."""
    lines = []
    for answer in RsvpAnswer:
        people = answered.get(answer, [])
        names = ", ".join(f"<@{user}>" for user in people[:60]) or "—"
        if len(people) > 60:
            names += f" +{len(people) - 60}"
        lines.append(f"*{t(lang, f'rsvp.{answer.value}')}* ({len(people)}): {names}")
    return "\n".join(lines)


def who_answered(occurrence: Occurrence, answered: dict[RsvpAnswer, list[str]], lang: str) -> Reply:
    """For the chair and the secretariat: the names behind the counts."""
    title = t(lang, "rsvp.who_title", title=escape(occurrence.meeting.title))
    when_text = datetime_token(occurrence.starts_at, occurrence.meeting.timezone, lang)
    return Reply(text=title, blocks=[section(f"{title} — {when_text}\n{who_lines(answered, lang)}")])


def occurrence_line(occurrence: Occurrence, lang: str) -> str:
    """One line of a list: title, when, group, and the reference to type."""
    meeting = occurrence.meeting
    cancelled = f" ~{t(lang, 'meeting.cancelled_mark')}~" if occurrence.cancelled else ""
    group = group_name(meeting.group, lang)
    where = "" if meeting.title in (group, meeting.group.name) else f" · {escape(group)}"
    return (
        f"• *{escape(meeting.title)}*{cancelled} — {datetime_token(occurrence.starts_at, meeting.timezone, lang)}"
        f"{where} · `{occurrence_ref(occurrence)}`"
    )


def meeting_list(found: list[Occurrence], title: str, lang: str) -> Reply:
    """The coming meetings, one line each."""
    if not found:
        text = t(lang, "meeting.list.empty")
        return Reply(text=text, blocks=[section(text)])
    lines = [occurrence_line(occurrence, lang) for occurrence in found]
    return Reply(
        text=title,
        blocks=[header(title), *lines_to_sections(lines, 40), context(t(lang, "meeting.list.hint"))],
    )


def holiday_warning(holiday: str, text: str, lang: str) -> Reply:
    """The meeting falls on a public holiday: say so, and offer to schedule it anyway."""
    message = t(lang, "meeting.holiday", holiday=escape(holiday))
    blocks: list[Block] = [section(f":warning: {message}")]
    if len(text) <= 1900:
        blocks.append(
            actions(button(t(lang, "meeting.schedule_anyway"), ACTION_SCHEDULE_ANYWAY, text), block_id="holiday")
        )
    blocks.append(context(t(lang, "meeting.holiday_hint")))
    return Reply(text=message, blocks=blocks)


def confirmation(text: str) -> Reply:
    """A one-paragraph answer to the person who made a change."""
    return Reply(text=text, blocks=[section(text)])


def holiday_dates(sittings: list[HolidaySitting], lang: str) -> str:
    """``6 mei 2027 (Hemelvaartsdag), …``: the dates of sittings on a public holiday."""
    parts = []
    for sitting in sittings:
        zone = sitting.occurrence.meeting.timezone
        day = sitting.occurrence.starts_at.astimezone(ZoneInfo(zone)).date()
        parts.append(f"{date_token(day, zone, lang)} ({escape(sitting.holiday)})")
    return ", ".join(parts)


def holiday_sittings(meeting: Meeting, sittings: list[HolidaySitting], lang: str) -> list[Block]:
    """The sittings of a new series that fall on a public holiday, with *Skip these sittings* (which cancels
    exactly these: its value names each sitting by its RECURRENCE-ID)."""
    if not sittings:
        return []
    lines = [f"• {holiday_dates([sitting], lang)}" for sitting in sittings]
    blocks: list[Block] = [section(f":date: {t(lang, 'meeting.holiday_sittings')}\n" + "\n".join(lines))]
    value = f"{meeting.id}|" + ",".join(sitting.occurrence.recurrence_id.isoformat() for sitting in sittings)
    if len(value) <= 2000:
        skip = button(t(lang, "meeting.skip_holidays"), ACTION_SKIP_HOLIDAYS, value)
        blocks += [actions(skip, block_id="holidays"), context(t(lang, "meeting.skip_holidays_hint"))]
    return blocks
