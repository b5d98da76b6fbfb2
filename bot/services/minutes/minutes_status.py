"""Where the minutes of a set of groups stand: the latest approved version, and those awaiting approval."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import MinutesStatus
from bot.db.models import Meeting, Minutes

AWAITING = (MinutesStatus.DRAFT, MinutesStatus.CIRCULATED)


@dataclass(frozen=True)
class MinutesBacklog:
    """Minutes not yet approved: how many, and the oldest ``items`` (or a page of them)."""

    total: int
    items: list[Minutes]


def latest_approved(session: Session, group_ids: list[int], keep: Callable[[Meeting], bool]) -> Minutes | None:
    """The approved minutes of the most recent meeting of these groups that ``keep`` allows."""
    if not group_ids:
        return None
    query = (
        select(Minutes)
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .options(selectinload(Minutes.meeting).selectinload(Meeting.group))
        .where(Meeting.working_group_id.in_(group_ids), Minutes.status == MinutesStatus.APPROVED)
        .order_by(Minutes.occurrence_start.desc(), Minutes.version.desc())
        .execution_options(yield_per=20)  # read a batch at a time: the first kept one is the answer
    )
    result = session.scalars(query)
    try:
        return next((m for m in result if keep(m.meeting)), None)
    finally:
        result.close()


def awaiting_approval(
    session: Session, group_ids: list[int], keep: Callable[[Meeting], bool], offset: int = 0, limit: int = 5
) -> MinutesBacklog:
    """Minutes of these groups still in draft or circulated, oldest meeting first (``limit`` from ``offset``)."""
    if not group_ids:
        return MinutesBacklog(0, [])
    query = (
        select(Minutes)
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .options(selectinload(Minutes.meeting).selectinload(Meeting.group))
        .where(Meeting.working_group_id.in_(group_ids), Minutes.status.in_(AWAITING))
        .order_by(Minutes.occurrence_start, Minutes.id)
    )
    visible = [m for m in session.scalars(query) if keep(m.meeting)]
    return MinutesBacklog(total=len(visible), items=visible[offset : offset + limit])
