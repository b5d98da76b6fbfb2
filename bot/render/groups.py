"""Block Kit for groups: a covenant's groups, one group with its next meetings, and the asker's own groups."""

from __future__ import annotations

from bot.db.models import Covenant
from bot.i18n import t, tn
from bot.render.blocks import Block, Reply, clip, context, escape, fields_section, header, lines_to_sections, section
from bot.render.sections import group_name, meeting_line
from bot.render.time import datetime_token
from bot.services.meetings.groups import GroupInfo
from bot.services.meetings.occurrences import Occurrence

GROUPS_SHOWN = 60


def _chairs(info: GroupInfo) -> str:
    return ", ".join(f"<@{p.slack_user_id}>" if p.slack_user_id else escape(p.name) for p in info.chairs)


def _group_line(info: GroupInfo, lang: str, with_covenant: bool = False) -> str:
    group = info.group
    line = f"• *{escape(clip(group_name(group, lang), 120))}* ({t(lang, f'groupkind.{group.kind.value}')})"
    if with_covenant:
        line += f" · `{group.covenant.slug}`"
    details = [tn(lang, "groups.members", info.member_count)]
    if info.chairs:
        details.insert(0, t(lang, "groups.chair", names=_chairs(info)))
    if group.channel_id:
        details.append(f"<#{group.channel_id}>")
    line += "\n    " + " · ".join(details)
    if info.next_meeting is not None:
        when = datetime_token(info.next_meeting.starts_at, info.next_meeting.meeting.timezone, lang)
        line += "\n    " + t(lang, "groups.next", when=when, title=escape(clip(info.next_meeting.meeting.title, 100)))
    return line


def group_list(covenant: Covenant, infos: list[GroupInfo], lang: str) -> Reply:
    """The covenant's groups: kind, chair, size, channel and next meeting."""
    title = t(lang, "groups.title", covenant=covenant.name(lang))
    blocks: list[Block] = [header(title)]
    if not infos:
        blocks.append(section(t(lang, "groups.none")))
    else:
        blocks += lines_to_sections([_group_line(i, lang) for i in infos[:GROUPS_SHOWN]], budget=20)
        if len(infos) > GROUPS_SHOWN:
            blocks.append(context(t(lang, "common_nav.more", count=len(infos) - GROUPS_SHOWN)))
        blocks.append(context(t(lang, "groups.hint")))
    return Reply(text=title, blocks=blocks)


def group_detail(info: GroupInfo, meetings: list[Occurrence], lang: str) -> Reply:
    """One group: covenant, kind, chair, members, channel, and its next meetings (time and place only)."""
    group = info.group
    name = group_name(group, lang)
    fields = [
        f"*{t(lang, 'groups.covenant')}*\n{escape(group.covenant.name(lang))}",
        f"*{t(lang, 'groups.kind')}*\n{t(lang, f'groupkind.{group.kind.value}')}",
        f"*{t(lang, 'groups.size')}*\n{tn(lang, 'groups.members', info.member_count)}",
    ]
    if info.chairs:
        fields.append(f"*{t(lang, 'groups.chair_label')}*\n{_chairs(info)}")
    if group.channel_id:
        fields.append(f"*{t(lang, 'groups.channel')}*\n<#{group.channel_id}>")
    lines = [f"*{t(lang, 'groups.next_meetings')}*"]
    lines += [meeting_line(o, lang, with_group=False) for o in meetings] or [t(lang, "status.no_meetings")]
    blocks = [header(name), fields_section(fields), section("\n".join(lines))]
    fallback = name
    if meetings:
        fallback += ": " + tn(lang, "groups.next_plain", len(meetings))
    return Reply(text=fallback, blocks=blocks)


def my_groups(infos: list[GroupInfo], lang: str) -> Reply:
    """The groups the asker is in, with their next meetings."""
    title = t(lang, "groups.mine_title")
    blocks: list[Block] = [header(title)]
    if not infos:
        blocks.append(section(t(lang, "groups.mine_none")))
    else:
        blocks += lines_to_sections([_group_line(i, lang, with_covenant=True) for i in infos[:GROUPS_SHOWN]], 20)
    blocks.append(context(t(lang, "groups.hint")))
    return Reply(text=title, blocks=blocks)
