"""Signed links for the buttons of an email: mint them, check them, and let each act once.

A link names a person's address (Slack id or ``person:<id>``), the button (its action_id) and the button's value,
when it expires and a random nonce, signed with HMAC-SHA256. The token is ``<payload>.<signature>``, both
base64url; the payload is compact JSON that also carries the signing key's id, so a link signed under another
key (a rotated secret, a forgery) is told apart from one whose text was changed.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.engine import SessionFactory
from bot.db.models import LinkKey, UsedLink
from config.settings import Settings

# A link in a reminder must still work when the next reminder comes (the policy's reminders are a week apart
# at most) and after a week's absence; a longer life only widens what a forwarded or leaked email can do.
LINK_LIFETIME = timedelta(days=14)
# The buttons of an email that get a link (the reminder buttons and the meeting RSVP buttons); their action_ids
# are those of the Slack buttons, and bot.commands.links maps each to the command the Slack button calls.
LINKED_ACTIONS = frozenset(
    {
        "reminder_done",
        "reminder_snooze_1",
        "reminder_snooze_3",
        "reminder_not_for_me",
        "plan_confirm_received",
        "plan_not_received",
        "meeting_rsvp_yes",
        "meeting_rsvp_no",
        "meeting_rsvp_maybe",
    }
)
PATH = "/l/"
# Derives the link key from the Slack signing secret, so the key is never the signing secret itself.
_DERIVATION_LABEL = b"covenant-bot email links v1"
_MAX_TOKEN = 2048


class Refusal(enum.StrEnum):
    """Why a link does nothing."""

    MALFORMED = "malformed"  # not a link of ours at all
    TAMPERED = "tampered"  # signed with our key, but its text was changed since
    FORGED = "forged"  # signed with a key we do not hold (a forgery, or a link from before the secret rotated)
    EXPIRED = "expired"
    USED = "used"


@dataclass(frozen=True)
class Link:
    """What a valid token says: who may act, with which button and value, until when."""

    address: str
    action_id: str
    value: str
    expires_at: datetime
    nonce: str


class LinkRefused(Exception):
    """A token that must not act; ``link`` is set when its signature was good (expired, used): its person is known."""

    def __init__(self, reason: Refusal, link: Link | None = None) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.link = link


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id(secret: bytes) -> str:
    """A short public name of the key: which secret signed a link, without revealing it."""
    return _b64(hashlib.sha256(b"key id:" + secret).digest()[:6])


def _sign(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest())


def mint(
    secret: bytes, address: str, action_id: str, value: str, now: datetime, lifetime: timedelta = LINK_LIFETIME
) -> str:
    """A token for ``address`` pressing ``action_id`` with ``value``, valid for ``lifetime`` from ``now``."""
    body = {
        "k": key_id(secret),
        "a": address,
        "b": action_id,
        "v": value,
        "e": int((now + lifetime).timestamp()),
        "n": secrets.token_hex(16),
    }
    payload = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    return f"{payload}.{_sign(secret, payload)}"


def _parse(token: str) -> tuple[str, str, dict[str, object]]:
    """The payload text, signature and decoded payload; LinkRefused(MALFORMED) for anything else."""
    payload, dot, signature = token.partition(".")
    if not dot or not payload or not signature or len(token) > _MAX_TOKEN or not token.isascii():
        raise LinkRefused(Refusal.MALFORMED)
    try:
        body = json.loads(_unb64(payload))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise LinkRefused(Refusal.MALFORMED) from None
    if not isinstance(body, dict):
        raise LinkRefused(Refusal.MALFORMED)
    return payload, signature, body


def check(secret: bytes, token: str, now: datetime) -> Link:
    """The link ``token`` names when it was signed with ``secret`` and has not expired; else LinkRefused.

    The signature is checked (in constant time) before anything in the payload is believed.
    """
    payload, signature, body = _parse(token)
    if not hmac.compare_digest(_sign(secret, payload), signature):
        # The key id is only a hint of which refusal to give: a forger can copy it, and is refused either way.
        raise LinkRefused(Refusal.TAMPERED if body.get("k") == key_id(secret) else Refusal.FORGED)
    address, action_id, value, expires, nonce = (body.get(name) for name in ("a", "b", "v", "e", "n"))
    if not (
        isinstance(address, str)
        and isinstance(action_id, str)
        and isinstance(value, str)
        and isinstance(expires, int)
        and isinstance(nonce, str)
        and len(nonce) == 32
    ):
        raise LinkRefused(Refusal.MALFORMED)
    link = Link(address, action_id, value, datetime.fromtimestamp(expires, UTC), nonce)
    if now >= link.expires_at:
        raise LinkRefused(Refusal.EXPIRED, link)
    return link


def was_used(session: Session, link: Link) -> bool:
    """True when the link has acted already."""
    return session.get(UsedLink, link.nonce) is not None


def claim(session: Session, link: Link, now: datetime) -> bool:
    """Record the link as used, in the session's transaction; False when it was used already (by a request racing
    this one, too: the nonce is the table's key, so the second insert waits for the first and then fails).

    Commit it with the change the link makes, so both happen or neither. On False the session was rolled back.
    """
    session.add(UsedLink(nonce=link.nonce, used_at=now, expires_at=link.expires_at))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    return True


def record_used(session: Session, link: Link, now: datetime) -> None:
    """Record the link as used and commit, unless it already is (after a command that rolled back its changes)."""
    if was_used(session, link):
        return
    if claim(session, link, now):
        session.commit()


# -- the secret ----------------------------------------------------------------------------------------------------
def secret_from(link_secret: str | None, signing_secret: str | None, session_factory: SessionFactory) -> bytes:
    """The key links are signed with: LINK_SECRET; else derived from SLACK_SIGNING_SECRET (HMAC with a fixed
    label, so a link never reveals anything of the signing secret); else the database's own key (the console and
    the demo run without secrets: the key then lives and dies with the database its links act on)."""
    if link_secret:
        return link_secret.encode("utf-8")
    if signing_secret:
        return hmac.new(signing_secret.encode("utf-8"), _DERIVATION_LABEL, hashlib.sha256).digest()
    return _database_key(session_factory)


def _database_key(session_factory: SessionFactory) -> bytes:
    with session_factory() as session:
        found = session.scalar(select(LinkKey.secret).where(LinkKey.id == 1))
        if found is None:
            session.add(LinkKey(id=1, secret=secrets.token_hex(32), created_at=datetime.now(UTC)))
            try:
                session.commit()
            except IntegrityError:  # made a moment ago by another process: use theirs
                session.rollback()
            found = session.scalar(select(LinkKey.secret).where(LinkKey.id == 1))
        assert found is not None
        return bytes.fromhex(found)


# -- what the email composer calls ---------------------------------------------------------------------------------
def button_url(public_url: str, secret: bytes, address: str, action_id: str, value: str, now: datetime) -> str:
    """The address of the page that does what button ``action_id`` (with ``value``) does, for ``address``."""
    return f"{public_url.rstrip('/')}{PATH}{mint(secret, address, action_id, value, now)}"


LinkFor = Callable[[str, str, str, datetime], "str | None"]


def link_maker(settings: Settings, session_factory: SessionFactory) -> LinkFor:
    """``link_for(address, action_id, value, now)``: the button's link, or None when there is no public address
    (PUBLIC_URL unset) or the button has no link. The key is read once, on the first link made."""
    key: list[bytes] = []

    def link_for(address: str, action_id: str, value: str, now: datetime) -> str | None:
        if settings.public_url is None or action_id not in LINKED_ACTIONS:
            return None
        if not key:
            key.append(settings_secret(settings, session_factory))
        return button_url(settings.public_url, key[0], address, action_id, value, now)

    return link_for


def settings_secret(settings: Settings, session_factory: SessionFactory) -> bytes:
    """:func:`secret_from` for the app's settings."""
    return secret_from(settings.link_secret, settings.slack_signing_secret, session_factory)
