"""Action items of minutes: each one is a tracked Deadline (kind action_item) that the engine reminds its owner of.

Saving the minutes again keeps the deadline of an item that is still there (same owner, same or
nearly the same task), moves its due date when that changed, creates deadlines for new items and
waives the deadlines of items that were dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.enums import DeadlineKind, DeadlineStatus, MinutesStatus
from bot.db.models import ActionItem, Deadline, Meeting, Minutes, Person, Role, WorkingGroupMember
from bot.parsing.text import normalise
from bot.services.administration import audit
from bot.services.plans import deadlines

SAME_TASK_SCORE = 80.0
MAX_TITLE = 300


@dataclass(frozen=True)
class ActionItemDraft:
    """An action item as typed in the minutes form, its owner resolved to a Slack user."""

    owner_slack_id: str
    task: str
    due_on: date


@dataclass
class ReplaceResult:
    """What saving the action items did to their deadlines."""

    created: list[ActionItem] = field(default_factory=list)
    kept: list[ActionItem] = field(default_factory=list)
    waived: int = 0


def owner_candidates(session: Session, meeting: Meeting) -> list[tuple[str, str]]:
    """(Slack id, name) of everyone who can own an action item: the group's members, then the covenant's people."""
    members = session.execute(
        select(Person.slack_user_id, Person.name)
        .join(WorkingGroupMember, WorkingGroupMember.person_id == Person.id)
        .where(WorkingGroupMember.group_id == meeting.working_group_id, Person.slack_user_id.is_not(None))
        .order_by(Person.name)
    ).all()
    others = session.execute(
        select(Person.slack_user_id, Person.name)
        .join(Role, Role.person_id == Person.id)
        .where(Role.covenant_id == meeting.group.covenant_id, Person.slack_user_id.is_not(None))
        .order_by(Person.name)
    ).all()
    seen: set[str] = set()
    found: list[tuple[str, str]] = []
    for slack_id, name in [*members, *others]:
        if slack_id and slack_id not in seen:
            seen.add(slack_id)
            found.append((slack_id, name))
    return found


def _same(item: ActionItem, draft: ActionItemDraft, exact: bool) -> bool:
    if item.owner_slack_id != draft.owner_slack_id:
        return False
    if exact:
        return normalise(item.task) == normalise(draft.task)
    return float(fuzz.ratio(normalise(item.task), normalise(draft.task))) >= SAME_TASK_SCORE


def _still_listed(session: Session, deadline_id: int, minutes_ids_leaving: set[int]) -> bool:
    """True when a version that is not being dropped still lists an action item with this deadline."""
    rows = session.execute(
        select(ActionItem.minutes_id)
        .join(Minutes, Minutes.id == ActionItem.minutes_id)
        .where(ActionItem.deadline_id == deadline_id, Minutes.status != MinutesStatus.SUPERSEDED)
    ).all()
    return any(minutes_id not in minutes_ids_leaving for (minutes_id,) in rows)


def waive(session: Session, items: list[ActionItem], now: datetime, actor: str, leaving: set[int]) -> int:
    """Waive the open deadlines of ``items`` that no remaining version lists; returns how many."""
    waived = 0
    for item in items:
        if item.deadline_id is None or _still_listed(session, item.deadline_id, leaving):
            continue
        deadline = session.get(Deadline, item.deadline_id)
        if deadline is not None and deadline.status == DeadlineStatus.OPEN:
            waived += deadlines.close(session, deadline, DeadlineStatus.WAIVED, now, actor)
    return waived


def replace(
    session: Session, minutes: Minutes, drafts: list[ActionItemDraft], now: datetime, actor: str
) -> ReplaceResult:
    """Make ``drafts`` the action items of ``minutes``, keeping, moving, creating and waiving deadlines."""
    result = ReplaceResult()
    remaining = list(minutes.action_items)
    items: list[ActionItem] = []
    for position, draft in enumerate(drafts):
        match = next((i for i in remaining if _same(i, draft, exact=True)), None)
        match = match or next((i for i in remaining if _same(i, draft, exact=False)), None)
        if match is None:
            item = ActionItem(owner_slack_id=draft.owner_slack_id, task=draft.task, due_on=draft.due_on)
            item.deadline_id = _new_deadline(session, minutes, draft, now, actor).id
            result.created.append(item)
        else:
            remaining.remove(match)
            item = match
            _update_deadline(session, item, draft, now, actor)
            result.kept.append(item)
        item.position = position
        item.task, item.due_on = draft.task, draft.due_on
        items.append(item)
    # Dropped items go away with their row; their deadlines stop unless another version still lists them.
    result.waived = waive(session, remaining, now, actor, leaving={minutes.id})
    minutes.action_items = items
    session.flush()
    return result


def _new_deadline(session: Session, minutes: Minutes, draft: ActionItemDraft, now: datetime, actor: str) -> Deadline:
    return deadlines.create(
        session,
        covenant_id=minutes.meeting.group.covenant_id,
        kind=DeadlineKind.ACTION_ITEM,
        title=draft.task[:MAX_TITLE],
        due_on=draft.due_on,
        now=now,
        actor=actor,
        owner_slack_id=draft.owner_slack_id,
    )


def _update_deadline(session: Session, item: ActionItem, draft: ActionItemDraft, now: datetime, actor: str) -> None:
    deadline = session.get(Deadline, item.deadline_id) if item.deadline_id is not None else None
    if deadline is None:
        return
    if deadline.due_on != draft.due_on:
        deadlines.set_due(session, deadline, draft.due_on, now, actor)
    if deadline.title != draft.task[:MAX_TITLE]:
        audit.record(
            session,
            at=now,
            actor=actor,
            action="deadline.title_changed",
            entity="deadline",
            entity_id=deadline.id,
            detail={"from": deadline.title, "to": draft.task[:MAX_TITLE]},
        )
        deadline.title = draft.task[:MAX_TITLE]
