"""Minutes as a Markdown file (``/minutes export``): the whole text, names instead of Slack ids, plain times."""

from __future__ import annotations

import re
from datetime import datetime

from bot.db.models import Minutes
from bot.i18n import t
from bot.parsing.text import normalise
from bot.render.minutes import status_name
from bot.render.time import plain_date, plain_datetime


def filename(minutes: Minutes, start: datetime) -> str:
    """``minutes-<meeting>-<date>-v<version>.md``: a name that sorts by meeting and date."""
    slug = re.sub(r"[^a-z0-9]+", "-", normalise(minutes.meeting.title)).strip("-")[:60] or "meeting"
    return f"minutes-{slug}-{start.date().isoformat()}-v{minutes.version}.md"


def _indent(text: str) -> str:
    return text.strip().replace("\n", "\n  ")


def markdown(minutes: Minutes, start: datetime, earlier: list[Minutes], names: dict[str, str], lang: str) -> str:
    """The minutes as Markdown, in ``lang``."""
    meeting, tz = minutes.meeting, minutes.meeting.timezone

    def name(slack_id: str | None) -> str:
        return names.get(slack_id or "", slack_id or t(lang, "minutes.nobody"))

    out = [f"# {t(lang, 'minutes.show.title', meeting=meeting.title)}", ""]
    out.append(f"- **{t(lang, 'minutes.export.group')}:** {meeting.group.name} ({meeting.group.covenant.name(lang)})")
    out.append(f"- **{t(lang, 'minutes.export.meeting')}:** {plain_datetime(start, tz, lang)}")
    out.append(f"- **{t(lang, 'minutes.export.status')}:** {status_name(minutes, lang)}")
    if minutes.approved_by and minutes.approved_at:
        out.append(
            f"- **{t(lang, 'minutes.export.approved')}:** {name(minutes.approved_by)}, "
            f"{plain_datetime(minutes.approved_at, tz, lang)}"
        )
    taker = minutes.taker.name if minutes.taker else t(lang, "minutes.nobody")
    out += [f"- **{t(lang, 'minutes.export.taker')}:** {taker}", ""]
    if minutes.attendees:
        out += [f"## {t(lang, 'minutes.attendees')}", "", minutes.attendees.strip(), ""]
    if minutes.summary:
        out += [f"## {t(lang, 'minutes.summary')}", "", minutes.summary.strip(), ""]
    if minutes.decisions:
        out += [f"## {t(lang, 'minutes.decisions')}", ""]
        out += [f"{i}. {_indent(d.text)}" for i, d in enumerate(minutes.decisions, 1)] + [""]
    if minutes.action_items:
        out += [f"## {t(lang, 'minutes.action_items')}", ""]
        for item in minutes.action_items:
            due = f" — {t(lang, 'minutes.export.due', date=plain_date(item.due_on, lang))}" if item.due_on else ""
            out.append(f"- **{name(item.owner_slack_id)}** — {_indent(item.task)}{due}")
        out.append("")
    standing = [c for c in minutes.contributions if not c.deleted]
    if standing:
        out += [f"## {t(lang, 'minutes.contributions', count=len(standing))}", ""]
        for c in standing:
            link = f" ([{t(lang, 'minutes.link')}]({c.permalink}))" if c.permalink else ""
            out.append(f"- **{name(c.author_slack_id)}**{link}: {_indent(c.text)}")
        out.append("")
    if earlier:
        out += [f"## {t(lang, 'minutes.export.versions')}", ""]
        for old in earlier:
            approved = (
                f", {t(lang, 'minutes.export.approved').lower()} {name(old.approved_by)} "
                f"{plain_datetime(old.approved_at, tz, lang)}"
                if old.approved_by and old.approved_at
                else ""
            )
            out.append(f"- v{old.version}: {t(lang, f'minutes.status.{old.status.value}')}{approved}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
