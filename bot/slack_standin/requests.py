"""Requests exactly as Slack sends them to the bot: form-encoded slash commands, event JSON,
interaction payloads, each signed with the signing secret (v0 HMAC-SHA256)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """The ``X-Slack-Request-Timestamp`` and ``X-Slack-Signature`` headers for ``body``."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": str(signature)}


def slash_command(
    command: str,
    text: str,
    *,
    user_id: str,
    response_url: str,
    channel_id: str = "CGENERAL01",
    team_id: str = "TCOVENANT",
    user_name: str = "someone",
    trigger_id: str | None = None,
) -> str:
    """The form body Slack posts for ``/command text``; ``trigger_id`` as the stand-in issued it
    (:meth:`StandinSlack.trigger_id`), else one Slack never issued (views.open refuses it)."""
    return urlencode(
        {
            "token": "unused-verification-token",
            "team_id": team_id,
            "team_domain": "covenant",
            "channel_id": channel_id,
            "channel_name": "general",
            "user_id": user_id,
            "user_name": user_name,
            "command": command,
            "text": text,
            "api_app_id": "ACOVENANT",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id or f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex}",
        }
    )


def event_callback(event: dict[str, Any], *, event_id: str | None = None, team_id: str = "TCOVENANT") -> str:
    """The JSON body of an Events API delivery wrapping ``event``."""
    return json.dumps(
        {
            "token": "unused-verification-token",
            "team_id": team_id,
            "api_app_id": "ACOVENANT",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or "Ev" + uuid.uuid4().hex[:12].upper(),
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team_id, "user_id": "UBOTCOVENANT", "is_bot": True}],
        }
    )


def interaction(payload: dict[str, Any]) -> str:
    """The form body of an interaction (block_actions, view_submission, shortcut...)."""
    return urlencode({"payload": json.dumps(payload)})


def view_state(view: dict[str, Any], given: dict[str, str]) -> dict[str, Any]:
    """The ``state.values`` Slack sends for ``view`` with ``given`` typed into its input blocks (by block_id;
    unselected selects keep their ``initial_option``)."""
    values: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block.get("element", {})
        kind, action_id, raw = element.get("type"), element.get("action_id", "value"), given.get(block["block_id"])
        state: dict[str, Any] = {"type": kind}
        if kind == "static_select":
            options = {option["value"]: option for option in element.get("options", [])}
            chosen = options.get(raw or "") if raw is not None else element.get("initial_option")
            state["selected_option"] = chosen
        elif kind == "datepicker":
            state["selected_date"] = raw
        elif kind == "timepicker":
            state["selected_time"] = raw
        elif kind == "users_select":
            state["selected_user"] = raw
        elif kind == "checkboxes":
            wanted = (raw or "").split(",")
            state["selected_options"] = [o for o in element.get("options", []) if raw and o["value"] in wanted]
        else:
            state["value"] = raw
        values[block["block_id"]] = {action_id: state}
    return values
