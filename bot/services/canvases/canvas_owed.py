"""Owed canvas updates: marked in the transaction of the change, claimed with a lease, finished once.

Why not the reminder engine's deliveries or acked work: a canvas update is no message (nothing to look for in a
conversation's history) and it is idempotent (it writes the record as it stands, so running it twice is harmless,
only wasteful), while many changes in a row should give one update. So one row per channel suffices: a change sets
``owed_since`` (again), a process claims the row by a conditional UPDATE with a lease (two web instances never
write one canvas at once), and the sweep takes over rows whose lease ran out (a crash loses nothing) and retries
failed ones after a pause that grows with the attempts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import CanvasNotice, ChannelCanvas, Meeting
from bot.services.leases import rowcount

LEASE = timedelta(seconds=60)
# A failed update is tried again after this times its attempts (the sweep runs every minute).
RETRY_AFTER = timedelta(seconds=30)
MAX_RETRY_WAIT = timedelta(minutes=30)


def owe(session: Session, channel_id: str | None, now: datetime) -> None:
    """Mark the canvas of ``channel_id`` as owed an update (in the caller's transaction; not committed)."""
    if not channel_id:
        return
    row = session.get(ChannelCanvas, channel_id)
    if row is None:
        session.add(ChannelCanvas(channel_id=channel_id, owed_since=now, attempts=0))
        session.flush()
    else:
        row.owed_since = now  # the latest change: an update claimed before it does not clear it


def owe_for_meeting(session: Session, meeting: Meeting, now: datetime) -> None:
    """The group's canvas of ``meeting`` is owed an update (its minutes or action items changed)."""
    owe(session, meeting.group.channel_id, now)


def claim(session: Session, now: datetime, worker: str, only: list[str] | None = None) -> list[str]:
    """Claim the owed updates that are due (of ``only`` these channels); commits. Returns their channels."""
    due = and_(
        ChannelCanvas.owed_since.is_not(None),
        or_(ChannelCanvas.lease_until.is_(None), ChannelCanvas.lease_until < now),
    )
    query = select(ChannelCanvas.channel_id).where(due)
    if only is not None:
        query = query.where(ChannelCanvas.channel_id.in_(only))
    claimed = []
    for channel_id in session.scalars(query.limit(50)).all():
        won = session.execute(
            update(ChannelCanvas)
            .where(ChannelCanvas.channel_id == channel_id, due)
            .values(claimed_by=worker, lease_until=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        if rowcount(won):
            claimed.append(channel_id)
    session.commit()
    return claimed


def finish(
    session: Session, channel_id: str, worker: str, claimed_at: datetime, canvas_id: str | None, digest: str | None
) -> bool:
    """The update claimed at ``claimed_at`` was written: the row is owed nothing more unless a change came since
    (then it stays owed, due at once); commits. False when the claim was lost."""
    row = session.get(ChannelCanvas, channel_id)
    if row is None or row.claimed_by != worker:
        session.rollback()
        return False
    row.canvas_id = canvas_id or row.canvas_id
    row.content_hash = digest
    row.updated_at = claimed_at
    row.attempts, row.last_error = 0, None
    row.claimed_by, row.lease_until = None, None
    if row.owed_since is not None and row.owed_since <= claimed_at:
        row.owed_since = None
    session.commit()
    return True


def give_back(session: Session, channel_id: str, worker: str, error: str, now: datetime) -> None:
    """The update failed (``error``): it stays owed, and is tried again later; commits."""
    row = session.get(ChannelCanvas, channel_id)
    if row is None or row.claimed_by != worker:
        session.rollback()
        return
    row.attempts += 1
    row.last_error = error[:100]
    row.claimed_by = None
    row.lease_until = now + min(RETRY_AFTER * row.attempts, MAX_RETRY_WAIT)
    session.commit()


def drop(session: Session, channel_id: str, worker: str, error: str) -> None:
    """The update cannot be made (no scope, no canvases on this plan): owed nothing until the next change;
    commits."""
    row = session.get(ChannelCanvas, channel_id)
    if row is None or row.claimed_by != worker:
        session.rollback()
        return
    row.owed_since, row.claimed_by, row.lease_until, row.last_error = None, None, None, error[:100]
    session.commit()


def first_notice(session: Session, reason: str, now: datetime) -> bool:
    """True once per ``reason``: the caller tells the secretariat (two processes racing: one wins); commits."""
    session.add(CanvasNotice(reason=reason, told_at=now))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def kept_channels(session: Session) -> list[str]:
    """The channels whose canvas the bot made (or found) and owes nothing now: one query, however many groups."""
    return list(
        session.scalars(
            select(ChannelCanvas.channel_id).where(
                ChannelCanvas.canvas_id.is_not(None), ChannelCanvas.owed_since.is_(None)
            )
        )
    )


def canvas_of(session: Session, channel_id: str) -> ChannelCanvas | None:
    return session.get(ChannelCanvas, channel_id)


def is_stale(session: Session, channel_id: str, digest: str) -> bool:
    """Whether the canvas shows something else than ``digest`` (a change the hooks did not mark: a deadline
    done through another way, a name changed)."""
    row = session.get(ChannelCanvas, channel_id)
    return row is None or row.content_hash != digest
