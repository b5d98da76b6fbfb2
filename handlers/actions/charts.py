"""**Show chart** on a covenant's status and on the secretariat's Home: the chart as a picture in the presser's DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.commands import charts
from bot.deps import deps_of
from bot.render.covenant import CHART_ACTION
from handlers.run import Asker, ack_then, run

ACTIONS = (CHART_ACTION,)


def register(app: App) -> None:
    """Listen to Show chart (the work, drawing and uploading, runs after the ack)."""
    ack_then(app.action(CHART_ACTION), show_chart)


def show_chart(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    value = str(action.get("value", ""))
    run(deps_of(context), client, Asker.of_action(body), lambda ask: charts.press(ask, value))
