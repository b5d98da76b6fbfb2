"""Deadlines: who is reminded of them, and the changes people make (done, snooze, not for me)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, delete, or_, select, update
from sqlalchemy.orm import Session, selectinload

from bot.db.enums import DeadlineKind, DeadlineStatus, DeliveryStatus, RoleKind
from bot.db.models import Deadline, Person, ReminderDelivery, Role, SlackProfile
from bot.services import locking
from bot.services.administration import audit
from bot.services.errors import UsageError
from bot.services.people import addresses
from bot.services.reminder_policy import day_start, next_allowed_moment, policy_for


@dataclass(frozen=True)
class Recipient:
    """Someone (a Slack user, or a channel) who gets a deadline's reminders, with their time zone."""

    slack_id: str
    tz: str
    is_channel: bool = False


def company_contacts(session: Session, organisation_id: int, covenant_id: int) -> list[Person]:
    """The organisation's contacts for a covenant: people of that organisation with the contact role and a Slack
    id or an email address."""
    return list(
        session.scalars(
            select(Person)
            .join(Role, Role.person_id == Person.id)
            .where(
                Person.organisation_id == organisation_id,
                or_(Person.slack_user_id.is_not(None), Person.email.is_not(None)),
                Role.covenant_id == covenant_id,
                Role.kind == RoleKind.COMPANY_CONTACT,
            )
            .order_by(Person.id)
        )
    )


def secretariat_recipients(session: Session, covenant_id: int) -> list[str]:
    """Where notices for a covenant's secretariat go: its channel (and each member reached by email only, who
    reads no channel), else each secretariat member on their routes (a DM, an email)."""
    from bot.db.models import Covenant

    covenant = session.get(Covenant, covenant_id)
    channel = covenant.secretariat_channel if covenant is not None else None
    return secretariat_targets(session, {covenant_id: channel}).get(covenant_id, [])


def secretariat_members(session: Session, covenant_ids: list[int]) -> dict[int, list[str]]:
    """Where each covenant's secretariat members are reached (by person id; Slack ids and, for those reached by
    email, ``person:<id>``), for covenants without a channel."""
    if not covenant_ids:
        return {}
    found: dict[int, list[str]] = {}
    rows = session.execute(
        select(Role.covenant_id, Person)
        .join(Person, Role.person_id == Person.id)
        .where(
            Role.covenant_id.in_(covenant_ids),
            Role.kind == RoleKind.SECRETARIAT,
            or_(Person.slack_user_id.is_not(None), Person.email.is_not(None)),
        )
        .order_by(Person.id)
    )
    for covenant_id, person in rows:
        for address in addresses.routes_of(person):
            found.setdefault(covenant_id, []).append(address)
    return found


def secretariat_targets(session: Session, channels: dict[int, str | None]) -> dict[int, list[str]]:
    """Per covenant (id → its secretariat channel or None), where its secretariat's digest goes: the channel
    and each member reached by email only, else every member on their routes; one query."""
    found: dict[int, list[str]] = {c: [channel] for c, channel in channels.items() if channel}
    if not channels:
        return found
    rows = session.execute(
        select(Role.covenant_id, Person)
        .join(Person, Role.person_id == Person.id)
        .where(
            Role.covenant_id.in_(sorted(channels)),
            Role.kind == RoleKind.SECRETARIAT,
            or_(Person.slack_user_id.is_not(None), Person.email.is_not(None)),
        )
        .order_by(Person.id)
    ).all()
    for covenant_id, person in rows:
        if channels[covenant_id] and not addresses.email_only(person.slack_user_id, person.email, person.route):
            continue  # reads the secretariat channel
        found.setdefault(covenant_id, []).extend(addresses.routes_of(person))
    return found


def user_timezone(session: Session, slack_user_id: str, fallback: str) -> str:
    """The user's Slack time zone (cached from users.info), else ``fallback``; for ``person:<id>`` (someone
    reached by email) the person's own time zone, else ``fallback``."""
    if addresses.is_person_address(slack_user_id):
        person = addresses.person_at(session, slack_user_id)
        return (person.timezone if person is not None else None) or fallback
    tz = session.scalar(select(SlackProfile.tz).where(SlackProfile.slack_user_id == slack_user_id))
    return tz or fallback


def recipients(session: Session, deadline: Deadline) -> list[Recipient]:
    """Who is reminded: the owner when there is one, else every contact of the company; each on every route
    the person is reached by (a Slack id, ``person:<id>`` for email, or both: two recipients)."""
    covenant_tz = deadline.covenant.timezone
    if deadline.owner_slack_id:
        owner = addresses.person_at(session, deadline.owner_slack_id)
        if owner is not None:
            ids = addresses.routes_of(owner)
        else:  # a Slack user the bot has no person for (an action item's owner named by mention)
            ids = [] if addresses.is_person_address(deadline.owner_slack_id) else [deadline.owner_slack_id]
    elif deadline.owner_person is not None and addresses.routes_of(deadline.owner_person):
        ids = addresses.routes_of(deadline.owner_person)
    elif deadline.organisation_id is not None:
        ids = [
            address
            for p in company_contacts(session, deadline.organisation_id, deadline.covenant_id)
            for address in addresses.routes_of(p)
        ]
    else:
        ids = []
    return [Recipient(address, user_timezone(session, address, covenant_tz)) for address in ids]


def may_act_on(session: Session, deadline: Deadline, slack_user_id: str) -> bool:
    """True for the deadline's own recipients (owner or company contacts); ``slack_user_id`` may be a person's
    address ``person:<id>`` (a link followed from an email)."""
    return any(r.slack_id == slack_user_id for r in recipients(session, deadline))


def get(session: Session, deadline_id: int) -> Deadline:
    """The deadline, or UsageError ``deadline.gone`` when it no longer exists."""
    deadline = session.scalar(
        select(Deadline)
        .options(selectinload(Deadline.covenant), selectinload(Deadline.organisation))
        .where(Deadline.id == deadline_id)
    )
    if deadline is None:
        raise UsageError("deadline.gone")
    return deadline


def needs_planning(deadline: Deadline) -> None:
    """Mark the deadline so the next sweep (re)plans its reminders."""
    deadline.planned_at = None


def create(
    session: Session,
    *,
    covenant_id: int,
    kind: DeadlineKind,
    title: str,
    due_on: date,
    now: datetime,
    actor: str,
    organisation_id: int | None = None,
    owner_slack_id: str | None = None,
    ref: str | None = None,
) -> Deadline:
    """Add a deadline (audited); the sweep plans its reminders."""
    deadline = Deadline(
        covenant_id=covenant_id,
        kind=kind,
        title=title,
        due_on=due_on,
        organisation_id=organisation_id,
        owner_slack_id=owner_slack_id,
        ref=ref,
        status=DeadlineStatus.OPEN,
    )
    session.add(deadline)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="deadline.created",
        entity="deadline",
        entity_id=deadline.id,
        detail={"due_on": due_on.isoformat(), "kind": kind.value},
    )
    return deadline


def close(session: Session, deadline: Deadline, status: DeadlineStatus, now: datetime, actor: str) -> bool:
    """Mark done or waived; False (and no change) when it already was. Pending reminders are dropped."""
    if deadline.status == status:
        return False
    previous = deadline.status
    # Conditional in the database: of two closing it at the same moment, one closes it and the other is told.
    result = session.execute(
        update(Deadline)
        .where(Deadline.id == deadline.id, Deadline.status == previous)
        .values(status=status, done_at=now if status == DeadlineStatus.DONE else None, planned_at=None)
        .execution_options(synchronize_session=False)
    )
    session.refresh(deadline)
    if int(getattr(result, "rowcount", 0) or 0) != 1:
        return False
    drop_pending(session, deadline.id)
    audit.record(
        session,
        at=now,
        actor=actor,
        action=f"deadline.{status.value}",
        entity="deadline",
        entity_id=deadline.id,
        detail={"from": previous.value},
    )
    return True


def reopen(session: Session, deadline: Deadline, now: datetime, actor: str) -> None:
    """Open the deadline again (e.g. the secretariat did not receive the plan)."""
    deadline.status = DeadlineStatus.OPEN
    deadline.done_at = None
    needs_planning(deadline)
    audit.record(session, at=now, actor=actor, action="deadline.reopened", entity="deadline", entity_id=deadline.id)


def set_due(session: Session, deadline: Deadline, due_on: date, now: datetime, actor: str) -> None:
    """Move the due date; reminders are planned again for the new date."""
    previous = deadline.due_on
    deadline.due_on = due_on
    deadline.snoozed_until = None
    needs_planning(deadline)
    drop_stale(session, deadline.id, former_due_on=previous)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="deadline.due_changed",
        entity="deadline",
        entity_id=deadline.id,
        detail={"from": previous.isoformat(), "to": due_on.isoformat()},
    )


def snooze(session: Session, deadline: Deadline, days: int, now: datetime, actor: str) -> datetime:
    """Hold reminders for ``days`` days, never past the due date; UsageError when already due.

    Returns when the reminder comes again: ``days`` days on, at the start of the delivery window, on a business
    day (snoozed on Friday for 1 day: Monday 09:00). The sweep sends it then, and the policy's reminders after it.
    """
    policy = policy_for(deadline.kind, deadline.covenant.reminder_policy)
    tz = deadline.covenant.timezone
    due_moment = day_start(deadline.due_on, tz, policy)
    local_today = now.astimezone(ZoneInfo(tz)).date()
    again = next_allowed_moment(day_start(local_today + timedelta(days=days), tz, policy), tz, policy)
    locking.serialise(session, "deadline", deadline.id)
    session.refresh(deadline, ["status"])  # closed a moment ago by someone else: say so, hold nothing
    if deadline.status != DeadlineStatus.OPEN:
        raise UsageError("deadline.closed")
    if now >= due_moment:
        raise UsageError("reminder.snooze_too_late")
    until = min(again, due_moment)
    deadline.snoozed_until = until
    needs_planning(deadline)
    drop_pending(session, deadline.id)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="reminder.snoozed",
        entity="deadline",
        entity_id=deadline.id,
        detail={"until": until.isoformat(), "days": days},
    )
    return until


def opt_out(session: Session, deadline: Deadline, slack_user_id: str, now: datetime) -> bool:
    """Stop reminding this person of this deadline ("not for me"); False when they already opted out."""
    key = f"optout:{deadline.id}:{slack_user_id}"
    locking.serialise(session, "deadline", deadline.id)  # pressed twice at once: the second finds the first's row
    if session.scalar(select(ReminderDelivery.id).where(ReminderDelivery.dedupe_key == key)) is not None:
        return False
    session.add(
        ReminderDelivery(
            dedupe_key=key,
            deadline_id=deadline.id,
            rule="optout",
            recipient=slack_user_id,
            planned_for=now,
            status=DeliveryStatus.SKIPPED,
            created_at=now,
        )
    )
    session.execute(
        update(ReminderDelivery)
        .where(
            ReminderDelivery.deadline_id == deadline.id,
            ReminderDelivery.recipient.in_(_same_person(session, slack_user_id)),
            ReminderDelivery.status == DeliveryStatus.PLANNED,
        )
        .values(status=DeliveryStatus.SKIPPED, last_error="recipient said: not for me")
    )
    audit.record(
        session, at=now, actor=slack_user_id, action="reminder.not_for_me", entity="deadline", entity_id=deadline.id
    )
    return True


def _same_person(session: Session, address: str) -> set[str]:
    """``address`` and the person's other routes (route both: a Slack id and ``person:<id>``)."""
    person = addresses.person_at(session, address)
    return {address, *(addresses.routes_of(person) if person is not None else [])}


def opted_out(session: Session, deadline_id: int) -> set[str]:
    """Recipients who said a deadline is not for them (on any of their routes: all of that person's)."""
    said = session.scalars(
        select(ReminderDelivery.recipient).where(
            ReminderDelivery.deadline_id == deadline_id, ReminderDelivery.rule == "optout"
        )
    )
    return {address for recipient in said for address in _same_person(session, recipient)}


def drop_pending(session: Session, deadline_id: int) -> None:
    """Forget reminders of a deadline that were planned but not yet claimed (re-planning may add them again)."""
    session.execute(
        delete(ReminderDelivery).where(
            ReminderDelivery.deadline_id == deadline_id,
            ReminderDelivery.status == DeliveryStatus.PLANNED,
            ReminderDelivery.rule != "optout",
        )
    )


def drop_stale(
    session: Session,
    deadline_id: int,
    *,
    former_due_on: date | None = None,
    former_recipients: Collection[str] = (),
) -> None:
    """Forget planned reminders that a change made wrong: those for a former due date or a former recipient.

    Unlike ``drop_pending`` it leaves the rest planned, so a recipient who stays loses no reminder.
    """
    stale: list[ColumnElement[bool]] = []
    if former_due_on is not None:
        # The due date is part of every reminder's dedupe key (see reminders._key).
        stale.append(ReminderDelivery.dedupe_key.startswith(f"deadline:{deadline_id}:{former_due_on.isoformat()}:"))
    if former_recipients:
        stale.append(ReminderDelivery.recipient.in_(sorted(former_recipients)))
    if not stale:
        return
    session.execute(
        delete(ReminderDelivery).where(
            ReminderDelivery.deadline_id == deadline_id,
            ReminderDelivery.status == DeliveryStatus.PLANNED,
            ReminderDelivery.rule != "optout",
            or_(*stale),
        )
    )
