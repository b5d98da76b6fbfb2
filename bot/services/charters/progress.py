"""Progress updates on charter commitments: recorded by the signatory's contacts or the coordinator, read only by
them (``Viewer.may_see_progress_notes``); recording one closes the year's request and plans next year's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import distinct, extract, func, select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import CovenantKind, DeadlineKind, DeadlineStatus, RoleKind
from bot.db.models import CharterSignatory, Commitment, CommitmentUpdate, Covenant, Deadline
from bot.services import locking
from bot.services.administration import audit
from bot.services.charters import signatories as charters
from bot.services.people.access import Viewer
from bot.services.plans import deadlines


def reported_count(session: Session, commitment_ids: list[int], year: int) -> int:
    """How many of the commitments have a progress update reported in ``year`` (a figure anyone may see)."""
    if not commitment_ids:
        return 0
    found = session.scalar(
        select(func.count(distinct(CommitmentUpdate.commitment_id))).where(
            CommitmentUpdate.commitment_id.in_(commitment_ids),
            extract("year", CommitmentUpdate.reported_on) == year,
        )
    )
    return int(found or 0)


def open_request(session: Session, commitment: Commitment) -> Deadline | None:
    """The commitment's open update request (the earliest), if any."""
    return session.scalar(
        select(Deadline)
        .where(
            Deadline.kind == DeadlineKind.COMMITMENT_UPDATE,
            Deadline.ref.like(f"charter-commitment:{commitment.id}:%"),
            Deadline.status == DeadlineStatus.OPEN,
        )
        .order_by(Deadline.due_on)
    )


def record(
    session: Session,
    charter: Covenant,
    commitment: Commitment,
    text: str,
    achieved: int | None,
    today: date,
    now: datetime,
    actor: str,
    reported_by: str,
) -> CommitmentUpdate:
    """Record a progress update (audited, without its confidential text): the year's open request is done and
    next year's is asked for; a second update before next year's request is due is recorded as an extra one."""
    locking.serialise(session, "charter-commitment", commitment.signatory_id)
    request = open_request(session, commitment)
    signed_on = commitment.signatory.signed_on
    if request is not None and today <= charters.anniversary(signed_on, request.due_on.year - 1):
        # Next year's request, asked for by an update already given this year: this one is an extra update.
        request = None
    year = request.due_on.year if request is not None else today.year
    update = CommitmentUpdate(
        commitment_id=commitment.id,
        year=year,
        text=text,
        achieved=achieved,
        reported_on=today,
        reported_by=reported_by,
        deadline_id=request.id if request is not None else None,
    )
    session.add(update)
    session.flush()
    if request is not None:
        deadlines.close(session, request, DeadlineStatus.DONE, now, actor)
        charters.request_update(session, commitment, charter, charters.anniversary(signed_on, year + 1), now, actor)
    elif open_request(session, commitment) is None:
        charters.request_update(session, commitment, charter, charters.first_update_due(signed_on, today), now, actor)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="charter.progress_recorded",
        entity="charter_commitment_update",
        entity_id=update.id,
        detail={"charter": charter.slug, "commitment_id": commitment.id, "year": year, "achieved": achieved},
    )
    return update


@dataclass(frozen=True)
class CommitmentProgress:
    """One commitment with the progress updates the reader may see (None: not theirs to see)."""

    commitment: Commitment
    updates: list[CommitmentUpdate] | None
    next_due: date | None


def commitments_of(session: Session, viewer: Viewer, signatory: CharterSignatory) -> list[CommitmentProgress]:
    """The signatory's commitments (public) with their progress notes only where ``viewer`` may see them."""
    allowed = viewer.may_see_progress_notes(signatory.covenant_id, signatory.organisation_id)
    found: list[CommitmentProgress] = []
    for item in signatory.commitments:
        request = open_request(session, item) if allowed else None
        found.append(
            CommitmentProgress(item, list(item.updates) if allowed else None, request.due_on if request else None)
        )
    return found


@dataclass(frozen=True)
class MyCommitments:
    """A signatory's commitments in one charter, for its contact's Home tab."""

    charter: Covenant
    organisation_name: str
    commitments: list[CommitmentProgress]


def my_commitments(session: Session, viewer: Viewer) -> list[MyCommitments]:
    """The commitments of the viewer's own organisation, in every charter where they are its contact."""
    if viewer.organisation_id is None:
        return []
    rows = session.scalars(
        select(CharterSignatory)
        .join(Covenant, Covenant.id == CharterSignatory.covenant_id)
        .options(selectinload(CharterSignatory.commitments), selectinload(CharterSignatory.organisation))
        .where(CharterSignatory.organisation_id == viewer.organisation_id, Covenant.kind == CovenantKind.CHARTER)
        .order_by(CharterSignatory.id)
    )
    return [
        MyCommitments(s.covenant, s.organisation.name, commitments_of(session, viewer, s))
        for s in rows
        if viewer.has_role(s.covenant_id, RoleKind.COMPANY_CONTACT)
        and viewer.may_see_progress_notes(s.covenant_id, s.organisation_id)
    ]
