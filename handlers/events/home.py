"""The App Home tab."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.deps import deps_of
from handlers.common import first_time, publish_home

if TYPE_CHECKING:
    from bot.deps import Deps


def on_home_opened(event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Publish the user's Home tab when they open it (built after the ack)."""
    if event.get("tab", "home") == "home":
        publish_opened_home(deps_of(context), client, body)


def publish_opened_home(deps: Deps, client: WebClient, body: dict[str, Any]) -> None:
    """Publish the Home tab once per app_home_opened event."""
    if first_time(deps, body):
        publish_home(deps, client, body["event"]["user"])
