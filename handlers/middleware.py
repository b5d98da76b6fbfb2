"""Global middleware: hand every listener its Deps.

Nothing here touches the database: middleware runs before the ack. Slack's re-deliveries of an
event are dropped by the event listeners themselves, after the ack (``handlers.common.first_time``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from slack_bolt import App, BoltContext, BoltResponse

if TYPE_CHECKING:
    from bot.app import Deps


def register(app: App, deps: Deps) -> None:
    def inject_deps(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
        context["deps"] = deps
        return next()

    app.middleware(inject_deps)
