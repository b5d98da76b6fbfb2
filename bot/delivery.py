"""The reminder sweep: plan what is owed, claim what is due, send it through the Web API, record it.

Delivery guarantee (see README): every planned reminder is sent once, or marked failed and the
secretariat told. A claim is a leased row in the database, renewed before each send; a process
that dies mid-send loses its lease and another process takes the row over, and a process that lost
its claim writes nothing. Each chat.postMessage is recorded (committed) before it is made and
each message carries its delivery id in Slack message metadata: the next attempt after a send whose
outcome is unknown (a crash, timeout or 5xx) first looks for that id in the conversation's history,
and sends only when the history was read and does not hold it.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.client import HTTPException
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.clock import Clock
from bot.db.engine import SessionFactory
from bot.db.enums import DeliveryStatus
from bot.db.models import Deadline, ReminderDelivery
from bot.delivery_history import METADATA_TYPE as METADATA_TYPE
from bot.delivery_history import HistoryUnreadable, find_sent
from bot.render import reminders as render
from bot.render.blocks import Reply
from bot.services import access, deadlines, people, reminders
from bot.services.people import Profile
from config.settings import Settings

logger = logging.getLogger(__name__)

PERMANENT_ERRORS = frozenset(
    {
        "user_not_found",
        "channel_not_found",
        "not_in_channel",
        "account_inactive",
        "is_archived",
        "cannot_dm_bot",
        "user_disabled",
        "restricted_action",
        "invalid_blocks",
        "msg_too_long",
        "invalid_auth",
        "not_authed",
        "missing_scope",
        "team_access_not_granted",
    }
)
DEADLINE_RULE_PREFIXES = ("before-", "due", "overdue-")

MessageBuilder = Callable[[Session, ReminderDelivery, datetime, str], "Reply | None"]
Planner = Callable[[Session, datetime], int]
AfterSend = Callable[[Session, ReminderDelivery, datetime], None]

_builders: dict[str, MessageBuilder] = {}
_planners: list[Planner] = []
_after_send: dict[str, AfterSend] = {}


def family(rule: str) -> str:
    """The kind of a delivery's rule: ``before-7`` / ``due`` / ``overdue-2`` are all ``deadline``."""
    if rule.startswith(DEADLINE_RULE_PREFIXES):
        return "deadline"
    return rule.split("-", 1)[0].split(":", 1)[0]


def register(
    rule_family: str, builder: MessageBuilder, planner: Planner | None = None, after_send: AfterSend | None = None
) -> None:
    """Teach the sweep a kind of message: how to build it, (optionally) how to plan it, and what to do after."""
    _builders[rule_family] = builder
    if planner is not None and planner not in _planners:
        _planners.append(planner)
    if after_send is not None:
        _after_send[rule_family] = after_send


@dataclass
class SweepResult:
    planned: int = 0
    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0
    recovered: int = 0

    @classmethod
    def of(cls, outcome: reminders.Outcome) -> SweepResult:
        """One delivery put back: retried, failed, or (claim lost) nothing."""
        return cls(retried=int(outcome == "retried"), failed=int(outcome == "failed"))

    def add(self, other: SweepResult) -> None:
        for name in ("planned", "claimed", "sent", "skipped", "retried", "failed", "recovered"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Sweeper:
    """Runs sweeps; any number of sweepers (threads or processes) may share one database."""

    session_factory: SessionFactory
    client: WebClient
    clock: Clock
    settings: Settings
    worker: str = field(default_factory=lambda: f"sweeper-{uuid.uuid4().hex[:8]}")
    batch: int = 200
    threads: int = 4
    lease: timedelta = reminders.LEASE
    _pause_until: float = 0.0
    _gate: threading.Lock = field(default_factory=threading.Lock)

    # -- the sweep ---------------------------------------------------------------------------------
    def run_once(self) -> SweepResult:
        """Plan what changed, then claim and send everything due now; returns what happened."""
        result = SweepResult(planned=self.plan())
        rounds_after_skips = 0
        while True:
            now = self.clock.now()
            with self.session_factory() as session:
                claims = reminders.claim(session, now, self.worker, self.batch, self.lease)
            if not claims:
                return result
            ids = [delivery_id for delivery_id, _ in claims]
            result.claimed += len(ids)
            batch = SweepResult()
            with ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="deliver") as pool:
                for outcome in pool.map(lambda claim: self.deliver(*claim), claims):
                    batch.add(outcome)
            result.add(batch)
            # A stale reminder that was dropped has had its successor planned, due now: send it in this sweep.
            if len(ids) < self.batch and (batch.skipped == 0 or rounds_after_skips >= 3):
                return result
            rounds_after_skips += batch.skipped > 0

    def plan(self) -> int:
        """Plan reminders for changed deadlines and run every registered planner."""
        now = self.clock.now()
        planned = 0
        while True:
            with self.session_factory() as session:
                todo = reminders.deadlines_to_plan(session)
                if not todo:
                    break
                self._ensure_profiles(session, todo, now)
                for deadline in todo:
                    planned += reminders.plan_deadline(session, deadline, now)
                session.commit()
        for planner in list(_planners):
            with self.session_factory() as session:
                planned += planner(session, now)
                session.commit()
        return planned

    def _ensure_profiles(self, session: Session, todo: list[Deadline], now: datetime) -> None:
        """Ask Slack for the time zone of recipients we know nothing about (users.info, cached)."""
        for deadline in todo:
            for recipient in deadlines.recipients(session, deadline):
                if people.stale_profile(session, recipient.slack_id) is not None:
                    continue
                try:
                    user = self.client.users_info(user=recipient.slack_id, include_locale=True)["user"]
                except (SlackApiError, OSError, HTTPException) as exc:
                    logger.info("users.info %s: %s", recipient.slack_id, exc)
                    continue
                people.store_profile(
                    session,
                    Profile(recipient.slack_id, user.get("real_name"), user.get("tz"), user.get("locale")),
                    now,
                )

    # -- one delivery --------------------------------------------------------------------------------
    def deliver(self, delivery_id: int, attempt: int | None = None) -> SweepResult:
        """Send one claimed delivery (or recognise it was sent already, or drop it when no longer owed).

        ``attempt`` is the claim's (from :func:`reminders.claim`); a claim that was lost does nothing.
        """
        result = SweepResult()
        with self.session_factory() as session:
            delivery = session.get(ReminderDelivery, delivery_id)
            if delivery is None or delivery.claimed_by != self.worker or delivery.status != DeliveryStatus.CLAIMED:
                return result
            if attempt is not None and delivery.attempts != attempt:
                return result
            now = self.clock.now()
            try:
                reply = self._build(session, delivery, now)
            except Exception:
                logger.exception("could not build delivery %s", delivery_id)
                return SweepResult.of(
                    reminders.mark_retry(session, delivery, self.worker, now, timedelta(minutes=5), "build error")
                )
            if reply is None:
                if reminders.mark_skipped(session, delivery, self.worker, "no longer owed"):
                    result.skipped += 1
                    self._after(session, delivery, now)
                return result
            if reminders.needs_history_check(delivery):
                try:
                    found = find_sent(self.client, delivery)
                except HistoryUnreadable as unreadable:
                    # Whether Slack holds the message is unknown: wait, never send blind.
                    delay = unreadable.retry_after or self._backoff(delivery.attempts - delivery.posts)
                    return SweepResult.of(
                        reminders.mark_unverified(
                            session, delivery, self.worker, self.clock.now(), delay, unreadable.code
                        )
                    )
                if found is not None:
                    if reminders.mark_sent(session, delivery, self.worker, found[0], found[1], now):
                        result.recovered += 1
                        self._after(session, delivery, now)
                    return result
            gave_up = reminders.give_up_sending(session, delivery, self.worker, self.clock.now())
            if gave_up is not None:
                return SweepResult.of(gave_up)
            return self._send(session, delivery, reply, now)

    def _build(self, session: Session, delivery: ReminderDelivery, now: datetime) -> Reply | None:
        lang = people.language_of(session, delivery.recipient, self.settings.bot_language)
        builder = _builders.get(family(delivery.rule))
        if builder is None:
            logger.error("no message builder for rule %s", delivery.rule)
            return None
        if not access.may_receive(session, delivery):
            # Confidential to its recipient (an assessment meeting in a group's channel, say): never sent.
            logger.warning("delivery %s (%s) is not for %s: dropped", delivery.id, delivery.rule, delivery.recipient)
            return None
        return builder(session, delivery, now, lang)

    def _wait_for_gate(self) -> None:
        while True:
            with self._gate:
                wait = self._pause_until - time.monotonic()
            if wait <= 0:
                return
            time.sleep(min(wait, 1.0))

    def _send(self, session: Session, delivery: ReminderDelivery, reply: Reply, now: datetime) -> SweepResult:
        result = SweepResult()
        self._wait_for_gate()
        # What the row was before this request: restored when the answer proves nothing was stored.
        unsure_before = delivery.unsure_since
        if not reminders.start_post(session, delivery, self.worker, self.clock.now(), self.lease):
            return result  # the claim was lost (the lease ran out while waiting): someone else sends it
        try:
            response = self.client.chat_postMessage(
                channel=delivery.recipient,
                metadata={"event_type": METADATA_TYPE, "event_payload": {"delivery_id": delivery.id}},
                unfurl_links=False,
                **reply.as_message(),
            )
        except SlackApiError as error:
            return self._api_error(session, delivery, error, unsure_before)
        except (OSError, HTTPException) as error:
            # The request may or may not have reached Slack: the row stays unsure, the retry looks first.
            delay = self._backoff(delivery.posts)
            return SweepResult.of(
                reminders.mark_retry(session, delivery, self.worker, self.clock.now(), delay, f"uncertain: {error}")
            )
        if reminders.mark_sent(session, delivery, self.worker, str(response["channel"]), str(response["ts"]), now):
            result.sent += 1
            self._after(session, delivery, now)
        return result

    def _api_error(
        self, session: Session, delivery: ReminderDelivery, error: SlackApiError, unsure_before: datetime | None
    ) -> SweepResult:
        result = SweepResult()
        now = self.clock.now()
        status = error.response.status_code
        code = str(error.response.get("error", "")) if error.response.data else ""
        if status == 429 or code == "ratelimited":
            retry_after = float(error.response.headers.get("Retry-After", error.response.headers.get("retry-after", 1)))
            with self._gate:
                self._pause_until = max(self._pause_until, time.monotonic() + retry_after)
            delay = timedelta(seconds=retry_after)
            return SweepResult.of(
                reminders.mark_retry(
                    session,
                    delivery,
                    self.worker,
                    now,
                    delay,
                    reminders.NOT_SENT_MARKER + "ratelimited",
                    unsure_before,
                    rate_limited=True,
                )
            )
        if code in PERMANENT_ERRORS:
            if reminders.mark_failed(session, delivery, self.worker, now, code):
                result.failed += 1
            return result
        # A 5xx may come after Slack stored the message; any other answer says it did not.
        uncertain = status >= 500
        marker = "uncertain: " if uncertain else reminders.NOT_SENT_MARKER
        return SweepResult.of(
            reminders.mark_retry(
                session,
                delivery,
                self.worker,
                now,
                self._backoff(delivery.posts),
                f"{marker}{status} {code}",
                reminders.KEEP if uncertain else unsure_before,
            )
        )

    @staticmethod
    def _backoff(attempts: int) -> timedelta:
        seconds = min(30 * 2 ** max(0, attempts - 1), 3600)
        return timedelta(seconds=seconds * random.uniform(0.8, 1.2))

    def _after(self, session: Session, delivery: ReminderDelivery, now: datetime) -> None:
        hook = _after_send.get(family(delivery.rule))
        if hook is not None:
            hook(session, delivery, now)
            session.commit()

    def deliver_now(self, delivery_id: int) -> SweepResult:
        """Claim and send one specific delivery at once (a notice a user is waiting for)."""
        with self.session_factory() as session:
            claimed = reminders.claim(session, self.clock.now(), self.worker, lease=self.lease, only=delivery_id)
        result = SweepResult(claimed=len(claimed))
        for claimed_id, attempt in claimed:
            result.add(self.deliver(claimed_id, attempt))
        return result


# -- deadline reminders -------------------------------------------------------------------------------


def _deadline(session: Session, delivery: ReminderDelivery) -> Deadline | None:
    if delivery.deadline_id is None:
        return None
    return session.scalar(
        select(Deadline)
        .options(selectinload(Deadline.covenant), selectinload(Deadline.organisation))
        .where(Deadline.id == delivery.deadline_id)
    )


def _for_current_due_date(deadline: Deadline, delivery: ReminderDelivery) -> bool:
    """An open deadline whose due date is still the one this reminder was planned for."""
    return deadline.status.value == "open" and f":{deadline.due_on.isoformat()}:" in delivery.dedupe_key


def _local_today(deadline: Deadline, session: Session, recipient: str, now: datetime) -> Any:
    from zoneinfo import ZoneInfo

    tz = deadlines.user_timezone(session, recipient, deadline.covenant.timezone)
    return now.astimezone(ZoneInfo(tz)).date(), tz


def build_deadline_reminder(session: Session, delivery: ReminderDelivery, now: datetime, lang: str) -> Reply | None:
    deadline = _deadline(session, delivery)
    if deadline is None or not _for_current_due_date(deadline, delivery):
        return None
    if deadline.snoozed_until is not None and deadline.snoozed_until > now:
        return None
    today, tz = _local_today(deadline, session, delivery.recipient, now)
    latest = reminders.latest_due_rule(deadline, tz, now)
    if latest is not None and latest.name != delivery.rule:
        # A later reminder is due already (after downtime): send only that one.
        return None
    return render.deadline_reminder(deadline, delivery.rule, today, lang)


def replan_after_deadline_reminder(session: Session, delivery: ReminderDelivery, now: datetime) -> None:
    deadline = _deadline(session, delivery)
    if deadline is not None:
        reminders.plan_deadline(session, deadline, now)


def build_escalation(session: Session, delivery: ReminderDelivery, now: datetime, lang: str) -> Reply | None:
    deadline = _deadline(session, delivery)
    if deadline is None or not _for_current_due_date(deadline, delivery):
        return None
    today, _ = _local_today(deadline, session, delivery.recipient, now)
    contacts = [r.slack_id for r in deadlines.recipients(session, deadline)]
    return render.escalation(deadline, contacts, today, lang)


def build_no_contact(session: Session, delivery: ReminderDelivery, now: datetime, lang: str) -> Reply | None:
    deadline = _deadline(session, delivery)
    if deadline is None or deadline.status.value != "open" or deadlines.recipients(session, deadline):
        return None
    return render.no_contact(deadline, lang)


def build_failure(session: Session, delivery: ReminderDelivery, now: datetime, lang: str) -> Reply | None:
    payload = delivery.payload or {}
    deadline = _deadline(session, delivery)
    title = deadline.title if deadline else str(payload.get("rule", "?"))
    return render.delivery_failed(title, str(payload.get("recipient", "?")), str(payload.get("error", "?")), lang)


def build_submitted(session: Session, delivery: ReminderDelivery, now: datetime, lang: str) -> Reply | None:
    deadline = _deadline(session, delivery)
    payload = delivery.payload or {}
    if deadline is None:
        return None
    from datetime import date

    return render.submitted_notice(deadline, str(payload.get("by")), date.fromisoformat(str(payload["on"])), lang)


def build_forwarded(session: Session, delivery: ReminderDelivery, now: datetime, lang: str) -> Reply | None:
    deadline = _deadline(session, delivery)
    if deadline is None:
        return None
    return render.forwarded_notice(deadline, str((delivery.payload or {}).get("by")), lang)


register("deadline", build_deadline_reminder, after_send=replan_after_deadline_reminder)
register("escalate", build_escalation)
register("nocontact", build_no_contact)
register("failure", build_failure)
register("submitted", build_submitted)
register("forwarded", build_forwarded)


# -- digests ---------------------------------------------------------------------------------------------------


def build_digest(session: Session, delivery: ReminderDelivery, now: datetime, lang: str) -> Reply | None:
    from bot.db.models import Covenant, WorkingGroup
    from bot.render import digests as render_digests
    from bot.services import digests
    from bot.services.access import audience_of

    # What a digest lists depends on who reads it where it goes (a group's channel: anyone).
    audience = audience_of(session, delivery.recipient, lang, "UTC")
    if delivery.rule == "digest-secretariat" and delivery.covenant_id is not None:
        covenant = session.get(Covenant, delivery.covenant_id)
        if covenant is None:
            return None
        secretariat = digests.secretariat_digest(session, covenant, now, audience)
        return None if secretariat is None or secretariat.empty else render_digests.secretariat(secretariat, lang)
    if delivery.rule == "digest-group" and delivery.working_group_id is not None:
        group = session.get(WorkingGroup, delivery.working_group_id)
        if group is None:
            return None
        week = digests.group_digest(session, group, now, audience)
        return None if week.empty else render_digests.group(week, lang)
    return None


def _plan_digests(session: Session, now: datetime) -> int:
    from bot.services import digests

    return digests.plan_digests(session, now)


register("digest", build_digest, planner=_plan_digests)


import bot.delivery_meetings  # noqa: E402  (registers the meeting family)
import bot.services.minutes_planner  # noqa: E402, F401  (registers the "minutes" family)
