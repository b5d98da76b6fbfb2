"""Slack's Web API rate limits, enforced by the stand-in on every call unless a test raises them by name.

From Slack's rate-limit guide (https://docs.slack.dev/apis/web-api/rate-limits, also
https://api.slack.com/docs/rate-limits): limits apply per method, per workspace, per app. Tier 1 allows
1+ calls a minute, Tier 2 20+, Tier 3 50+, Tier 4 100+, each tolerating some bursts; chat.postMessage is
"special": about one message a second in a channel, short bursts allowed, plus a workspace-wide limit.
Beyond a limit Slack answers HTTP 429 with ``Retry-After`` in whole seconds.

The stand-in models each limit as a token bucket: it refills at the documented rate and holds one
minute's worth of calls (the documented "N per minute"; a tier's bursts are what the bucket holds).
Slack publishes no number for the per-channel burst or the workspace cap on chat.postMessage; the
defaults below are our estimates and say so.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

# Calls a minute per tier (the guide's table).
TIER_1, TIER_2, TIER_3, TIER_4 = 1.0, 20.0, 50.0, 100.0

# Each method the bot calls, with its tier from the method's page under https://docs.slack.dev/reference/methods/
# ("Rate limits" in its facts). Methods not listed get Tier 2: "most methods allow at least 20 requests per minute".
METHOD_TIERS: Mapping[str, float] = {
    "auth.test": TIER_4,  # "Special": far above Tier 4 in practice; Tier 4 is the floor we hold it to
    "chat.postEphemeral": TIER_4,
    "chat.update": TIER_3,
    "chat.delete": TIER_3,
    "chat.getPermalink": TIER_4,  # "Special" (several hundred a minute): Tier 4 is the floor
    "reactions.add": TIER_3,
    "views.open": TIER_4,
    "views.push": TIER_4,
    "views.update": TIER_4,
    "views.publish": TIER_4,
    "users.info": TIER_4,
    "users.lookupByEmail": TIER_3,
    "conversations.open": TIER_3,
    "conversations.info": TIER_3,
    "conversations.history": TIER_3,
    "conversations.canvases.create": TIER_2,
    "canvases.edit": TIER_3,
    "canvases.sections.lookup": TIER_3,
    "conversations.replies": TIER_3,
    "files.getUploadURLExternal": TIER_4,
    "files.completeUploadExternal": TIER_4,
}

# Since 2025-05-29 apps that are *commercially distributed* and not approved for the Slack Marketplace get
# 1 call a minute (and at most 15 messages a call) on these two; Marketplace apps and internal customer-built
# apps keep Tier 3 (rate-limit guide, "App types and rate limits", and the changelog post
# https://docs.slack.dev/changelog/2025/05/29/rate-limit-changes-for-non-marketplace-apps).
NON_MARKETPLACE_LIMITED = frozenset({"conversations.history", "conversations.replies"})

# Not Web API methods: a response_url and a file upload URL are limited differently (or not documented).
UNLIMITED = frozenset({"response_url", "upload"})


@dataclass(frozen=True)
class RateLimits:
    """The limits the stand-in enforces; ``RateLimits()`` is Slack's.

    chat.postMessage: ``per_channel`` messages a second in one channel with bursts of ``channel_burst``, and
    ``workspace`` a second in all channels together with bursts of ``burst`` (default one second's worth).
    Every other method: its tier's calls a minute (``tiers``, default :data:`METHOD_TIERS`) times ``scale``.
    ``distributed_outside_marketplace`` applies the 2025 limit on conversations.history/replies.
    """

    per_channel: float = 1.0
    # Slack: "short bursts >1 allowed", no number given; three in a row is our estimate.
    channel_burst: float = 3.0
    # Slack: "a workspace-wide limit", no number given; ten a second is our estimate.
    workspace: float = 10.0
    burst: float | None = None
    scale: float = 1.0
    distributed_outside_marketplace: bool = False
    tiers: Mapping[str, float] = field(default_factory=lambda: dict(METHOD_TIERS), compare=False)
    clock: Callable[[], float] = field(default=time.monotonic, compare=False)

    @property
    def bucket_size(self) -> float:
        return max(1.0, self.burst if self.burst is not None else self.workspace)

    def per_minute(self, method: str) -> float:
        """Calls a minute ``method`` is allowed (not chat.postMessage, which is limited per channel)."""
        if self.distributed_outside_marketplace and method in NON_MARKETPLACE_LIMITED:
            return TIER_1 * self.scale
        return self.tiers.get(method, TIER_2) * self.scale

    def raised(self, factor: float) -> RateLimits:
        """These limits times ``factor`` (every rate and burst): for load tests that must say how far they
        go beyond Slack's limits, never a silent switch-off."""
        return replace(
            self,
            per_channel=self.per_channel * factor,
            channel_burst=self.channel_burst * factor,
            workspace=self.workspace * factor,
            burst=None if self.burst is None else self.burst * factor,
            scale=self.scale * factor,
        )


SLACK_LIMITS = RateLimits()


class _Bucket:
    def __init__(self, rate: float, size: float, now: float) -> None:
        self.rate, self.size = rate, max(1.0, size)
        self.tokens, self.at = self.size, now

    def refill(self, now: float) -> None:
        self.tokens = min(self.size, self.tokens + (now - self.at) * self.rate)
        self.at = now

    def wait(self) -> float:
        """Seconds until a token is there (0 when one is)."""
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate


class RateLimiter:
    """Decides, call by call, whether Slack would accept a call now; thread-safe."""

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self.accepted = 0
        self.refused = 0
        self.refused_by_method: dict[str, int] = {}
        self._passed = 0.0

    def let_time_pass(self, seconds: float) -> None:
        """Act as if ``seconds`` more had passed (tests that compress a person's pauses between actions)."""
        with self._lock:
            self._passed += seconds

    def _bucket(self, key: tuple[str, str], rate: float, size: float, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(rate, size, now)
        bucket.refill(now)
        return bucket

    def admit(self, channel: str, method: str = "chat.postMessage") -> float | None:
        """None when ``method`` (to ``channel`` for chat.postMessage) may be called now, and count the call;
        else the Retry-After seconds (whole, at least 1)."""
        if method in UNLIMITED:
            return None
        limits = self.limits
        with self._lock:
            now = limits.clock() + self._passed
            if method == "chat.postMessage":
                buckets = [
                    self._bucket(("channel", channel), limits.per_channel, limits.channel_burst, now),
                    self._bucket(("workspace", method), limits.workspace, limits.bucket_size, now),
                ]
            else:
                per_minute = limits.per_minute(method)
                buckets = [self._bucket(("method", method), per_minute / 60.0, per_minute, now)]
            wait = max(bucket.wait() for bucket in buckets)
            if wait > 0:
                self.refused += 1
                self.refused_by_method[method] = self.refused_by_method.get(method, 0) + 1
                return float(max(1, math.ceil(wait)))
            for bucket in buckets:
                bucket.tokens -= 1.0
            self.accepted += 1
            return None
