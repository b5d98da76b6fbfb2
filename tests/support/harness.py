"""Drive the real app over HTTP exactly as Slack does, and read what it sent back to the stand-in."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from bot.slack_standin import Call, StandinSlack
from bot.slack_standin import requests as slack_requests


@dataclass
class HttpAnswer:
    status: int
    body: str


class AppServer:
    """The Flask app (production entry point) served on 127.0.0.1 by a real WSGI server thread."""

    def __init__(self, flask_app: Flask) -> None:
        self._server: BaseWSGIServer = make_server("127.0.0.1", 0, flask_app, threaded=True)
        # A short poll interval: shutdown() returns within 50 ms instead of the default 0.5 s per test.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


# A person takes seconds between two things they do in Slack; a test does them milliseconds apart. Before each
# request a person makes, the stand-in's rate limits see this much time pass (the app's clock does not move), so
# that a test's pace is a person's and what Slack would throttle is only what the bot bursts by itself.
HUMAN_PAUSE_SECONDS = 2.0


class SlackHarness:
    """Signed requests in (slash commands, events, interactions), recorded Web API calls out."""

    def __init__(self, server: AppServer, standin: StandinSlack, signing_secret: str) -> None:
        self.server = server
        self.standin = standin
        self.secret = signing_secret

    def post(self, body: str, content_type: str, headers: dict[str, str] | None = None) -> HttpAnswer:
        """POST ``body`` to /slack/events with exactly the given extra ``headers`` (no signing added)."""
        request = urllib.request.Request(
            self.server.url + "/slack/events",
            data=body.encode(),
            headers={"Content-Type": content_type, **(headers or {})},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return HttpAnswer(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return HttpAnswer(error.code, error.read().decode())

    def signed(self, body: str, content_type: str, timestamp: int | None = None, **headers: str) -> HttpAnswer:
        return self.post(body, content_type, {**slack_requests.sign(self.secret, body, timestamp), **headers})

    def command(self, command: str, text: str, user: str, channel: str = "CGENERAL01") -> Call:
        """Send ``/command text`` as ``user``; return the reply posted to its response_url."""
        self.standin.rate_limiter.let_time_pass(HUMAN_PAUSE_SECONDS)
        response_url = self.standin.response_url()
        body = slack_requests.slash_command(
            command,
            text,
            user_id=user,
            response_url=response_url,
            channel_id=channel,
            trigger_id=self.standin.trigger_id(),
        )
        answer = self.signed(body, slack_requests.FORM)
        assert answer.status == 200, answer
        return self.wait_response(response_url)

    def wait_response(self, response_url: str, timeout: float = 5.0) -> Call:
        """The (first) message posted to ``response_url``."""
        path = response_url.removeprefix(self.standin.base_url)
        return self.standin.wait_until(lambda call: call.path == path, timeout=timeout)[0]

    def event(self, event: dict[str, Any], event_id: str | None = None, retry: int | None = None) -> HttpAnswer:
        self._remember(event)
        self.standin.rate_limiter.let_time_pass(HUMAN_PAUSE_SECONDS)
        body = slack_requests.event_callback(event, event_id=event_id)
        extra = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        return self.signed(body, slack_requests.JSON, **extra)

    def _remember(self, event: dict[str, Any]) -> None:
        """A person's message exists in Slack before Slack tells the bot of it: record it in the stand-in."""
        message = event.get("type") in ("message", "app_mention") and not event.get("subtype")
        if message and event.get("channel") and event.get("ts") and event.get("user"):
            self.standin.user_message(
                str(event["channel"]),
                str(event["user"]),
                str(event.get("text", "")),
                str(event["ts"]),
                event.get("thread_ts"),
            )

    def interaction(self, payload: dict[str, Any]) -> HttpAnswer:
        self.standin.rate_limiter.let_time_pass(HUMAN_PAUSE_SECONDS)
        return self.signed(slack_requests.interaction(payload), slack_requests.FORM)


def reply_text(call: Call) -> str:
    """Everything a reader sees in a recorded message: fallback text plus all block text."""
    return call.args.get("text", "") + "\n" + json.dumps(call.args.get("blocks", []), ensure_ascii=False)


def block_actions_payload(
    call: Call, action_id: str, user_id: str, response_url: str, trigger_id: str
) -> dict[str, Any]:
    """The block_actions payload Slack sends when ``user_id`` presses ``action_id`` on a recorded message."""
    for block in call.args.get("blocks", []):
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id") == action_id:
                channel = str(call.response.get("channel") or call.args.get("channel"))
                ts = str(call.response.get("ts") or "")
                return {
                    "type": "block_actions",
                    "user": {"id": user_id, "username": user_id.lower(), "team_id": "TCOVENANT"},
                    "api_app_id": "ACOVENANT",
                    "token": "unused-verification-token",
                    "team": {"id": "TCOVENANT", "domain": "covenant"},
                    "container": {"type": "message", "message_ts": ts, "channel_id": channel},
                    "channel": {"id": channel},
                    "message": {"ts": ts, "text": call.args.get("text"), "blocks": call.args.get("blocks")},
                    "trigger_id": trigger_id,
                    "response_url": response_url,
                    "actions": [
                        {
                            "type": "button",
                            "action_id": action_id,
                            "block_id": block.get("block_id", "b"),
                            "value": element.get("value", ""),
                            "action_ts": "1.1",
                        }
                    ],
                }
    raise AssertionError(f"no button {action_id} in {call.args.get('blocks')}")


def press(slack: SlackHarness, call: Call, action_id: str, user_id: str) -> list[Call]:
    """Press a button of a message the bot posted; return everything the app posted to that response_url."""
    response_url = slack.standin.response_url()
    payload = block_actions_payload(call, action_id, user_id, response_url, slack.standin.trigger_id())
    answer = slack.interaction(payload)
    assert answer.status == 200, answer
    path = response_url.removeprefix(slack.standin.base_url)
    slack.standin.wait_until(lambda c: c.path == path)
    import time

    time.sleep(0.2)  # a second response (an ephemeral note after the replacement) may follow
    return [c for c in slack.standin.calls if c.path == path]


def find_button(blocks: list[dict[str, Any]], action_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (button, block) with ``action_id`` in ``blocks``; AssertionError when there is none."""
    for block in blocks:
        elements = block.get("elements", []) if block.get("type") == "actions" else [block.get("accessory") or {}]
        for element in elements:
            if element.get("action_id") == action_id:
                return element, block
    raise AssertionError(f"no button {action_id!r} in {[b.get('type') for b in blocks]}")


def button_ids(blocks: list[dict[str, Any]]) -> set[str]:
    """Every action_id of every button in ``blocks``."""
    found: set[str] = set()
    for block in blocks:
        elements = block.get("elements", []) if block.get("type") == "actions" else [block.get("accessory") or {}]
        found |= {str(e["action_id"]) for e in elements if e.get("type") == "button"}
    return found


def click(
    slack: SlackHarness,
    message: Call,
    action_id: str,
    user: str,
    channel: str = "CGENERAL01",
    value: str | None = None,
) -> str:
    """Press button ``action_id`` of a recorded message or view as ``user`` (``value`` overrides the button's
    value, as a forged payload would); returns the interaction's response_url."""
    view = message.args.get("view")
    blocks = (view or {}).get("blocks") if view else message.args.get("blocks")
    element, block = find_button(blocks or [], action_id)
    response_url = slack.standin.response_url()
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": slack.standin.team_id},
        "api_app_id": "ACOVENANT",
        "token": "unused-verification-token",
        "team": {"id": slack.standin.team_id, "domain": "covenant"},
        "trigger_id": slack.standin.trigger_id(),
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": block.get("block_id", "b"),
                "value": element.get("value", "") if value is None else value,
                "action_ts": "1.0",
            }
        ],
    }
    if view:
        payload["container"] = {"type": "view", "view_id": "VHOME"}
        payload["view"] = {**view, "id": "VHOME"}
    else:
        payload["response_url"] = response_url
        payload["container"] = {"type": "message", "message_ts": "1.1", "channel_id": channel, "is_ephemeral": True}
        payload["channel"] = {"id": channel, "name": "general"}
    answer = slack.interaction(payload)
    assert answer.status == 200, answer
    return response_url
