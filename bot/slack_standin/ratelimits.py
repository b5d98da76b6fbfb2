"""Slack's chat.postMessage rate limits, enforced by the stand-in when asked to (load and fan-out tests).

Slack allows about one message per second in a channel (short bursts aside) and a workspace-wide
number per minute above that; beyond either it answers HTTP 429 with ``Retry-After`` in whole
seconds. The stand-in models both: a minimum interval per channel and a token bucket for the
workspace (its size is the burst Slack tolerates).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

RATE_LIMITED_METHODS = frozenset({"chat.postMessage"})


@dataclass(frozen=True)
class RateLimits:
    """Limits on chat.postMessage: ``per_channel`` messages a second in one channel, ``workspace`` a second
    in all channels together with bursts of up to ``burst`` (default: one second's worth)."""

    per_channel: float = 1.0
    workspace: float = 10.0
    burst: float | None = None
    clock: Callable[[], float] = field(default=time.monotonic, compare=False)

    @property
    def bucket_size(self) -> float:
        return max(1.0, self.burst if self.burst is not None else self.workspace)


class RateLimiter:
    """Decides, call by call, whether Slack would accept a message now; thread-safe."""

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self._lock = threading.Lock()
        self._tokens = limits.bucket_size
        self._refilled_at = limits.clock()
        self._last_in_channel: dict[str, float] = {}
        self.accepted = 0
        self.refused = 0

    def admit(self, channel: str) -> float | None:
        """None when a message to ``channel`` may go out now (and count it), else the Retry-After seconds."""
        limits = self.limits
        with self._lock:
            now = limits.clock()
            self._tokens = min(limits.bucket_size, self._tokens + (now - self._refilled_at) * limits.workspace)
            self._refilled_at = now
            wait = 0.0
            last = self._last_in_channel.get(channel)
            if last is not None:
                wait = max(wait, last + 1.0 / limits.per_channel - now)
            if self._tokens < 1.0:
                wait = max(wait, (1.0 - self._tokens) / limits.workspace)
            if wait > 0:
                self.refused += 1
                return float(max(1, math.ceil(wait)))
            self._tokens -= 1.0
            self._last_in_channel[channel] = now
            self.accepted += 1
            return None
