"""Fuzzy matching of names people type (slugs, Dutch/English names, aliases, misspellings)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from rapidfuzz import fuzz, process

from bot.parsing.text import normalise

K = TypeVar("K", bound=Hashable)

ACCEPT_SCORE = 86.0
SUGGEST_SCORE = 55.0


@dataclass(frozen=True)
class Match(Generic[K]):
    key: K | None
    suggestions: list[K]


class NameIndex(Generic[K]):
    """Candidate names normalised once, to match many queries against (e.g. every phrase of a question)."""

    def __init__(self, candidates: Iterable[tuple[K, str]]) -> None:
        self.keys: list[K] = []
        self.names: list[str] = []
        self.exact: dict[str, K] = {}
        for key, name in candidates:
            normalised = normalise(name)
            self.keys.append(key)
            self.names.append(normalised)
            self.exact.setdefault(normalised, key)

    def match(self, query: str, limit: int = 3) -> Match[K]:
        """The key whose name matches ``query`` (see :func:`best_match`)."""
        return _match(normalise(query), self.keys, self.names, self.exact, limit)


def best_match(query: str, candidates: Iterable[tuple[K, str]], limit: int = 3) -> Match[K]:
    """The candidate key whose name matches ``query``: exact normalised match first, else a close fuzzy one.

    When nothing is close enough, ``key`` is None and ``suggestions`` holds the nearest keys.
    """
    return NameIndex(candidates).match(query, limit)


def _match(wanted: str, keys: list[K], names: list[str], exact: dict[str, K], limit: int) -> Match[K]:
    if not wanted:
        return Match(None, [])
    if wanted in exact:
        return Match(exact[wanted], [])
    scored = process.extract(wanted, names, scorer=fuzz.WRatio, processor=None, limit=None)
    best_per_key: dict[K, float] = {}
    for _name, score, index in scored:
        key = keys[index]
        # Short queries match long names too easily through partial ratios: require closeness.
        if len(wanted) < 4:
            score = fuzz.ratio(wanted, names[index])
        best_per_key[key] = max(score, best_per_key.get(key, 0.0))
    ranked = sorted(best_per_key.items(), key=lambda item: -item[1])
    if ranked and ranked[0][1] >= ACCEPT_SCORE and (len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= 3):
        return Match(ranked[0][0], [])
    return Match(None, [key for key, score in ranked[:limit] if score >= SUGGEST_SCORE])
