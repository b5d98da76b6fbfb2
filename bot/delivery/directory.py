"""The directory job: find the Slack users behind contacts known only by email, with users.lookupByEmail.

Run by the scheduler every ten minutes (not in the reminder sweep: a contact without Slack is looked up, and not
found, on a schedule of its own). users.lookupByEmail is Tier 3 (50+ a minute), so one run asks about at most
``per_run`` people and stops at the first 429; it walks the email-only contacts by id and starts over once a
day, so each is asked about at most about once a day. A contact found is linked by
:func:`bot.services.people.email_links.link_by_email`, under its rules. Without the ``users:read.email`` scope
Slack answers ``missing_scope``: the job says so once in the log and tries again an hour later.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.client import HTTPException

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import Clock
from bot.db.engine import SessionFactory
from bot.services.people import email_links

logger = logging.getLogger(__name__)

ROUND_AGAIN = timedelta(days=1)
SCOPE_AGAIN = timedelta(hours=1)


class _Stop(Exception):
    """Slack cannot be asked now (rate limit, missing scope, connection): the run ends here."""


@dataclass(frozen=True)
class DirectoryResult:
    """What one run did: people asked about, and how many of them were linked."""

    asked: int = 0
    linked: int = 0


@dataclass
class Directory:
    """Looks up email-only contacts in Slack, a few per run; keeps its place between runs (in memory)."""

    session_factory: SessionFactory
    client: WebClient
    clock: Clock
    per_run: int = 20
    _after: int = 0
    _paused_until: datetime | None = field(default=None, repr=False)

    def run_once(self) -> DirectoryResult:
        """Ask Slack about the next few email-only contacts; link those it knows."""
        now = self.clock.now()
        if self._paused_until is not None and now < self._paused_until:
            return DirectoryResult()
        with self.session_factory() as session:
            todo = email_links.awaiting_slack(session, after=self._after, limit=self.per_run)
        if not todo:
            if self._after:  # round done: begin the next one a day later
                self._after, self._paused_until = 0, now + ROUND_AGAIN
            return DirectoryResult()
        asked = linked = 0
        for person_id, email in todo:
            try:
                outcome = self._ask(email)
            except _Stop:
                break
            asked += 1
            self._after = person_id
            if outcome is None:
                continue
            with self.session_factory() as session:
                if email_links.link_by_email(session, outcome, email, now, via=email_links.LOOKUP) is not None:
                    linked += 1
        return DirectoryResult(asked, linked)

    def _ask(self, email: str) -> str | None:
        """The Slack user id with ``email``; None when Slack knows nobody; ``_Stop`` when this run must stop."""
        try:
            user = self.client.users_lookupByEmail(email=email)["user"]
        except SlackApiError as error:
            code = error.response.get("error")
            if code == "users_not_found":
                return None
            if code == "missing_scope":
                logger.warning("users.lookupByEmail needs the users:read.email scope: reinstall the app")
                self._paused_until = self.clock.now() + SCOPE_AGAIN
            elif code != "ratelimited":
                logger.info("users.lookupByEmail failed: %s", code)
            raise _Stop from error
        except (OSError, HTTPException) as error:
            logger.info("users.lookupByEmail failed: %s", error)
            raise _Stop from error
        if user.get("deleted") or user.get("is_bot"):
            return None
        return str(user.get("id") or "") or None
