"""Notices in a working group's channel when a meeting is scheduled, moved, cancelled or gets a new agenda."""

from __future__ import annotations

from datetime import datetime

from bot.db.models import Meeting
from bot.i18n import t
from bot.render.blocks import Block, Reply, context, escape, section
from bot.render.meetings import group_name, repeat_text, when
from bot.render.time import datetime_token
from bot.services.meetings.occurrences import Occurrence

ICONS = {"scheduled": ":calendar:", "moved": ":arrows_counterclockwise:", "cancelled": ":x:", "ended": ":x:"}


def _by(actor: object, lang: str) -> str:
    return t(lang, "meeting.notice.by", who=f"<@{actor}>") if actor else ""


def notice(
    change: str, meeting: Meeting, occurrence: Occurrence | None, payload: dict[str, object], lang: str
) -> Reply:
    """The channel's notice of ``change`` (scheduled / moved / cancelled / ended / agenda)."""
    tz = meeting.timezone
    title = f"*{escape(meeting.title)}*"
    starts = occurrence.starts_at if occurrence else meeting.starts_at
    ends = occurrence.ends_at if occurrence else meeting.ends_at
    blocks: list[Block] = []
    if change == "scheduled":
        lines = [t(lang, "meeting.notice.scheduled", title=title, when=when(starts, ends, tz, lang))]
        repeat = repeat_text(meeting, lang)
        if repeat:
            lines.append(f":repeat: {repeat}")
        if meeting.location:
            lines.append(f":round_pushpin: {escape(meeting.location)}")
        if meeting.video_url:
            lines.append(f":link: <{meeting.video_url}|{t(lang, 'meeting.join')}>")
        blocks.append(section(f"{ICONS[change]} " + "\n".join(lines)))
        if meeting.agenda:
            blocks.append(section(f"*{t(lang, 'meeting.agenda')}*\n{escape(meeting.agenda)[:2500]}"))
        footer = t(lang, "meeting.notice.subscribe", group=escape(group_name(meeting.group, lang)))
    elif change == "moved":
        old = datetime.fromisoformat(str(payload["from"]))
        new = datetime.fromisoformat(str(payload["to"]))
        key = "meeting.notice.series_moved" if payload.get("series") else "meeting.notice.moved"
        text = t(
            lang,
            key,
            title=title,
            old=datetime_token(old, tz, lang),
            new=when(new, new + (ends - starts), tz, lang),
        )
        blocks.append(section(f"{ICONS[change]} {text}"))
        footer = t(lang, "meeting.notice.answer_again")
    elif change in ("cancelled", "ended"):
        if change == "ended":
            last = datetime_token(meeting.series_until or meeting.starts_at, tz, lang)
            text = t(lang, "meeting.notice.ended", title=title, last=last)
        elif occurrence is not None:
            text = t(lang, "meeting.notice.occurrence_cancelled", title=title, when=datetime_token(starts, tz, lang))
        elif meeting.rrule:
            text = t(lang, "meeting.notice.series_cancelled", title=title)
        else:
            text = t(lang, "meeting.notice.cancelled", title=title, when=datetime_token(starts, tz, lang))
        if payload.get("reason"):
            text += "\n" + t(lang, "meeting.notice.reason", reason=escape(str(payload["reason"])))
        blocks.append(section(f"{ICONS[change]} {text}"))
        footer = ""
    else:
        agenda = occurrence.agenda if occurrence else meeting.agenda
        text = t(lang, "meeting.notice.agenda", title=title, when=datetime_token(starts, tz, lang))
        blocks.append(section(f":memo: {text}\n{escape(agenda or '')[:2500]}"))
        footer = ""
    extras = [part for part in (_by(payload.get("actor"), lang), footer) if part]
    if extras:
        blocks.append(context(*extras))
    fallback = t(lang, f"meeting.notice.fallback_{change}", title=meeting.title)
    return Reply(text=fallback, blocks=blocks)
