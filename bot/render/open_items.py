"""Block Kit for one person's own lists: what is waiting for them, next week, and a group's last decisions."""

from __future__ import annotations

from bot.db.models import Deadline, Minutes, WorkingGroup
from bot.i18n import t, tn
from bot.render.blocks import Block, Reply, clip, context, escape, header, lines_to_sections, section
from bot.render.time import date_token, datetime_token
from bot.services.meetings.occurrences import Occurrence
from bot.services.people.open_items import OpenItems, Week

TEXT_CHARS = 200
DECISIONS_SHOWN = 30


def _deadline_line(deadline: Deadline, today_overdue: bool, lang: str) -> str:
    due = date_token(deadline.due_on, deadline.covenant.timezone, lang)
    title = escape(clip(deadline.title, TEXT_CHARS))
    line = f"• {title} — {t(lang, 'mine.due', date=due)} · `{deadline.covenant.slug}`"
    return line + (f" · *{t(lang, 'mine.overdue')}*" if today_overdue else "")


def _meeting_line(occurrence: Occurrence, lang: str) -> str:
    meeting = occurrence.meeting
    when = datetime_token(occurrence.starts_at, meeting.timezone, lang)
    return f"• *{escape(clip(meeting.title, TEXT_CHARS))}* — {when}"


def open_items(items: OpenItems, lang: str) -> Reply:
    """The viewer's open deadlines, action items from minutes and unanswered invitations."""
    title = t(lang, "mine.title")
    blocks: list[Block] = [header(title)]
    if items.empty:
        blocks.append(section(t(lang, "mine.nothing")))
        return Reply(text=f"{title}: {t(lang, 'mine.nothing')}", blocks=blocks)
    counts = []
    if items.deadlines:
        lines = [f"*{t(lang, 'mine.deadlines')}*"]
        lines += [_deadline_line(d, d.due_on < items.today, lang) for d in items.deadlines]
        blocks += lines_to_sections(lines, budget=8)
        counts.append(tn(lang, "mine.count_deadlines", len(items.deadlines)))
    if items.actions:
        lines = [f"*{t(lang, 'mine.actions')}*"]
        for action in items.actions:
            line = f"• {escape(clip(action.item.task, TEXT_CHARS))} — _{escape(clip(action.meeting.group.name, 80))}_"
            if action.item.due_on is not None:
                due = date_token(action.item.due_on, action.meeting.timezone, lang)
                line += f" · {t(lang, 'mine.due', date=due)}"
                if action.item.due_on < items.today:
                    line += f" · *{t(lang, 'mine.overdue')}*"
            lines.append(line)
        blocks += lines_to_sections(lines, budget=8)
        counts.append(tn(lang, "mine.count_actions", len(items.actions)))
    if items.rsvps:
        lines = [f"*{t(lang, 'mine.rsvps')}*"] + [_meeting_line(o, lang) for o in items.rsvps]
        blocks += lines_to_sections(lines, budget=8)
        counts.append(tn(lang, "mine.count_rsvps", len(items.rsvps)))
    blocks.append(context(t(lang, "mine.hint")))
    return Reply(text=f"{title}: " + ", ".join(counts), blocks=blocks)


def next_week(week: Week, tz: str, lang: str) -> Reply:
    """The meetings and the viewer's deadlines of next week."""
    title = t(lang, "week.title", first=date_token(week.first_day, tz, lang), last=date_token(week.last_day, tz, lang))
    blocks: list[Block] = [header(t(lang, "week.header"))]
    lines = [title]
    if week.meetings:
        lines += [f"*{t(lang, 'week.meetings')}*"] + [_meeting_line(o, lang) for o in week.meetings]
    if week.deadlines:
        lines += [f"*{t(lang, 'mine.deadlines')}*"] + [_deadline_line(d, False, lang) for d in week.deadlines]
    if not week.meetings and not week.deadlines:
        lines.append(t(lang, "week.nothing"))
    blocks += lines_to_sections(lines, budget=12)
    return Reply(text=t(lang, "week.header"), blocks=blocks)


def decisions(group: WorkingGroup, minutes: Minutes | None, lang: str) -> Reply:
    """The decisions in a group's last approved minutes."""
    title = t(lang, "decided.title", group=group.name)
    blocks: list[Block] = [header(clip(title, 150))]
    if minutes is None:
        blocks.append(section(t(lang, "decided.no_minutes", group=escape(group.name))))
        return Reply(text=title, blocks=blocks)
    when = datetime_token(minutes.occurrence_start, minutes.meeting.timezone, lang)
    lines = [t(lang, "decided.of", meeting=escape(minutes.meeting.title), date=when)]
    shown = minutes.decisions[:DECISIONS_SHOWN]
    lines += [f"• {escape(clip(' '.join(d.text.split()), 500))}" for d in shown] or [t(lang, "decided.none")]
    if len(minutes.decisions) > DECISIONS_SHOWN:
        lines.append(t(lang, "common_nav.more", count=len(minutes.decisions) - DECISIONS_SHOWN))
    blocks += lines_to_sections(lines, budget=20)
    return Reply(text=title, blocks=blocks)
