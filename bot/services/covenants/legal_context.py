"""The legal context of the covenants (EU due-diligence law, the Dutch bill) as public facts, from
``config/seed/legal_context.yml``.

Kept as data, not code or catalog text: the law moves, and a correction is one edit to one file with its source
beside it. Read once per process; the file ships with the bot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from config import CONFIG_DIR, read_yaml

LEGAL_CONTEXT_FILE = CONFIG_DIR / "seed" / "legal_context.yml"
_FIELDS = ("key", "title_nl", "title_en", "reference_nl", "reference_en", "nl", "en", "may_change")


@dataclass(frozen=True)
class LegalFact:
    """One law, directive or agreement: what it is called, its reference, what it says; ``may_change`` when it is
    not final."""

    key: str
    title_nl: str
    title_en: str
    reference_nl: str
    reference_en: str
    text_nl: str
    text_en: str
    may_change: bool

    def title(self, lang: str) -> str:
        """The title in ``lang`` (Dutch for 'nl', else English)."""
        return self.title_nl if lang == "nl" else self.title_en

    def reference(self, lang: str) -> str:
        """The official reference in ``lang``."""
        return self.reference_nl if lang == "nl" else self.reference_en

    def text(self, lang: str) -> str:
        """What it says, in ``lang``."""
        return self.text_nl if lang == "nl" else self.text_en


@dataclass(frozen=True)
class LegalContext:
    """The legal facts in the file's order, and the day they were last checked."""

    as_of: date
    facts: tuple[LegalFact, ...]

    @property
    def has_changing_facts(self) -> bool:
        """Whether any fact is marked as subject to change."""
        return any(fact.may_change for fact in self.facts)


def _fact(item: dict[str, Any]) -> LegalFact:
    missing = [name for name in _FIELDS if name not in item]
    if missing:
        raise ValueError(f"legal context item {item.get('key')!r} lacks {', '.join(missing)}")
    if not isinstance(item["may_change"], bool):
        raise ValueError(f"legal context item {item['key']!r}: may_change must be true or false")
    return LegalFact(
        key=str(item["key"]),
        title_nl=str(item["title_nl"]),
        title_en=str(item["title_en"]),
        reference_nl=str(item["reference_nl"]),
        reference_en=str(item["reference_en"]),
        text_nl=str(item["nl"]),
        text_en=str(item["en"]),
        may_change=item["may_change"],
    )


def read_legal_context(path: Path) -> LegalContext:
    """The legal context in ``path``; a malformed file is our mistake and raises ``ValueError``."""
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("as_of"), date) or not data.get("items"):
        raise ValueError(f"{path}: needs an as_of date and at least one item")
    return LegalContext(as_of=data["as_of"], facts=tuple(_fact(item) for item in data["items"]))


@lru_cache(maxsize=1)
def legal_context() -> LegalContext:
    """The legal context the bot ships with."""
    return read_legal_context(LEGAL_CONTEXT_FILE)
