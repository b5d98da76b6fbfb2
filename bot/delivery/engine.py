"""The reminder sweep: plan what is owed, claim what is due, send it through the Web API, record it.

What it sends comes in families (bot.delivery.families: deadlines, digests, meetings, minutes), each
planning, building and following up its own messages; a sweeper is given them when it is built.

Delivery guarantee (see README): every planned reminder is sent once, or marked failed and the
secretariat told. A delivery to ``person:<id>`` goes by email (bot.delivery.email_route: the same claims
and record; SMTP has no history to look in, so one extra copy per send broken off after acceptance).

A claim is a leased row in the database, renewed before each send; a process
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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.client import HTTPException

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.db.engine import SessionFactory
from bot.db.enums import DeliveryStatus
from bot.db.models import Deadline, ReminderDelivery
from bot.delivery import email_route, store
from bot.delivery.canvases import CanvasKeeper
from bot.delivery.email_route import LinkFor, no_links
from bot.delivery.families import FAMILIES
from bot.delivery.family import Family, kind
from bot.delivery.history import METADATA_TYPE, HistoryUnreadable, find_sent
from bot.delivery.mail_transport import MailTransport, transport_for
from bot.render.blocks import Reply
from bot.services.fingerprints import PlannerMemory
from bot.services.people import access, addresses, people
from bot.services.people.people import Profile
from bot.services.plans import deadlines, reminders
from config.settings import Settings

logger = logging.getLogger(__name__)

# chat.postMessage allows about one message a second per channel (short bursts aside) and a workspace-wide
# number: a sweep with several messages for one channel, or a fan-out, meets 429s with a Retry-After of a
# second or two. A send waits out that short a refusal and goes in the same sweep (everyone waits at the gate
# meanwhile, as Slack asks); a longer one puts the delivery back for later.
WAIT_IN_SWEEP_SECONDS = 5.0
WAITS_IN_SWEEP = 3

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
    def of(cls, outcome: store.Outcome) -> SweepResult:
        """One delivery put back: retried, failed, or (claim lost) nothing."""
        return cls(retried=int(outcome == "retried"), failed=int(outcome == "failed"))

    def add(self, other: SweepResult) -> None:
        for name in ("planned", "claimed", "sent", "skipped", "retried", "failed", "recovered"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Sweeper:
    """Runs sweeps of ``families``; any number of sweepers (threads or processes) may share one database."""

    session_factory: SessionFactory
    client: WebClient
    clock: Clock
    settings: Settings
    worker: str = field(default_factory=lambda: f"sweeper-{uuid.uuid4().hex[:8]}")
    batch: int = 200
    threads: int = 4
    lease: timedelta = store.LEASE
    families: tuple[Family, ...] = FAMILIES
    # The email route: how emails leave (None: from SMTP_URL; unset there too, nobody is reached by email) and
    # the link each button of an email gets (the signed links are wired in here).
    mail: MailTransport | None = None
    link_for: LinkFor = no_links
    _pause_until: float = 0.0
    _gate: threading.Lock = field(default_factory=threading.Lock)
    # Per family: what its planner remembers between this sweeper's sweeps.
    _memory: dict[str, PlannerMemory] = field(default_factory=dict)
    _by_kind: dict[str, Family] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_kind = {name: family for family in self.families for name in family.kinds}
        if self.mail is None:
            self.mail = transport_for(self.settings.smtp_url)

    # -- the sweep ---------------------------------------------------------------------------------
    def run_once(self) -> SweepResult:
        """Plan what changed, then claim and send everything due now; returns what happened."""
        result = SweepResult(planned=self.plan())
        self._keep_canvases()
        rounds_after_skips = 0
        while True:
            now = self.clock.now()
            with self.session_factory() as session:
                claims = store.claim(session, now, self.worker, self.batch, self.lease)
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

    def keep_canvases(self, only: list[str] | None = None) -> int:
        """Write the owed channel-canvas updates (of ``only`` these channels): bot.delivery.canvases."""
        keeper = CanvasKeeper(self.session_factory, self.client, self.clock, self.settings.bot_language, self.worker)
        return keeper.keep(only)

    def keep_dashboards(self) -> int:
        """The daily job: every covenant's dashboard canvas is written again (its figures change by the day)."""
        keeper = CanvasKeeper(self.session_factory, self.client, self.clock, self.settings.bot_language, self.worker)
        keeper.owe_dashboards()
        return keeper.keep()

    def _keep_canvases(self) -> None:
        keeper = CanvasKeeper(self.session_factory, self.client, self.clock, self.settings.bot_language, self.worker)
        try:
            keeper.mark_stale()
            keeper.keep()
        except Exception:  # canvases never hold up the reminders
            logger.exception("canvas updates failed; the next sweep tries again")

    def plan(self) -> int:
        """Learn the time zones of new deadline recipients, then run every family's planner."""
        now = self.clock.now()
        self._learn_time_zones(now)
        planned = 0
        for family in self.families:
            if family.plan is None:
                continue
            memory = self._memory.setdefault(family.name, PlannerMemory())
            with self.session_factory() as session:
                planned += family.plan(session, now, memory)
                session.commit()
        return planned

    def _learn_time_zones(self, now: datetime) -> None:
        """Before deadlines are planned, ask Slack for the time zone of recipients we know nothing about."""
        after = 0
        while True:
            with self.session_factory() as session:
                todo = reminders.deadlines_to_plan(session, after=after)
                if not todo:
                    return
                self._ensure_profiles(session, todo, now)
                session.commit()
            after = todo[-1].id

    def _ensure_profiles(self, session: Session, todo: list[Deadline], now: datetime) -> None:
        """Ask Slack for the time zone of recipients we know nothing about (users.info, cached)."""
        for deadline in todo:
            for recipient in deadlines.recipients(session, deadline):
                if addresses.is_person_address(recipient.slack_id):
                    continue  # reached by email: no Slack profile to ask for
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

        ``attempt`` is the claim's (from :func:`store.claim`); a claim that was lost does nothing.
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
                    store.mark_retry(session, delivery, self.worker, now, timedelta(minutes=5), "build error")
                )
            if reply is None:
                if store.mark_skipped(session, delivery, self.worker, "no longer owed"):
                    result.skipped += 1
                    self._after(session, delivery, now)
                return result
            if addresses.is_person_address(delivery.recipient):
                return self._mail(session, delivery, reply, now)
            if store.needs_history_check(delivery):
                try:
                    found = find_sent(self.client, delivery)
                except HistoryUnreadable as unreadable:
                    # Whether Slack holds the message is unknown: wait, never send blind.
                    delay = unreadable.retry_after or self._backoff(delivery.attempts - delivery.posts)
                    return SweepResult.of(
                        store.mark_unverified(session, delivery, self.worker, self.clock.now(), delay, unreadable.code)
                    )
                if found is not None:
                    if store.mark_sent(session, delivery, self.worker, found[0], found[1], now):
                        result.recovered += 1
                        self._after(session, delivery, now)
                    return result
            gave_up = store.give_up_sending(session, delivery, self.worker, self.clock.now())
            if gave_up is not None:
                return SweepResult.of(gave_up)
            return self._send(session, delivery, reply, now)

    def _build(self, session: Session, delivery: ReminderDelivery, now: datetime) -> Reply | None:
        lang = people.delivery_language(session, delivery.recipient, delivery.covenant_id, self.settings.bot_language)
        family = self._by_kind.get(kind(delivery.rule))
        if family is None:
            logger.error("no message family for rule %s", delivery.rule)
            return None
        if not access.may_receive(session, delivery):
            # Confidential to its recipient (an assessment meeting in a group's channel, say): never sent.
            logger.warning("delivery %s (%s) is not for %s: dropped", delivery.id, delivery.rule, delivery.recipient)
            return None
        return family.build(session, delivery, now, lang)

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
        if not store.start_post(session, delivery, self.worker, self.clock.now(), self.lease):
            return result  # the claim was lost (the lease ran out while waiting): someone else sends it
        waits = 0
        while True:
            try:
                response = self.client.chat_postMessage(
                    channel=delivery.recipient,
                    metadata={"event_type": METADATA_TYPE, "event_payload": {"delivery_id": delivery.id}},
                    unfurl_links=False,
                    **reply.as_message(),
                )
                break
            except SlackApiError as error:
                retry_after = _retry_after(error)
                if retry_after is None or retry_after > WAIT_IN_SWEEP_SECONDS or waits >= WAITS_IN_SWEEP:
                    return self._api_error(session, delivery, error, unsure_before)
                # Slack refused it (nothing stored) for a second or two: wait that out and send it in this sweep.
                waits += 1
                with self._gate:
                    self._pause_until = max(self._pause_until, time.monotonic() + retry_after)
                self._wait_for_gate()
            except (OSError, HTTPException) as error:
                # The request may or may not have reached Slack: the row stays unsure, the retry looks first.
                delay = self._backoff(delivery.posts)
                return SweepResult.of(
                    store.mark_retry(session, delivery, self.worker, self.clock.now(), delay, f"uncertain: {error}")
                )
        if store.mark_sent(session, delivery, self.worker, str(response["channel"]), str(response["ts"]), now):
            result.sent += 1
            self._after(session, delivery, now)
        return result

    def _mail(self, session: Session, delivery: ReminderDelivery, reply: Reply, now: datetime) -> SweepResult:
        """Send a delivery to ``person:<id>`` by email (:func:`email_route.send`), then what follows a send."""
        outcome = email_route.send(
            session,
            delivery,
            reply,
            now,
            worker=self.worker,
            clock=self.clock,
            lease=self.lease,
            settings=self.settings,
            transport=self.mail,
            link_for=self.link_for,
            family=self._by_kind.get(kind(delivery.rule)),
            backoff=self._backoff,
        )
        if outcome == "sent":
            self._after(session, delivery, now)
            return SweepResult(sent=1)
        return SweepResult.of(outcome)

    def _api_error(
        self, session: Session, delivery: ReminderDelivery, error: SlackApiError, unsure_before: datetime | None
    ) -> SweepResult:
        result = SweepResult()
        now = self.clock.now()
        status = error.response.status_code
        code = str(error.response.get("error", "")) if error.response.data else ""
        retry_after = _retry_after(error)
        if retry_after is not None:
            with self._gate:
                self._pause_until = max(self._pause_until, time.monotonic() + retry_after)
            delay = timedelta(seconds=retry_after)
            return SweepResult.of(
                store.mark_retry(
                    session,
                    delivery,
                    self.worker,
                    now,
                    delay,
                    store.NOT_SENT_MARKER + "ratelimited",
                    unsure_before,
                    rate_limited=True,
                )
            )
        if code in PERMANENT_ERRORS:
            if store.mark_failed(session, delivery, self.worker, now, code):
                result.failed += 1
            return result
        # A 5xx may come after Slack stored the message; any other answer says it did not.
        uncertain = status >= 500
        marker = "uncertain: " if uncertain else store.NOT_SENT_MARKER
        return SweepResult.of(
            store.mark_retry(
                session,
                delivery,
                self.worker,
                now,
                self._backoff(delivery.posts),
                f"{marker}{status} {code}",
                store.KEEP if uncertain else unsure_before,
            )
        )

    @staticmethod
    def _backoff(attempts: int) -> timedelta:
        seconds = min(30 * 2 ** max(0, attempts - 1), 3600)
        return timedelta(seconds=seconds * random.uniform(0.8, 1.2))

    def _after(self, session: Session, delivery: ReminderDelivery, now: datetime) -> None:
        family = self._by_kind.get(kind(delivery.rule))
        if family is not None and family.after_send is not None:
            family.after_send(session, delivery, now)
            session.commit()

    def deliver_now(self, delivery_id: int) -> SweepResult:
        """Claim and send one specific delivery at once (a notice a user is waiting for)."""
        with self.session_factory() as session:
            claimed = store.claim(session, self.clock.now(), self.worker, lease=self.lease, only=delivery_id)
        result = SweepResult(claimed=len(claimed))
        for claimed_id, attempt in claimed:
            result.add(self.deliver(claimed_id, attempt))
        return result


def _retry_after(error: SlackApiError) -> float | None:
    """Seconds Slack asks to wait when ``error`` is a rate limit (429 / ratelimited), else None."""
    code = str(error.response.get("error", "")) if error.response.data else ""
    if error.response.status_code != 429 and code != "ratelimited":
        return None
    headers = error.response.headers
    return max(0.0, float(headers.get("Retry-After", headers.get("retry-after", 1))))
