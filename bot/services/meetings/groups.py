"""Working groups (werkgroepen), task groups and steering groups: finding one by the name people type,
who chairs them and when they meet next, their members, channel and calendar feed token."""

from __future__ import annotations

import re
import secrets
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import GroupKind
from bot.db.models import Covenant, Meeting, Person, WorkingGroup, WorkingGroupMember
from bot.services import locking
from bot.services.administration import audit
from bot.services.covenants.matching import best_match
from bot.services.errors import UsageError
from bot.services.meetings import occurrences
from bot.services.meetings.occurrences import Occurrence
from bot.services.people.access import Viewer, channel_audience
from bot.services.people.people import person_by_slack_id

# Steering group first, then working groups, then task groups: the order people think of them in.
_KIND_ORDER = {GroupKind.STEERING_GROUP: 0, GroupKind.WORKING_GROUP: 1, GroupKind.TASK_GROUP: 2}
# Words that say "group" rather than which one ("werkgroep leefbaar loon" -> "leefbaar loon").
GROUP_WORDS = frozenset({"werkgroep", "taakgroep", "stuurgroep", "working", "task", "steering", "group", "groep"})


@dataclass(frozen=True)
class GroupInfo:
    """One group as listed to a reader: its chairs, how many members, and its next meeting they may see."""

    group: WorkingGroup
    chairs: list[Person]
    member_count: int
    next_meeting: Occurrence | None


def _ordered(groups: Iterable[WorkingGroup]) -> list[WorkingGroup]:
    return sorted(groups, key=lambda g: (_KIND_ORDER.get(g.kind, 9), g.name.lower()))


def covenant_groups(session: Session, covenant_id: int) -> list[WorkingGroup]:
    """The covenant's groups, steering group first."""
    query = (
        select(WorkingGroup).options(selectinload(WorkingGroup.covenant)).where(WorkingGroup.covenant_id == covenant_id)
    )
    return _ordered(session.scalars(query))


def person_groups(session: Session, person_id: int | None) -> list[WorkingGroup]:
    """The groups a person is a member of (none for someone the bot does not know)."""
    if person_id is None:
        return []
    query = (
        select(WorkingGroup)
        .options(selectinload(WorkingGroup.covenant))
        .join(WorkingGroupMember, WorkingGroupMember.group_id == WorkingGroup.id)
        .where(WorkingGroupMember.person_id == person_id)
    )
    return _ordered(session.scalars(query))


def group_infos(
    session: Session, groups: list[WorkingGroup], now: datetime, keep: Callable[[Meeting], bool]
) -> list[GroupInfo]:
    """Chairs, member counts and the next meeting (among those ``keep`` allows) of each group."""
    ids = [g.id for g in groups]
    if not ids:
        return []
    counts: Counter[int] = Counter()
    for group_id, count in session.execute(
        select(WorkingGroupMember.group_id, func.count())
        .where(WorkingGroupMember.group_id.in_(ids))
        .group_by(WorkingGroupMember.group_id)
    ).all():
        counts[group_id] = count
    chairs: dict[int, list[Person]] = {}
    for member in session.scalars(
        select(WorkingGroupMember)
        .options(selectinload(WorkingGroupMember.person))
        .where(WorkingGroupMember.group_id.in_(ids), WorkingGroupMember.is_chair.is_(True))
    ):
        chairs.setdefault(member.group_id, []).append(member.person)
    return [
        GroupInfo(
            group=g,
            chairs=chairs.get(g.id, []),
            member_count=counts.get(g.id, 0),
            next_meeting=next(iter(occurrences.upcoming(session, now, [g.id], limit=1, keep=keep)), None),
        )
        for g in groups
    ]


def short_name(name: str) -> str:
    """A group's name without the word for "group": 'Werkgroep Leefbaar Loon' -> 'Leefbaar Loon'."""
    words = [word for word in name.split() if word.lower() not in GROUP_WORDS]
    return " ".join(words) or name


def resolve(session: Session, name: str, covenant_id: int | None = None) -> WorkingGroup:
    """The group meant by ``name``: its Dutch or English name (with or without "werkgroep"), a close
    misspelling, or its channel; optionally within one covenant. UsageError ``group.unknown`` with suggestions."""
    query = name.strip()
    if not query:
        raise UsageError("group.missing")
    groups = [g for g in all_groups(session) if covenant_id is None or g.covenant_id == covenant_id]
    channel = channel_id(query)
    if channel is not None:
        for group in groups:
            if group.channel_id == channel:
                return group
        raise UsageError("group.unknown", name=query, suggestions="")
    candidates: list[tuple[int, str]] = []
    for group in groups:
        for label in filter(None, (group.name, group.name_en)):
            candidates += [(group.id, label), (group.id, short_name(label))]
    match = best_match(query, candidates)
    by_id = {g.id: g for g in groups}
    if match.key is None:
        raise UsageError("group.unknown", name=query, suggestions=", ".join(by_id[k].name for k in match.suggestions))
    return by_id[match.key]


def named_exactly(session: Session, name: str) -> WorkingGroup | None:
    """The group whose name (Dutch or English, with or without "werkgroep") or channel is exactly ``name``
    (case aside), else None: a typed line is split where a whole group name ends."""
    query = " ".join(name.split()).casefold()
    channel = channel_id(query.upper()) if query else None
    for group in all_groups(session):
        if channel is not None and group.channel_id == channel:
            return group
        labels = [label for label in (group.name, group.name_en) if label]
        if query in {variant.casefold() for label in labels for variant in (label, short_name(label))}:
            return group
    return None


def next_meetings(
    session: Session, groups: list[WorkingGroup], now: datetime, keep: Callable[[Meeting], bool], limit: int = 5
) -> list[Occurrence]:
    """The next ``limit`` meetings of these groups that ``keep`` allows, soonest first."""
    if not groups:
        return []
    return occurrences.upcoming(session, now, [g.id for g in groups], limit=limit, keep=keep)


# "<#C0123|name>" as Slack escapes a channel, or "#C0123" / "C0123" typed in the console.
_CHANNEL = re.compile(r"^<#([CG][A-Z0-9]{2,})(?:\|[^>]*)?>$|^#?([CG][A-Z0-9]{6,})$")


def channel_id(text: str) -> str | None:
    """The channel id in ``<#C0123|name>`` (or a bare ``C0123``), else None."""
    match = _CHANNEL.match(text.strip())
    return (match.group(1) or match.group(2)) if match else None


def new_token() -> str:
    """An unguessable calendar feed token (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


def all_groups(session: Session) -> list[WorkingGroup]:
    """Every working group, with its covenant, by covenant and name."""
    return list(
        session.scalars(
            select(WorkingGroup)
            .options(selectinload(WorkingGroup.covenant))
            .order_by(WorkingGroup.covenant_id, WorkingGroup.name)
        )
    )


def by_channel(session: Session, channel: str) -> WorkingGroup | None:
    """The group whose channel this is, if any."""
    return session.scalar(
        select(WorkingGroup).options(selectinload(WorkingGroup.covenant)).where(WorkingGroup.channel_id == channel)
    )


def by_token(session: Session, token: str) -> WorkingGroup | None:
    """The group whose calendar feed has this token, if any."""
    if not token:
        return None
    return session.scalar(
        select(WorkingGroup).options(selectinload(WorkingGroup.covenant)).where(WorkingGroup.calendar_token == token)
    )


def manageable(session: Session, viewer: Viewer) -> list[WorkingGroup]:
    """The groups whose meetings ``viewer`` may schedule (chair of the group, or the covenant's secretariat)."""
    return [group for group in all_groups(session) if viewer.may_manage_group(group)]


def members(session: Session, group: WorkingGroup) -> list[WorkingGroupMember]:
    """The group's members with their person, chair first."""
    return sorted(
        session.scalars(
            select(WorkingGroupMember)
            .options(selectinload(WorkingGroupMember.person))
            .where(WorkingGroupMember.group_id == group.id)
        ),
        key=lambda member: (not member.is_chair, member.person.name.lower()),
    )


def _audit(
    session: Session,
    group: WorkingGroup,
    action: str,
    viewer: Viewer,
    now: datetime,
    detail: dict[str, object] | None = None,
) -> None:
    audit.record(
        session,
        at=now,
        actor=viewer.slack_user_id,
        action=action,
        entity="working_group",
        entity_id=group.id,
        detail=detail,
    )


def _require_manager(viewer: Viewer, group: WorkingGroup) -> None:
    if not viewer.may_manage_group(group):
        raise UsageError("group.not_allowed", group=group.name)


def add(
    session: Session, covenant: Covenant, name: str, channel: str | None, viewer: Viewer, now: datetime
) -> WorkingGroup:
    """Create a working group (secretariat or a working-group chair of the covenant); audited."""
    if not viewer.may_add_group(covenant.id):
        raise UsageError("group.add_not_allowed", covenant=covenant.name(viewer.language))
    name = name.strip()
    if not name or len(name) > 200:
        raise UsageError("group.bad_name")
    locking.serialise(session, "group names", covenant.id)  # two adding the same group at once: one adds it
    existing = session.scalar(
        select(WorkingGroup).where(WorkingGroup.covenant_id == covenant.id, WorkingGroup.name == name)
    )
    if existing is not None:
        raise UsageError("group.exists", group=name)
    if channel is not None and by_channel(session, channel) is not None:
        raise UsageError("group.channel_taken", channel=channel)
    if channel is not None:
        _refuse_secretariat_channel(session, channel)
    lowered = name.lower()
    kind = GroupKind.TASK_GROUP if lowered.startswith(("taakgroep", "task group")) else GroupKind.WORKING_GROUP
    if lowered.startswith(("stuurgroep", "steering group")):
        kind = GroupKind.STEERING_GROUP
    group = WorkingGroup(
        covenant_id=covenant.id,
        name=name,
        kind=kind,
        channel_id=channel,
        language=viewer.language,
        calendar_token=new_token(),
    )
    session.add(group)
    session.flush()
    group.covenant = covenant
    if viewer.person_id is not None and not viewer.is_secretariat(covenant.id):
        # A chair who creates a group chairs it (and so can schedule its meetings).
        session.add(WorkingGroupMember(group_id=group.id, person_id=viewer.person_id, is_chair=True))
    _audit(session, group, "group.created", viewer, now, {"name": name, "channel": channel})
    return group


def _person_for(session: Session, slack_user_id: str, label: str | None) -> Person:
    locking.serialise(session, "person", slack_user_id)
    person = person_by_slack_id(session, slack_user_id)
    if person is None:
        # Someone the bot has not met yet: recorded by their Slack handle until the secretariat links them.
        person = Person(slack_user_id=slack_user_id, name=label or slack_user_id)
        session.add(person)
        session.flush()
    return person


def add_members(
    session: Session,
    group: WorkingGroup,
    users: list[tuple[str, str | None]],
    viewer: Viewer,
    now: datetime,
    chair: bool = False,
) -> list[str]:
    """Add Slack users (id, handle) to the group, or make them its chair; returns who changed."""
    _require_manager(viewer, group)
    if not users:
        raise UsageError("group.no_people")
    locking.serialise(session, "group", group.id)  # two adding the same member at once: one adds them
    changed: list[str] = []
    current = {member.person.slack_user_id: member for member in members(session, group)}
    for slack_user_id, label in users:
        member = current.get(slack_user_id)
        if member is None:
            person = _person_for(session, slack_user_id, label)
            member = WorkingGroupMember(group_id=group.id, person_id=person.id, is_chair=chair)
            session.add(member)
            changed.append(slack_user_id)
        elif chair and not member.is_chair:
            member.is_chair = True
            changed.append(slack_user_id)
    if changed:
        _audit(session, group, "group.chair_set" if chair else "group.members_added", viewer, now, {"users": changed})
    return changed


def remove_members(
    session: Session, group: WorkingGroup, users: list[tuple[str, str | None]], viewer: Viewer, now: datetime
) -> list[str]:
    """Take Slack users out of the group; returns who was removed."""
    _require_manager(viewer, group)
    if not users:
        raise UsageError("group.no_people")
    locking.serialise(session, "group", group.id)
    wanted = {slack_user_id for slack_user_id, _ in users}
    removed: list[str] = []
    for member in members(session, group):
        if member.person.slack_user_id in wanted:
            session.delete(member)
            removed.append(str(member.person.slack_user_id))
    if removed:
        _audit(session, group, "group.members_removed", viewer, now, {"users": removed})
    return removed


def _refuse_secretariat_channel(session: Session, channel: str) -> None:
    """A secretariat's private channel cannot be a group's too: the group's members would then read it."""
    if channel_audience(session, channel).secretariat_of:
        raise UsageError("group.channel_is_secretariat", channel=channel)


def set_channel(session: Session, group: WorkingGroup, channel: str, viewer: Viewer, now: datetime) -> None:
    """Link the group to its Slack channel (where its notices and reminders go)."""
    _require_manager(viewer, group)
    other = by_channel(session, channel)
    if other is not None and other.id != group.id:
        raise UsageError("group.channel_taken", channel=channel)
    _refuse_secretariat_channel(session, channel)
    previous = group.channel_id
    group.channel_id = channel
    _audit(session, group, "group.channel_set", viewer, now, {"from": previous, "to": channel})


def set_language(session: Session, group: WorkingGroup, language: str, viewer: Viewer, now: datetime) -> None:
    """Choose the language of the bot's messages in the group's channel."""
    _require_manager(viewer, group)
    if language not in ("nl", "en"):
        raise UsageError("group.bad_language", language=language)
    group.language = language
    _audit(session, group, "group.language_set", viewer, now, {"language": language})


def rotate_feed(session: Session, group: WorkingGroup, viewer: Viewer, now: datetime) -> str:
    """Give the group's calendar feed a new token (the old link stops working); audited."""
    _require_manager(viewer, group)
    group.calendar_token = new_token()
    _audit(session, group, "group.feed_rotated", viewer, now)
    return group.calendar_token
