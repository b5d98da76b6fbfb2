"""Fuzzy matching of names people type (slugs, Dutch/English names, aliases, misspellings)."""

from __future__ import annotations

import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from rapidfuzz import fuzz, process, utils

K = TypeVar("K", bound=Hashable)

ACCEPT_SCORE = 86.0
SUGGEST_SCORE = 55.0


def normalise(text: str) -> str:
    """Lower case, accents removed, punctuation to spaces: 'Hernieuwbare-Energie' -> 'hernieuwbare energie'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return str(utils.default_process(plain))


@dataclass(frozen=True)
class Match(Generic[K]):
    key: K | None
    suggestions: list[K]


def best_match(query: str, candidates: Iterable[tuple[K, str]], limit: int = 3) -> Match[K]:
    """The candidate key whose name matches ``query``: exact normalised match first, else a close fuzzy one.

    When nothing is close enough, ``key`` is None and ``suggestions`` holds the nearest keys.
    """
    wanted = normalise(query)
    names: list[str] = []
    keys: list[K] = []
    for key, name in candidates:
        names.append(normalise(name))
        keys.append(key)
    if not wanted:
        return Match(None, [])
    for key, name in zip(keys, names, strict=True):
        if name == wanted:
            return Match(key, [])
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
