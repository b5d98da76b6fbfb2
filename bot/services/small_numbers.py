"""The small-numbers rule for published aggregates: a category of fewer than five companies could point at one.

Categories under :data:`MINIMUM` (but above zero) are merged with their smaller neighbour until every category
holds at least that many; when all of them together hold fewer, the figures are suppressed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# The same threshold as the status answer's outcomes (bot.render.sections.MIN_ASSESSED_FOR_OUTCOMES).
MINIMUM = 5


@dataclass(frozen=True)
class Bucket:
    """One published category: the keys merged into it (in their order) and the companies in it."""

    keys: tuple[str, ...]
    count: int


def merge_small(counts: Sequence[tuple[str, int]], minimum: int = MINIMUM) -> tuple[Bucket, ...] | None:
    """The categories with small ones merged into a neighbour; None when the total is below ``minimum``."""
    if sum(count for _, count in counts) < minimum:
        return None
    buckets = [Bucket((key,), count) for key, count in counts]
    while True:
        small = [i for i, bucket in enumerate(buckets) if 0 < bucket.count < minimum]
        if not small or len(buckets) == 1:
            return tuple(buckets)
        i = min(small, key=lambda index: buckets[index].count)
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(buckets)]
        j = min(neighbours, key=lambda index: buckets[index].count)
        first, second = sorted((i, j))
        merged = Bucket(buckets[first].keys + buckets[second].keys, buckets[first].count + buckets[second].count)
        buckets[first : second + 1] = [merged]
