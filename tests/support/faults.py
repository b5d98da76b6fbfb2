"""What the fault tests share: counting what Slack holds, failing every Web API method."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from typing import Any

from bot.slack_standin import StandinSlack


def known_recipients(standin: StandinSlack, recipients: list[str]) -> None:
    """Make the channels (the bot invited) and users that owed notices go to exist in the stand-in workspace."""
    for recipient in recipients:
        if recipient.startswith("C"):
            standin.add_channel(recipient, recipient.lower())
            standin.invite_bot(recipient)
        else:
            standin.add_user(recipient, recipient.title())


def held(standin: StandinSlack, owed: set[int]) -> Counter[int]:
    # What Slack holds: every message stored by the stand-in (a timed-out request is stored too).
    ids = [
        m["metadata"]["event_payload"]["delivery_id"]
        for messages in standin.messages.values()
        for m in messages
        if m.get("metadata")
    ]
    return Counter(i for i in ids if i in owed)


Answer = tuple[int, dict[str, str], dict[str, Any]]


def faults_on_every_method(standin: StandinSlack, rate: float, seed: int, late: float) -> Counter[str]:
    """Make ``rate`` of all Web API calls fail: 429, 500, or carried out with the answer ``late`` seconds
    after the client stopped waiting. Returns the counts of what was injected, by method and kind."""
    rng = random.Random(seed)
    lock = threading.Lock()
    injected: Counter[str] = Counter()

    def fault(method: str, args: dict[str, Any]) -> Answer | None:
        with lock:
            kind = rng.choice(["429", "500", "timeout"]) if rng.random() < rate else None
            if kind is not None:
                injected[f"{method} {kind}"] += 1
        if kind == "429":
            return 429, {"Retry-After": "0"}, {"ok": False, "error": "ratelimited"}
        if kind == "500":
            return 500, {}, {"ok": False, "error": "internal_error"}
        if kind == "timeout":
            body = standin._answer(method, args)  # Slack does it (a message is stored)...
            time.sleep(late)  # ...but answers after the client gave up
            return 200, {}, body
        return None

    standin.fault = fault
    return injected
