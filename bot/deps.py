"""What every listener needs besides Bolt's own arguments, and the one typed way to find it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.db.engine import SessionFactory
from config.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Mapping

    from bot.delivery import Sweeper

CONTEXT_KEY = "deps"


@dataclass(frozen=True)
class Deps:
    """The app's settings, database, clock and reminder engine; one per app, found with :func:`deps_of`."""

    settings: Settings
    session_factory: SessionFactory
    clock: Clock
    sweeper: Sweeper

    def today(self) -> date:
        """Today's date in the bot's time zone (BOT_TIMEZONE)."""
        return self.clock.now().astimezone(ZoneInfo(self.settings.bot_timezone)).date()

    def __deepcopy__(self, memo: dict[int, Any]) -> Deps:
        # Bolt deep-copies the context it hands a lazy listener; the app's engine, pools and clock are shared,
        # never copied (a copy would fail on their locks and Bolt would drop the key with a warning).
        return self


def deps_of(context: Mapping[str, Any]) -> Deps:
    """The Deps the global middleware put in a listener's (or lazy listener's) Bolt context."""
    deps = context.get(CONTEXT_KEY)
    if not isinstance(deps, Deps):
        raise LookupError("no Deps in this Bolt context: was the app built by bot.app.create_app?")
    return deps
