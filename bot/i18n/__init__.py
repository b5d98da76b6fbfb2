"""Message catalogs (``<lang>/<area>.toml``, one file per feature area) and the language a user gets.

A counted message is a table keyed by CLDR plural category (``one``, ``other``...), e.g.
``days_overdue = { one = "{count} day overdue", other = "{count} days overdue" }``, read with :func:`tn`.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Final

from babel import Locale

LANGUAGES: Final = ("nl", "en")
CATALOG_DIR = Path(__file__).resolve().parent
# Filled in when the catalog loads (not by the caller): the one sentence saying a refused request wrote nothing.
NOTHING_CHANGED: Final = "{nothing_changed}"


def _flatten(table: dict[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language, keyed by dotted name (``covenant.status.signed``)."""
    messages: dict[str, str] = {}
    for path in sorted((CATALOG_DIR / lang).glob("*.toml")):
        with path.open("rb") as handle:
            area = _flatten(tomllib.load(handle))
        clashes = messages.keys() & area.keys()
        if clashes:
            raise ValueError(f"{path}: keys defined twice: {sorted(clashes)}")
        messages.update(area)
    # One wording for "nothing was changed" everywhere: messages say ``{nothing_changed}`` and get it here.
    shared = messages["common.nothing_changed"]
    return {key: text.replace(NOTHING_CHANGED, shared) for key, text in messages.items()}


def t(lang: str, key: str, **values: object) -> str:
    """The message ``key`` in ``lang`` (English when the language is unknown), filled with ``values``."""
    messages = catalog(lang if lang in LANGUAGES else "en")
    return messages[key].format(**values) if values else messages[key]


# CLDR's plural categories: a catalog table with only these keys (and "other" among them) is a counted message.
PLURAL_CATEGORIES: Final = frozenset({"zero", "one", "two", "few", "many", "other"})


def plural_categories(lang: str) -> frozenset[str]:
    """The plural categories ``lang`` needs (always including ``other``)."""
    return Locale.parse(lang).plural_form.tags | {"other"}


def tn(lang: str, key: str, count: int, **values: object) -> str:
    """The counted message ``key`` in ``lang``, in the plural form ``count`` takes there, filled with ``count``
    and ``values``."""
    lang = lang if lang in LANGUAGES else "en"
    messages = catalog(lang)
    form = Locale.parse(lang).plural_form(abs(count))
    text = messages.get(f"{key}.{form}", messages[f"{key}.other"])
    return text.format(count=count, **values)


def language_for(locale: str | None, default: str) -> str:
    """Dutch for an nl-* Slack locale, English for any other known locale, else ``default``."""
    if not locale:
        return default
    return "nl" if locale.lower().startswith("nl") else "en"
