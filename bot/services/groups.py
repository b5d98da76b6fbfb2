"""Working groups (werkgroepen), task groups and steering groups: who chairs them and when they meet next."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import GroupKind
from bot.db.models import Meeting, Person, WorkingGroup, WorkingGroupMember
from bot.services import occurrences
from bot.services.errors import UsageError
from bot.services.matching import best_match
from bot.services.occurrences import Occurrence

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
    """The group meant by ``name`` (Dutch or English name, with or without "werkgroep"), optionally within
    one covenant. Raises UsageError ``group.unknown`` with suggestions."""
    query = select(WorkingGroup).options(selectinload(WorkingGroup.covenant))
    if covenant_id is not None:
        query = query.where(WorkingGroup.covenant_id == covenant_id)
    groups = list(session.scalars(query))
    candidates: list[tuple[int, str]] = []
    for group in groups:
        for label in filter(None, (group.name, group.name_en)):
            candidates += [(group.id, label), (group.id, short_name(label))]
    match = best_match(name, candidates)
    by_id = {g.id: g for g in groups}
    if match.key is None:
        raise UsageError("group.unknown", name=name, suggestions=", ".join(by_id[k].name for k in match.suggestions))
    return by_id[match.key]


def next_meetings(
    session: Session, groups: list[WorkingGroup], now: datetime, keep: Callable[[Meeting], bool], limit: int = 5
) -> list[Occurrence]:
    """The next ``limit`` meetings of these groups that ``keep`` allows, soonest first."""
    if not groups:
        return []
    return occurrences.upcoming(session, now, [g.id for g in groups], limit=limit, keep=keep)
