"""Is a signed request body shaped like something Slack sends? Checked before Bolt sees it.

Bolt and the listeners trust the shape of what Slack sends (``body["user"]["id"]``, ``actions[0]``…): a
body of another shape, even validly signed, made them raise and the request answered 500. :func:`parse`
reads the body the way Slack writes it — JSON for the Events API, a form for slash commands, a form with
exactly one ``payload`` field holding a JSON object for interactions — and checks the fields each kind
needs, with the types and the lengths Slack's own limits allow. Anything else raises :class:`Malformed`
(the web entry point answers 400). Pure: no Slack, no database.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

# The largest body accepted (larger ones are answered 413 before they are read). Slack's largest
# payloads: a view_submission carries its view (Slack refuses views over 250 kB: view_too_large) and what
# was typed (at most 3,000 characters an input); a message_action carries a message (text at most 40,000
# characters, plus its blocks). Form-encoding a UTF-8 character takes up to 12 bytes, so the worst real
# payload stays around 1 MB; 2 MiB leaves twice that.
MAX_BODY_BYTES = 2 * 1024 * 1024
# Slack's own limits (Block Kit reference): a button's value, a view's private_metadata, a plain-text
# input's max_length, a message's text (longer text Slack truncates), action_id/block_id/callback_id.
MAX_VALUE = 2000
MAX_METADATA = 3000
MAX_INPUT = 3000
MAX_MESSAGE_TEXT = 40_000
MAX_ID = 255
# Slack's payloads nest about a dozen levels (rich text in a message in an event); JSON nested deeper
# than this is not Slack's.
MAX_DEPTH = 48

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
# Slack's ids (U…, T…, C…, V…): letters and digits; tests' and Enterprise Grid's ids stay in this set too.
_SLACK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_URL = re.compile(r"https?://[^\s]+")
INTERACTIONS = ("block_actions", "block_suggestion", "view_submission", "view_closed", "shortcut", "message_action")


class Malformed(ValueError):
    """The body is not shaped like anything Slack sends; ``str(error)`` says what is wrong (short, no data)."""


Body = dict[str, Any]


def parse(body: str, content_type: str | None) -> Body:
    """The body as Bolt reads it, when it is shaped like a request from Slack; else :class:`Malformed`."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == JSON:
        parsed = _json_object(body, "body")
        _check_envelope(parsed)
        return parsed
    if kind == FORM:
        return _form(body)
    raise Malformed("unsupported content type")


def _json_object(text: str, what: str) -> Body:
    try:
        value = json.loads(text)
    except RecursionError:
        raise Malformed(f"{what}: nested too deep") from None
    except ValueError:
        raise Malformed(f"{what}: not JSON") from None
    if not isinstance(value, dict):
        raise Malformed(f"{what}: not a JSON object")
    if _depth(value) > MAX_DEPTH:
        raise Malformed(f"{what}: nested too deep")
    return value


def _depth(value: Any) -> int:
    """How deep ``value`` nests (iteratively: no recursion of our own)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _form(body: str) -> Body:
    try:
        pairs = parse_qsl(body, keep_blank_values=True, strict_parsing=True, max_num_fields=100)
    except ValueError:
        raise Malformed("not a form") from None
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise Malformed("a field sent twice")
    fields = dict(pairs)
    if "payload" in fields:
        if len(fields) != 1:
            raise Malformed("payload with other fields")
        payload = _json_object(fields["payload"], "payload")
        _check_interaction(payload)
        return payload
    if fields.get("ssl_check") == "1":
        return fields
    _check_command(fields)
    return fields


def _check_command(fields: dict[str, str]) -> None:
    command = fields.get("command", "")
    if not command.startswith("/") or len(command) > 32 or not _SLACK_ID.fullmatch(command[1:]):
        raise Malformed("command: missing or not a slash command")
    for name in ("user_id", "channel_id"):
        _id(fields.get(name), name)
    _id(fields.get("team_id"), "team_id", optional=True)
    _url(fields.get("response_url"), "response_url")
    _text(fields.get("trigger_id"), "trigger_id", MAX_ID)


# --- the Events API -------------------------------------------------------------------------------


def _check_envelope(body: Body) -> None:
    kind = body.get("type")
    if kind == "url_verification":
        _text(body.get("challenge"), "challenge", MAX_ID)
    elif kind == "app_rate_limited":
        pass
    elif kind == "event_callback":
        _ids(body, "event_id", "team_id", "api_app_id", "enterprise_id")
        _bolt_fields(body)
        event = body.get("event")
        if not isinstance(event, dict):
            raise Malformed("event: not an object")
        _check_event(event)
    else:
        raise Malformed("type: not an Events API envelope")


def _check_event(event: Body) -> None:
    kind = event.get("type")
    _text(kind, "event.type", MAX_ID)
    # What Slack always sends with the events this app listens to (their listeners read it).
    if kind in {"message", "app_mention"}:
        _id(event.get("channel"), "event.channel")
        _text(event.get("ts"), "event.ts", MAX_ID)
    # A person's message has its author (a bot's has a bot_id instead).
    person_message = kind == "message" and not event.get("subtype") and not event.get("bot_id")
    if kind in {"app_mention", "app_home_opened"} or person_message:
        _id(event.get("user"), "event.user")
    if kind == "app_mention" or person_message:
        _text(event.get("text"), "event.text", MAX_MESSAGE_TEXT)
    _bolt_fields(event, "event.")
    _ids(event, "user", "channel", "team", "user_team", "bot_id", "app_id", prefix="event.")
    for name in ("subtype", "channel_type", "tab", "ts", "thread_ts", "event_ts", "client_msg_id"):
        _text(event.get(name), f"event.{name}", MAX_ID, optional=True)
    _text(event.get("text"), "event.text", MAX_MESSAGE_TEXT, optional=True)
    for name in ("message", "previous_message"):
        inner = event.get(name)
        if inner is None:
            continue
        if not isinstance(inner, dict):
            raise Malformed(f"event.{name}: not an object")
        _ids(inner, "user", "bot_id", prefix=f"event.{name}.")
        for field in ("ts", "thread_ts", "subtype"):
            _text(inner.get(field), f"event.{name}.{field}", MAX_ID, optional=True)
        _text(inner.get("text"), f"event.{name}.text", MAX_MESSAGE_TEXT, optional=True)


# --- interactions ---------------------------------------------------------------------------------


def _check_interaction(payload: Body) -> None:
    kind = payload.get("type")
    if kind not in INTERACTIONS:
        raise Malformed("payload.type: not an interaction this app receives")
    _bolt_fields(payload, "payload.")
    user = payload.get("user")
    if not isinstance(user, dict):
        raise Malformed("payload.user: not an object")
    _id(user.get("id"), "payload.user.id")
    _ids(payload, "api_app_id", "enterprise_id", "team_id", prefix="payload.")
    # Slack sends a response_url with everything done on a message (not in a modal or the Home tab).
    on_message = kind == "message_action" or (kind == "block_actions" and payload.get("view") is None)
    _url(payload.get("response_url"), "payload.response_url", optional=not on_message)
    _text(payload.get("trigger_id"), "payload.trigger_id", MAX_ID, optional=kind not in {"shortcut", "message_action"})
    for name in ("container", "message", "state"):
        _object(payload.get(name), f"payload.{name}", optional=True)
    view = payload.get("view")
    if kind in {"view_submission", "view_closed"}:
        _text(_object(view, "payload.view").get("callback_id"), "view.callback_id", MAX_ID)
    if view is not None or kind in {"view_submission", "view_closed"}:
        _check_view(view, str(kind))
    CHECKS[str(kind)](payload)


def _check_block_actions(payload: Body) -> None:
    actions = payload.get("actions")
    if not isinstance(actions, list) or not actions:
        raise Malformed("payload.actions: not a non-empty list")
    for action in actions:
        if not isinstance(action, dict):
            raise Malformed("payload.actions: an action is not an object")
        _text(action.get("action_id"), "action.action_id", MAX_ID)
        _text(action.get("block_id"), "action.block_id", MAX_ID, optional=True)
        _text(action.get("type"), "action.type", MAX_ID, optional=True)
        _text(action.get("value"), "action.value", MAX_VALUE, optional=True)
        _object(action.get("selected_option"), "action.selected_option", optional=True)


def _check_suggestion(payload: Body) -> None:
    _text(payload.get("action_id"), "payload.action_id", MAX_ID)
    _text(payload.get("block_id"), "payload.block_id", MAX_ID, optional=True)
    _text(payload.get("value"), "payload.value", MAX_VALUE)


def _check_shortcut(payload: Body) -> None:
    _text(payload.get("callback_id"), "payload.callback_id", MAX_ID)
    if payload.get("type") == "message_action":
        channel = payload.get("channel")
        if not isinstance(channel, dict):
            raise Malformed("payload.channel: not an object")
        _id(channel.get("id"), "payload.channel.id")
        message = _object(payload.get("message"), "payload.message")
        _text(message.get("ts"), "payload.message.ts", MAX_ID)
        _text(message.get("text"), "payload.message.text", MAX_MESSAGE_TEXT, optional=True)
        _ids(message, "user", "bot_id", prefix="payload.message.")


def _check_view(view: Any, kind: str) -> None:
    view = _object(view, "payload.view")
    _text(view.get("type"), "view.type", MAX_ID)
    _text(view.get("callback_id"), "view.callback_id", MAX_ID, optional=True)
    _text(view.get("private_metadata"), "view.private_metadata", MAX_METADATA, optional=True)
    _ids(view, "id", "team_id", "app_installed_team_id", "root_view_id", prefix="view.")
    _text(view.get("hash"), "view.hash", MAX_ID, optional=True)
    # A state, when there is one, holds its values (listeners read view["state"]["values"]); a submitted
    # form always has both.
    submitted = kind == "view_submission"
    state = _object(view.get("state"), "view.state", optional="state" not in view and not submitted)
    values = _object(state.get("values"), "view.state.values", optional="values" not in state and not submitted)
    for block in values.values():
        for element in _object(block, "view.state.values block").values():
            for key, value in _object(element, "view.state.values element").items():
                if key == "value":
                    _text(value, "view.state value", MAX_INPUT, optional=True)


CHECKS: dict[str, Callable[[Body], None]] = {
    "block_actions": _check_block_actions,
    "block_suggestion": _check_suggestion,
    "view_submission": lambda payload: None,
    "view_closed": lambda payload: None,
    "shortcut": _check_shortcut,
    "message_action": _check_shortcut,
}


# --- fields ---------------------------------------------------------------------------------------


def _bolt_fields(body: Body, prefix: str = "") -> None:
    """The fields Bolt reads from every request to build its context, with the types it assumes."""
    for name in ("user", "team", "channel", "enterprise"):
        value = body.get(name)
        if isinstance(value, dict):
            _id(value.get("id"), f"{prefix}{name}.id", optional=True)
        elif value is not None and not isinstance(value, str):
            raise Malformed(f"{prefix}{name}: neither an id nor an object")
    authorizations = body.get("authorizations")
    if authorizations is not None:
        if not isinstance(authorizations, list) or not all(isinstance(a, dict) for a in authorizations):
            raise Malformed(f"{prefix}authorizations: not a list of objects")
        for authorization in authorizations[:1]:
            _bolt_fields(authorization, f"{prefix}authorizations.")
            _ids(authorization, "team_id", "user_id", "enterprise_id", prefix=f"{prefix}authorizations.")
    response_urls = body.get("response_urls")
    if response_urls is not None:
        if not isinstance(response_urls, list) or not all(isinstance(r, dict) for r in response_urls):
            raise Malformed(f"{prefix}response_urls: not a list of objects")
        for entry in response_urls:
            _url(entry.get("response_url"), f"{prefix}response_urls.response_url")
    _ids(body, "user_id", "channel_id", "team_id", "enterprise_id", "function_execution_id", prefix=prefix)
    _text(body.get("thread_ts"), f"{prefix}thread_ts", MAX_ID, optional=True)
    for name in ("message", "previous_message", "item", "assistant_thread", "function_data"):
        _object(body.get(name), f"{prefix}{name}", optional=True)


def _object(value: Any, name: str, optional: bool = False) -> Body:
    if value is None and optional:
        return {}
    if not isinstance(value, dict):
        raise Malformed(f"{name}: not an object")
    return value


def _text(value: Any, name: str, limit: int, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise Malformed(f"{name}: not a string")
    if len(value) > limit:
        raise Malformed(f"{name}: longer than Slack allows ({limit})")


def _id(value: Any, name: str, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or not _SLACK_ID.fullmatch(value):
        raise Malformed(f"{name}: not a Slack id")


def _ids(body: Body, *names: str, prefix: str = "") -> None:
    for name in names:
        value = body.get(name)
        if value is not None and value != "":
            _id(value, f"{prefix}{name}")


def _url(value: Any, name: str, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or len(value) > 2048 or not _URL.fullmatch(value):
        raise Malformed(f"{name}: not a URL")
