"""Link tokens: what they name, and why a token is refused; the key; the plain text of a button's answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.commands import links as linked_buttons
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade
from bot.render import link_pages
from bot.services import links
from bot.services.links import LinkRefused, Refusal

SECRET = b"a secret of at least sixteen bytes"
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _refusal(token: str, secret: bytes = SECRET, now: datetime = NOW) -> Refusal:
    with pytest.raises(LinkRefused) as refused:
        links.check(secret, token, now)
    return refused.value.reason


def test_a_token_names_the_person_the_button_its_value_and_expiry() -> None:
    token = links.mint(SECRET, "person:12", "reminder_snooze_3", "41:3", NOW)
    link = links.check(SECRET, token, NOW + timedelta(days=13))
    assert (link.address, link.action_id, link.value) == ("person:12", "reminder_snooze_3", "41:3")
    assert link.expires_at == NOW + links.LINK_LIFETIME and len(link.nonce) == 32
    assert links.mint(SECRET, "person:12", "reminder_snooze_3", "41:3", NOW) != token  # a nonce each


def test_refusals_say_why() -> None:
    token = links.mint(SECRET, "U1", "reminder_done", "41", NOW)
    payload, signature = token.split(".")
    assert _refusal(token, now=NOW + links.LINK_LIFETIME) == Refusal.EXPIRED
    assert _refusal(token, secret=b"another secret of sixteen bytes") == Refusal.FORGED
    changed = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    assert _refusal(f"{payload}.{changed}") == Refusal.TAMPERED
    for bad in ("", "nodot", ".x", "x.", "!!!.abc", f"{payload}x.{signature}", "é.é", "W10.abc"):
        assert _refusal(bad) in (Refusal.MALFORMED, Refusal.TAMPERED, Refusal.FORGED), bad
    assert _refusal("bm90IGpzb24.abc") == Refusal.MALFORMED


def test_every_change_of_one_character_is_refused() -> None:
    token = links.mint(SECRET, "U1", "reminder_done", "41", NOW)
    for where in range(len(token)):
        swapped = token[:where] + ("A" if token[where] != "A" else "B") + token[where + 1 :]
        with pytest.raises(LinkRefused):
            links.check(SECRET, swapped, NOW)


def test_the_key_is_link_secret_else_derived_else_the_databases(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    upgrade(engine)
    factory = make_session_factory(engine)
    assert links.secret_from("x" * 20, "signing", factory) == b"x" * 20
    derived = links.secret_from(None, "signing", factory)
    assert derived != b"signing" and len(derived) == 32
    stored = links.secret_from(None, None, factory)
    assert stored == links.secret_from(None, None, factory) and len(stored) == 32  # made once, kept


def test_the_linked_buttons_are_the_ones_the_commands_answer() -> None:
    assert set(linked_buttons.buttons("nl")) == links.LINKED_ACTIONS


def test_plain_text_of_a_buttons_answer() -> None:
    said = (
        ":white_check_mark: *Plan 2027* (A &amp; B) — confirmed by <@U1> on "
        "<!date^1796634000^{date_long}|3 December 2026>"
    )
    assert link_pages.plain(said, {"U1": "Emma"}) == "Plan 2027 (A & B) — confirmed by Emma on 3 December 2026"
    assert link_pages.plain("see <https://x.example/a|the plan>", {}) == "see the plan (https://x.example/a)"
