"""Slack payloads the console sends for what people do in a channel or a modal (pure functions):
a message or thread reply, its edit or deletion, a message shortcut, a modal submission."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Posted:
    """A message the console user wrote (so it can be edited, deleted or added to the minutes)."""

    channel: str
    ts: str
    text: str
    thread_ts: str | None = None


def new_ts() -> str:
    """A fresh message timestamp, Slack style."""
    return f"{time.time():.6f}"


def message_event(user: str, channel: str, text: str, thread_ts: str | None = None) -> tuple[dict[str, Any], Posted]:
    """A ``message`` event in a channel (a thread reply when ``thread_ts`` is given)."""
    ts = new_ts()
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel,
        "channel_type": "channel",
        "user": user,
        "text": text,
    }
    event["ts"] = ts
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event, Posted(channel, ts, text, thread_ts)


def _as_message(user: str, posted: Posted, text: str) -> dict[str, Any]:
    message = {"type": "message", "user": user, "text": text, "ts": posted.ts}
    if posted.thread_ts:
        message["thread_ts"] = posted.thread_ts
    return message


def edited_event(user: str, posted: Posted, text: str) -> dict[str, Any]:
    """The ``message_changed`` event Slack sends when ``posted`` is edited to ``text``."""
    message = {**_as_message(user, posted, text), "edited": {"user": user, "ts": new_ts()}}
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": posted.channel,
        "channel_type": "channel",
        "message": message,
        "previous_message": _as_message(user, posted, posted.text),
        "ts": new_ts(),
    }


def deleted_event(user: str, posted: Posted) -> dict[str, Any]:
    """The ``message_deleted`` event Slack sends when ``posted`` is deleted."""
    return {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "channel": posted.channel,
        "channel_type": "channel",
        "deleted_ts": posted.ts,
        "previous_message": _as_message(user, posted, posted.text),
        "ts": new_ts(),
    }


def _envelope(user: str, team: str, trigger_id: str) -> dict[str, Any]:
    return {
        "user": {"id": user, "team_id": team},
        "team": {"id": team, "domain": "covenant"},
        "api_app_id": "ACOVENANT",
        "token": "unused-verification-token",
        "trigger_id": trigger_id,
    }


def message_shortcut(
    user: str, team: str, callback_id: str, posted: Posted, author: str, response_url: str, trigger_id: str
) -> dict[str, Any]:
    """A message shortcut (``message_action``) on ``posted``, with a ``trigger_id`` the stand-in issued."""
    return {
        **_envelope(user, team, trigger_id),
        "type": "message_action",
        "callback_id": callback_id,
        "response_url": response_url,
        "channel": {"id": posted.channel},
        "message": _as_message(author, posted, posted.text),
        "message_ts": posted.ts,
    }


def _state(blocks: list[dict[str, Any]], fields: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for block in blocks:
        if block.get("type") != "input":
            continue
        element = block.get("element") or {}
        block_id, action_id = str(block.get("block_id")), str(element.get("action_id"))
        typed = fields.get(block_id)
        if element.get("type") == "static_select":
            options = element.get("options") or []
            chosen = None
            if typed is not None:
                index = int(typed) - 1 if typed.isdigit() and 0 < int(typed) <= len(options) else None
                chosen = (
                    options[index] if index is not None else next((o for o in options if o["value"] == typed), None)
                )
            values[block_id] = {action_id: {"type": "static_select", "selected_option": chosen}}
        else:
            value = typed if typed is not None else element.get("initial_value")
            values[block_id] = {action_id: {"type": element.get("type"), "value": value or None}}
    return {"values": values}


def view_submission(
    user: str, team: str, view: dict[str, Any], fields: dict[str, str], trigger_id: str
) -> dict[str, Any]:
    """A ``view_submission`` of ``view`` (as views.open returned it) with ``fields`` typed in; every input
    not named keeps its initial value."""
    unknown = set(fields) - {str(b.get("block_id")) for b in view.get("blocks", []) if b.get("type") == "input"}
    if unknown:
        raise ValueError(f"no input {sorted(unknown)} in this form")
    return {
        **_envelope(user, team, trigger_id),
        "type": "view_submission",
        "view": {**view, "state": _state(view.get("blocks", []), fields)},
        "response_urls": [],
    }


def _choice(options: list[dict[str, Any]], typed: str) -> str | None:
    """The value of the option shown as number ``typed`` (1, 2, …) or labelled ``typed`` (case aside)."""
    if typed.isdigit():
        return str(options[int(typed) - 1]["value"]) if 0 < int(typed) <= len(options) else None
    label = " ".join(typed.split()).casefold()
    return next(
        (str(o["value"]) for o in options if " ".join(str(o["text"]["text"]).split()).casefold() == label), None
    )


def _no_choice(typed: str, options: list[dict[str, Any]]) -> str:
    return f"no choice “{typed}”: type a number from 1 to {len(options)} or a label as shown"


def chosen_values(view: dict[str, Any], fields: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """``fields`` as typed after ``!submit`` (a choice by the number or the label the form shows, never by the
    option's hidden value) turned into option values; and the fields whose choice the form does not show."""
    values, problems = dict(fields), {}
    for block in view.get("blocks", []):
        element = block.get("element") or {}
        block_id = str(block.get("block_id"))
        if block.get("type") != "input" or block_id not in fields:
            continue
        options = element.get("options") or []
        if element.get("type") == "static_select":
            found = _choice(options, fields[block_id])
            if found is None:
                problems[block_id] = (
                    f"no choice “{fields[block_id]}”: type a number from 1 to {len(options)} or a label"
                )
            else:
                values[block_id] = found
        elif element.get("type") == "checkboxes":
            picked = [_choice(options, part.strip()) for part in fields[block_id].split(",") if part.strip()]
            if None in picked:
                problems[block_id] = (
                    f"no choice “{fields[block_id]}”: type a number from 1 to {len(options)} or a label"
                )
            else:
                values[block_id] = ",".join(str(value) for value in picked)
    return values, problems
