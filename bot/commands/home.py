"""The App Home tab: the viewer's dashboard, optionally with one list opened ("show more")."""

from __future__ import annotations

from typing import Any

from bot.commands import cohort
from bot.interaction import Ask, Outcome
from bot.render.home import LESS, home_view, parse_more_value
from bot.services.covenants import dashboard
from bot.services.covenants.dashboard import EXPANDABLE, Expansion


def expansion_from(value: str | None) -> Expansion | None:
    """The list a Home button asks to open; None for a malformed value (the plain Home tab is drawn then)."""
    parsed = parse_more_value(value or "")
    if parsed is None or parsed[0] not in EXPANDABLE:
        return None
    return Expansion(kind=parsed[0], covenant_id=parsed[1], offset=parsed[2])


def view(ask: Ask, expansion: Expansion | None = None) -> dict[str, Any]:
    """The Home view for ``ask.viewer`` (only sections their roles allow can be opened)."""
    board = dashboard.dashboard(ask.session, ask.viewer, ask.now, ask.today, expansion)
    return home_view(board, extra=cohort.home_blocks(ask.session, ask.viewer))


def show(ask: Ask, expansion: Expansion | None = None) -> Outcome:
    """The asker's Home tab published again, optionally with one list opened."""
    return Outcome(home=view(ask, expansion))


def page(ask: Ask, action_id: str, value: str | None) -> Outcome:
    """Show more / Previous / Next / Show less: the Home tab with the requested list opened (or closed).

    Whatever the value says, the dashboard only opens lists the asker's roles allow.
    """
    return show(ask, None if action_id == LESS else expansion_from(value))
