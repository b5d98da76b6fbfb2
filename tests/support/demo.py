"""The suite's fixed facts: the signing secret, the moment it runs at, and the demo people by key."""

from __future__ import annotations

import functools
from datetime import UTC, datetime

from bot.services.administration import seed

SIGNING_SECRET = "test-signing-secret"
# Monday 23 November 2026, 10:00 in Amsterdam.
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@functools.cache
def _demo_people() -> tuple[seed.DemoPerson, ...]:
    return tuple(seed.demo_people())


def person(key: str) -> seed.DemoPerson:
    """A demo person by key (``sanne``, ``pieter``, ``emma``...); the demo file is read once per run."""
    return next(p for p in _demo_people() if p.key == key)
