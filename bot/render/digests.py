"""Block Kit for the digests (for the secretariat channel and for working-group channels)."""

from __future__ import annotations

from bot.i18n import t
from bot.render.blocks import Reply, context, divider, escape, header, lines_to_sections, section
from bot.render.deadline_titles import deadline_title
from bot.render.time import date_token, datetime_token
from bot.services.meetings.occurrences import Occurrence
from bot.services.plans.digests import GroupDigest, OpenAction, SecretariatDigest

LISTED = 10


def _more(count: int, lang: str) -> list[str]:
    return [t(lang, "digest.more", count=count - LISTED)] if count > LISTED else []


def _meeting_lines(items: list[Occurrence], lang: str) -> list[str]:
    lines = [
        f"• {datetime_token(o.starts_at, o.meeting.timezone, lang)} — *{escape(o.meeting.title)}*"
        for o in items[:LISTED]
    ]
    return lines + _more(len(items), lang)


def _action_lines(items: list[OpenAction], tz: str, lang: str) -> list[str]:
    """``• owner — task — due date`` (late ones marked), at most LISTED of them."""
    lines = []
    for action in items[:LISTED]:
        owner = escape(action.owner) if action.owner else t(lang, "digest.nobody")
        due = f" — {date_token(action.item.due_on, tz, lang)}" if action.item.due_on else ""
        late = f" *{t(lang, 'digest.late')}*" if action.late else ""
        lines.append(f"• {owner} — {escape(action.item.task)}{due}{late}")
    return lines + _more(len(items), lang)


def secretariat(digest: SecretariatDigest, lang: str) -> Reply:
    """The morning digest for a covenant's secretariat (confidential: company names)."""
    covenant = digest.covenant
    tz = covenant.timezone
    title = t(lang, "digest.secretariat_title", covenant=covenant.name(lang))
    blocks = [header(title), context(date_token(digest.today, tz, lang))]
    sections: list[tuple[str, list[str]]] = [
        (
            t(lang, "digest.overdue_plans", count=len(digest.overdue_plans)),
            [
                f"• *{escape(p.organisation.name)}* — {date_token(p.due_on, tz, lang)}"
                for p in digest.overdue_plans[:LISTED]
            ]
            + _more(len(digest.overdue_plans), lang),
        ),
        (
            t(lang, "digest.due_this_week", count=len(digest.due_this_week)),
            [
                f"• {escape(deadline_title(d, lang))}"
                + (f" — {escape(d.organisation.name)}" if d.organisation else "")
                + f" — {date_token(d.due_on, tz, lang)}"
                for d in digest.due_this_week[:LISTED]
            ]
            + _more(len(digest.due_this_week), lang),
        ),
        (t(lang, "digest.meetings", count=len(digest.meetings)), _meeting_lines(digest.meetings, lang)),
        (
            t(lang, "digest.awaiting_approval", count=len(digest.awaiting_approval)),
            [
                f"• {escape(m.meeting.title)} — {date_token(m.occurrence_start.date(), tz, lang)}"
                for m in digest.awaiting_approval[:LISTED]
            ]
            + _more(len(digest.awaiting_approval), lang),
        ),
        (
            t(lang, "digest.overdue_actions", count=len(digest.overdue_actions)),
            _action_lines(digest.overdue_actions, tz, lang),
        ),
    ]
    for heading, lines in sections:
        if lines:
            blocks += [divider(), section(f"*{heading}*"), *lines_to_sections(lines, 3)]
    return Reply(text=title, blocks=blocks)


def group(digest: GroupDigest, lang: str) -> Reply:
    """The weekly digest in a working group's channel (no confidential data)."""
    name = digest.group.name if lang == "nl" or not digest.group.name_en else digest.group.name_en
    title = t(lang, "digest.group_title", group=name)
    blocks = [header(title)]
    if digest.meetings:
        blocks += [
            section(f"*{t(lang, 'digest.meetings', count=len(digest.meetings))}*"),
            *lines_to_sections(_meeting_lines(digest.meetings, lang), 3),
        ]
    if digest.awaiting_approval:
        lines = [f"• {escape(m.meeting.title)}" for m in digest.awaiting_approval[:LISTED]]
        blocks += [
            section(f"*{t(lang, 'digest.awaiting_approval', count=len(digest.awaiting_approval))}*"),
            *lines_to_sections(lines, 3),
        ]
    if digest.open_actions:
        blocks += [
            section(f"*{t(lang, 'digest.open_actions', count=len(digest.open_actions))}*"),
            *lines_to_sections(_action_lines(digest.open_actions, digest.group.covenant.timezone, lang), 3),
        ]
    return Reply(text=title, blocks=blocks)
