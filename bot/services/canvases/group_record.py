"""What a working group's channel canvas holds, as the channel's audience may read it.

The minutes visibility rule for a channel (:func:`bot.services.people.access.channel_audience`): a working
group's channel may be a Slack Connect channel with other organisations' members, so an assessment meeting's
minutes (company data) never reach it, whatever group the meeting belongs to; the covenant's secretariat
channel is the only channel that may show them, and it holds the dashboard, not a group record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import DeadlineStatus, MinutesStatus
from bot.db.models import Deadline, Meeting, Minutes, WorkingGroup
from bot.services.people import access, people

# Sittings looked at, newest first: enough for years of a busy group.
MAX_MINUTES = 200
# Decisions and earlier versions listed (the canvas says how many more there are).
SHOWN = 50


@dataclass(frozen=True)
class Version:
    """One earlier (or superseded) version of a group's minutes, with a link to its thread when it has one."""

    meeting: str
    held_on: date
    version: int
    status: str
    link: str | None


@dataclass(frozen=True)
class DecisionLine:
    held_on: date
    meeting: str
    text: str


@dataclass(frozen=True)
class OpenItem:
    task: str
    owner: str | None
    due_on: date | None


@dataclass(frozen=True)
class LatestMinutes:
    meeting: str
    held_on: date
    version: int
    approved_by: str | None
    approved_at: datetime | None
    summary: str
    attendees: str
    decisions: tuple[str, ...]
    items: tuple[OpenItem, ...]


@dataclass(frozen=True)
class GroupRecord:
    """Everything a group's canvas shows, in ``lang``."""

    channel_id: str
    group: str
    lang: str
    latest: LatestMinutes | None
    earlier: tuple[Version, ...]
    more_earlier: int
    decisions: tuple[DecisionLine, ...]
    more_decisions: int
    open_items: tuple[OpenItem, ...]


def groups_of(session: Session, channel_id: str) -> list[WorkingGroup]:
    return list(session.scalars(select(WorkingGroup).where(WorkingGroup.channel_id == channel_id)))


def group_channels(session: Session) -> list[str]:
    """Every channel a working group has (a channel canvas each)."""
    return sorted(set(session.scalars(select(WorkingGroup.channel_id).where(WorkingGroup.channel_id.is_not(None)))))


def _link(minutes: Minutes) -> str | None:
    if not minutes.thread_channel or not minutes.thread_ts:
        return None
    return f"https://slack.com/archives/{minutes.thread_channel}/p{minutes.thread_ts.replace('.', '')}"


def _held_on(minutes: Minutes) -> date:
    return minutes.occurrence_start.date()


def record(session: Session, channel_id: str, default_language: str, today: date) -> GroupRecord | None:
    """The record of the groups whose channel is ``channel_id`` (None when no group has it)."""
    groups = groups_of(session, channel_id)
    if not groups:
        return None
    lang = people.channel_language(session, channel_id, default_language)
    keep = access.audience_filter(access.channel_audience(session, channel_id))
    rows = session.scalars(
        select(Minutes)
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .options(
            selectinload(Minutes.meeting).selectinload(Meeting.group),
            selectinload(Minutes.decisions),
            selectinload(Minutes.action_items),
        )
        .where(
            Meeting.working_group_id.in_([group.id for group in groups]),
            Minutes.status.in_([MinutesStatus.APPROVED, MinutesStatus.SUPERSEDED]),
        )
        .order_by(Minutes.occurrence_start.desc(), Minutes.version.desc())
        .limit(MAX_MINUTES)
    ).all()
    kept = [minutes for minutes in rows if keep(minutes.meeting)]
    approved = [minutes for minutes in kept if minutes.status == MinutesStatus.APPROVED]
    open_items = _open_items(session, approved)
    latest = approved[0] if approved else None
    earlier = [minutes for minutes in kept if minutes is not latest]
    decisions = [
        DecisionLine(_held_on(minutes), minutes.meeting.title, decision.text)
        for minutes in approved
        for decision in sorted(minutes.decisions, key=lambda d: d.position)
    ]
    name = groups[0].name_en if lang == "en" and groups[0].name_en else groups[0].name
    return GroupRecord(
        channel_id=channel_id,
        group=name,
        lang=lang,
        latest=_latest(latest, open_items) if latest is not None else None,
        earlier=tuple(
            Version(m.meeting.title, _held_on(m), m.version, m.status.value, _link(m)) for m in earlier[:SHOWN]
        ),
        more_earlier=max(0, len(earlier) - SHOWN),
        decisions=tuple(decisions[:SHOWN]),
        more_decisions=max(0, len(decisions) - SHOWN),
        open_items=tuple(item for minutes in approved for item in open_items.get(minutes.id, ())),
    )


def _open_items(session: Session, approved: list[Minutes]) -> dict[int, tuple[OpenItem, ...]]:
    """Per approved minutes, the action items still open (an item's deadline done or waived closes it)."""
    deadline_ids = [item.deadline_id for m in approved for item in m.action_items if item.deadline_id is not None]
    closed = set(
        session.scalars(
            select(Deadline.id).where(Deadline.id.in_(deadline_ids), Deadline.status != DeadlineStatus.OPEN)
        )
    )
    return {
        minutes.id: tuple(
            OpenItem(item.task, item.owner_slack_id, item.due_on)
            for item in sorted(minutes.action_items, key=lambda i: i.position)
            if item.deadline_id not in closed or item.deadline_id is None
        )
        for minutes in approved
    }


def _latest(minutes: Minutes, open_items: dict[int, tuple[OpenItem, ...]]) -> LatestMinutes:
    return LatestMinutes(
        meeting=minutes.meeting.title,
        held_on=_held_on(minutes),
        version=minutes.version,
        approved_by=minutes.approved_by,
        approved_at=minutes.approved_at,
        summary=minutes.summary or "",
        attendees=minutes.attendees or "",
        decisions=tuple(d.text for d in sorted(minutes.decisions, key=lambda d: d.position)),
        items=open_items.get(minutes.id, ()),
    )
