"""``/meeting group ...`` and ``/meeting groups``: working groups, their members, chair and channel language."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.db.models import WorkingGroup
from bot.i18n import t, tn
from bot.interaction import Ask, Outcome
from bot.parsing.text import mentioned_users, slack_plain, split_command
from bot.render import meetings as render
from bot.render.blocks import Reply, context, escape, header, lines_to_sections, section
from bot.services.covenants import covenants
from bot.services.errors import UsageError
from bot.services.meetings import groups

_ACTIONS = {
    "add": "add",
    "new": "add",
    "nieuw": "add",
    "toevoegen": "add",
    "members": "members",
    "member": "members",
    "leden": "members",
    "lid": "members",
    "remove": "remove",
    "verwijder": "remove",
    "chair": "chair",
    "voorzitter": "chair",
    "channel": "channel",
    "kanaal": "channel",
    "language": "language",
    "taal": "language",
    "show": "show",
    "toon": "show",
}
_READS = {"show"}


def _name(words: list[str]) -> str:
    return slack_plain(" ".join(words)).strip("\"'“”")


def writes(sub: str, rest: str) -> bool:
    """True when ``/meeting group <sub> <rest>`` may change something (so a replay of it must not)."""
    action = _ACTIONS.get(sub)
    return action is not None and action not in _READS


def run(ask: Ask, text: str, typed: str = "/meeting group") -> Outcome:
    """``group add <covenant> <name> [#channel]``, ``group members|remove|chair <group> @people``,
    ``group channel <group> #channel``, ``group language <group> nl|en``, ``group show <group>``."""
    return Outcome.of(_group_reply(ask, text, typed))


# Typed without arguments: the usage to show (a key under ``usage.`` in the catalogs).
_USAGE = {"members": "group_people", "remove": "group_people", "chair": "group_people"}


def _group_reply(ask: Ask, text: str, typed: str) -> Reply:
    session, viewer, now, lang = ask.session, ask.viewer, ask.now, ask.lang
    command = split_command(text)
    action = _ACTIONS.get(command.sub)
    words = command.rest.split()
    if action is None:
        raise UsageError("usage.meeting_group", command=typed)
    if not words:
        raise UsageError(f"usage.{_USAGE.get(action, f'group_{action}')}", command=f"{typed} {command.sub}")
    if action == "add":
        covenant = covenants.resolve(session, words[0])
        channel = groups.channel_id(words[-1]) if len(words) > 2 else None
        name = _name(words[1:-1] if channel else words[1:])
        group = groups.add(session, covenant, name, channel, viewer, now)
        session.commit()
        where = t(lang, "group.in_channel", channel=f"<#{channel}>") if channel else t(lang, "group.no_channel_yet")
        return _say(
            t(lang, "group.added", group=escape(group.name), covenant=escape(covenant.name(lang))) + " " + where
        )
    if action == "show":
        return show(session, groups.resolve(session, _name(words)), lang)
    if action == "channel":
        channel = groups.channel_id(words[-1])
        if channel is None:
            raise UsageError("group.bad_channel")
        group = groups.resolve(session, _name(words[:-1]))
        groups.set_channel(session, group, channel, viewer, now)
        session.commit()
        return _say(t(lang, "group.channel_set", group=escape(group.name), channel=f"<#{channel}>"))
    if action == "language":
        group = groups.resolve(session, _name(words[:-1]))
        groups.set_language(session, group, words[-1].lower(), viewer, now)
        session.commit()
        language = t(lang, f"language.{words[-1].lower()}")  # checked by set_language: nl or en
        return _say(t(lang, "group.language_set", group=escape(group.name), language=language))
    users, rest = mentioned_users(words)
    group = groups.resolve(session, _name(rest))
    if action == "remove":
        changed = groups.remove_members(session, group, users, viewer, now)
        key = "group.removed"
    else:
        changed = groups.add_members(session, group, users, viewer, now, chair=action == "chair")
        key = "group.chair_set" if action == "chair" else "group.members_added"
    session.commit()
    if not changed:
        return _say(t(lang, "group.nothing_changed"))
    who = ", ".join(f"<@{user}>" for user in changed)
    if action == "chair":
        return _say(tn(lang, key, len(changed), group=escape(group.name), who=who))
    return _say(t(lang, key, group=escape(group.name), who=who))


def _say(text: str) -> Reply:
    return Reply(text=text, blocks=[section(text)])


def show(session: Session, group: WorkingGroup, lang: str) -> Reply:
    """A group: covenant, channel, chair and members."""
    lines = []
    for member in groups.members(session, group):
        chair = f" — {t(lang, 'group.chair')}" if member.is_chair else ""
        who = f"<@{member.person.slack_user_id}>" if member.person.slack_user_id else escape(member.person.name)
        lines.append(f"• {who}{chair}")
    channel = f"<#{group.channel_id}>" if group.channel_id else t(lang, "group.no_channel")
    title = render.group_name(group, lang)
    return Reply(
        text=title,
        blocks=[
            header(title),
            section(t(lang, "group.summary", covenant=escape(group.covenant.name(lang)), channel=channel)),
            *lines_to_sections(lines or [t(lang, "group.no_members")], 20),
            context(t(lang, "group.hint")),
        ],
    )


def listing(ask: Ask, rest: str) -> Outcome:
    """``/meeting groups [covenant]``: the working groups (of one covenant)."""
    lang, viewer = ask.lang, ask.viewer
    covenant = covenants.resolve(ask.session, rest) if rest.strip() else None
    found = [g for g in groups.all_groups(ask.session) if covenant is None or g.covenant_id == covenant.id]
    lines = []
    for group in found:
        channel = f" · <#{group.channel_id}>" if group.channel_id else ""
        mine = " :star:" if group.id in viewer.groups else ""
        lines.append(f"• *{escape(render.group_name(group, lang))}* ({group.covenant.slug}){channel}{mine}")
    title = t(lang, "group.list_title", count=len(found))
    return Outcome.of(
        Reply(text=title, blocks=[header(title), *lines_to_sections(lines or [t(lang, "group.none")], 40)])
    )
