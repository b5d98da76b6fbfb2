"""The App Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.commands import home
from bot.deps import deps_of
from handlers.run import Asker, run


def on_home_opened(event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Publish the user's Home tab when they open it, once per app_home_opened event."""
    deps = deps_of(context)
    if event.get("tab", "home") == "home":
        run(deps, client, Asker(user=str(event["user"])), home.show)
