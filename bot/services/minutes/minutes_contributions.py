"""Contributions to draft minutes: replies in the "Minutes for ..." thread and messages added with the
"Add to minutes" shortcut. Edits and deletions of those messages are followed while the minutes are a draft.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.enums import MinutesStatus
from bot.db.models import Minutes, MinutesContribution
from bot.services.administration import audit
from bot.services.errors import UsageError
from bot.services.minutes import minutes_search
from bot.services.minutes.minutes import load

MAX_TEXT = 20_000


def thread_minutes(session: Session, channel: str, thread_ts: str) -> Minutes | None:
    """The newest version of the minutes whose "Minutes for ..." message started this thread, if any."""
    first = session.scalar(
        select(Minutes).where(Minutes.thread_channel == channel, Minutes.thread_ts == thread_ts).limit(1)
    )
    if first is None:
        return None
    newest = session.scalar(
        select(Minutes.id)
        .where(Minutes.meeting_id == first.meeting_id, Minutes.occurrence_start == first.occurrence_start)
        .order_by(Minutes.version.desc())
        .limit(1)
    )
    return load(session, newest if newest is not None else first.id)


def add(
    session: Session,
    minutes: Minutes,
    *,
    author: str,
    text: str,
    channel: str | None,
    ts: str | None,
    permalink: str | None,
    now: datetime,
    actor: str,
) -> bool:
    """Add a message to the draft; False when it is in already. UsageError ``minutes.not_draft`` after circulation."""
    if minutes.status != MinutesStatus.DRAFT:
        raise UsageError("minutes.not_draft")
    if ts is not None and any(c.channel_id == channel and c.message_ts == ts for c in minutes.contributions):
        return False
    contribution = MinutesContribution(
        author_slack_id=author,
        text=text[:MAX_TEXT],
        channel_id=channel,
        message_ts=ts,
        permalink=permalink,
        deleted=False,
    )
    minutes.contributions.append(contribution)
    session.flush()
    minutes_search.refresh(session, minutes)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="minutes.contribution_added",
        entity="minutes",
        entity_id=minutes.id,
        detail={"author": author, "channel": channel, "ts": ts},
    )
    return True


def _followed(session: Session, channel: str, ts: str) -> list[MinutesContribution]:
    """Contributions of this message in minutes that are still a draft."""
    return list(
        session.scalars(
            select(MinutesContribution)
            .join(Minutes, Minutes.id == MinutesContribution.minutes_id)
            .where(
                MinutesContribution.channel_id == channel,
                MinutesContribution.message_ts == ts,
                MinutesContribution.deleted.is_(False),
                Minutes.status == MinutesStatus.DRAFT,
            )
        )
    )


def edit(session: Session, channel: str, ts: str, text: str, now: datetime, actor: str) -> int:
    """Follow an edit of a collected message; returns how many contributions changed."""
    changed = 0
    for contribution in _followed(session, channel, ts):
        if contribution.text == text[:MAX_TEXT]:
            continue
        contribution.text = text[:MAX_TEXT]
        changed += 1
        _touched(session, contribution, now, actor, "minutes.contribution_edited")
    return changed


def delete(session: Session, channel: str, ts: str, now: datetime, actor: str) -> int:
    """Follow the deletion of a collected message; returns how many contributions were dropped."""
    dropped = 0
    for contribution in _followed(session, channel, ts):
        contribution.deleted = True
        dropped += 1
        _touched(session, contribution, now, actor, "minutes.contribution_deleted")
    return dropped


def _touched(session: Session, contribution: MinutesContribution, now: datetime, actor: str, action: str) -> None:
    session.flush()
    minutes = load(session, contribution.minutes_id)
    session.refresh(minutes, ["contributions"])
    minutes_search.refresh(session, minutes)
    audit.record(
        session,
        at=now,
        actor=actor,
        action=action,
        entity="minutes",
        entity_id=minutes.id,
        detail={"channel": contribution.channel_id, "ts": contribution.message_ts},
    )
