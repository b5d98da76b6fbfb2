"""A charter's signatories and their commitments: recording them (coordinator only, audited) and reading them.

Everything here is public (who signed, when, by whom; what they committed to) except the text of progress
updates, which :mod:`bot.services.charters.progress` keeps to the signatory and the coordinator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import CommitmentKind, CovenantKind, DeadlineKind, ParticipationType
from bot.db.models import CharterSignatory, Commitment, Covenant, Deadline, Organisation, Participation
from bot.services import locking
from bot.services.administration import audit
from bot.services.errors import UsageError
from bot.services.plans import deadlines

# The stored title of a progress update's deadline (shown per reader by bot.render.deadline_titles).
UPDATE_TITLE = "Voortgang toezegging {number} {year}"


def require_charter(covenant: Covenant) -> Covenant:
    """``covenant`` when it is a charter, else UsageError ``charter.not_a_charter``."""
    if covenant.kind != CovenantKind.CHARTER:
        raise UsageError("charter.not_a_charter", name=covenant.slug)
    return covenant


def signatory_of(session: Session, charter: Covenant, organisation: Organisation) -> CharterSignatory | None:
    """The organisation's signature under the charter, if it signed."""
    return session.scalar(
        select(CharterSignatory)
        .options(selectinload(CharterSignatory.commitments))
        .where(CharterSignatory.covenant_id == charter.id, CharterSignatory.organisation_id == organisation.id)
    )


def charters_signed_by(session: Session, organisation: Organisation) -> list[Covenant]:
    """The charters the organisation signed, in signing order."""
    return list(
        session.scalars(
            select(Covenant)
            .join(CharterSignatory, CharterSignatory.covenant_id == Covenant.id)
            .where(CharterSignatory.organisation_id == organisation.id)
            .order_by(CharterSignatory.signed_on, Covenant.id)
        )
    )


def signatories(session: Session, charter: Covenant) -> list[CharterSignatory]:
    """Every signatory of the charter, in signing order, with their commitments."""
    return list(
        session.scalars(
            select(CharterSignatory)
            .options(selectinload(CharterSignatory.organisation), selectinload(CharterSignatory.commitments))
            .where(CharterSignatory.covenant_id == charter.id)
            .order_by(CharterSignatory.signed_on, CharterSignatory.id)
        )
    )


def sign(
    session: Session,
    charter: Covenant,
    organisation: Organisation,
    signed_on: date,
    signed_by: tuple[str, str | None] | None,
    now: datetime,
    actor: str,
) -> tuple[CharterSignatory, bool]:
    """Record (or correct) the organisation's signature: a signatory participation and the signing details.

    Returns the signatory and whether it is new.
    """
    locking.serialise(session, "charter-signatory", charter.id, organisation.id)
    signatory = signatory_of(session, charter, organisation)
    new = signatory is None
    if signatory is None:
        signatory = CharterSignatory(covenant_id=charter.id, organisation_id=organisation.id, signed_on=signed_on)
        session.add(signatory)
    signatory.signed_on = signed_on
    if signed_by is not None:
        signatory.signed_by_name, signatory.signed_by_role = signed_by
    participation = session.scalar(
        select(Participation).where(
            Participation.covenant_id == charter.id,
            Participation.organisation_id == organisation.id,
            Participation.left_on.is_(None),
        )
    )
    if participation is None:
        session.add(
            Participation(
                covenant_id=charter.id,
                organisation_id=organisation.id,
                type=ParticipationType.SIGNATORY,
                joined_on=signed_on,
            )
        )
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="charter.signed" if new else "charter.signature_corrected",
        entity="charter_signatory",
        entity_id=signatory.id,
        detail={
            "charter": charter.slug,
            "organisation": organisation.name,
            "signed_on": signed_on.isoformat(),
            "signed_by": signatory.signed_by_name,
            "role": signatory.signed_by_role,
        },
    )
    return signatory, new


def anniversary(signed_on: date, year: int) -> date:
    """The signing date's anniversary in ``year`` (29 February becomes 28 February)."""
    try:
        return signed_on.replace(year=year)
    except ValueError:
        return signed_on.replace(year=year, day=28)


def first_update_due(signed_on: date, today: date) -> date:
    """When the first progress update is due: the first anniversary of the signing after today."""
    due = anniversary(signed_on, max(today.year, signed_on.year + 1))
    return due if due > today else anniversary(signed_on, due.year + 1)


def request_update(
    session: Session, commitment: Commitment, charter: Covenant, due_on: date, now: datetime, actor: str
) -> Deadline:
    """The deadline that asks the signatory's contacts for the year's progress update (reminded by the engine)."""
    ref = f"charter-commitment:{commitment.id}:{due_on.year}"
    existing = session.scalar(select(Deadline).where(Deadline.ref == ref))
    if existing is not None:
        return existing
    return deadlines.create(
        session,
        covenant_id=charter.id,
        kind=DeadlineKind.COMMITMENT_UPDATE,
        title=UPDATE_TITLE.format(number=commitment.number, year=due_on.year),
        due_on=due_on,
        now=now,
        actor=actor,
        organisation_id=commitment.signatory.organisation_id,
        ref=ref,
    )


def commit(
    session: Session,
    charter: Covenant,
    signatory: CharterSignatory,
    kind: CommitmentKind,
    text: str,
    target_number: int | None,
    target_on: date | None,
    today: date,
    now: datetime,
    actor: str,
) -> Commitment:
    """Add a commitment to the signatory (numbered after its last) and request its first yearly update."""
    locking.serialise(session, "charter-commitment", signatory.id)
    last = session.scalar(select(func.max(Commitment.number)).where(Commitment.signatory_id == signatory.id))
    commitment = Commitment(
        signatory=signatory,
        number=(last or 0) + 1,
        kind=kind,
        text=text,
        target_number=target_number,
        target_on=target_on,
    )
    session.add(commitment)
    session.flush()
    request_update(session, commitment, charter, first_update_due(signatory.signed_on, today), now, actor)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="charter.commitment_added",
        entity="charter_commitment",
        entity_id=commitment.id,
        detail={
            "charter": charter.slug,
            "organisation_id": signatory.organisation_id,
            "number": commitment.number,
            "kind": kind.value,
            "target_number": target_number,
            "target_on": target_on.isoformat() if target_on else None,
        },
    )
    return commitment


def commitment(signatory: CharterSignatory, number: int) -> Commitment:
    """The signatory's commitment ``number``; UsageError ``charter.no_such_commitment`` when there is none."""
    found = next((c for c in signatory.commitments if c.number == number), None)
    if found is None:
        raise UsageError("charter.no_such_commitment", number=number, count=len(signatory.commitments))
    return found


@dataclass(frozen=True)
class CharterOverview:
    """A charter's public part of ``/covenant status``: signatories and commitments, and progress in aggregate."""

    charter: Covenant
    signatories: list[CharterSignatory]
    commitments: int
    reported: int
    year: int


def overview(session: Session, charter: Covenant, today: date) -> CharterOverview:
    """Who signed and what they committed to, and how many commitments were reported on this year."""
    from bot.services.charters import progress

    found = signatories(session, charter)
    ids = [c.id for s in found for c in s.commitments]
    return CharterOverview(
        charter=charter,
        signatories=found,
        commitments=len(ids),
        reported=progress.reported_count(session, ids, today.year),
        year=today.year,
    )
