"""The App Home tab."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.render.home import home_view
from bot.services import covenants
from handlers.common import load_viewer

logger = logging.getLogger(__name__)


def on_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("tab", "home") != "home":
        return
    deps = context["deps"]
    try:
        with deps.session_factory() as session:
            viewer = load_viewer(session, client, deps, event["user"])
            mine = covenants.covenants_of(session, viewer.organisation_id, set(viewer.roles))
            view = home_view(viewer, mine, covenants.all_covenants(session))
    except Exception:
        logger.exception("could not build the Home tab for %s", event.get("user"))
        return
    client.views_publish(user_id=event["user"], view=view)
