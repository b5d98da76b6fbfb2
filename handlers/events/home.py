"""The App Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from handlers.common import publish_home


def on_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Publish the user's Home tab when they open it."""
    if event.get("tab", "home") != "home":
        return
    publish_home(context["deps"], client, event["user"])
