"""Every user-visible string exists in Dutch and English, with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

from bot.i18n import LANGUAGES, catalog, language_for, t

ROOT = Path(__file__).resolve().parents[2]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys() -> None:
    nl, en = catalog("nl"), catalog("en")
    assert sorted(nl.keys() - en.keys()) == [], "missing in English"
    assert sorted(en.keys() - nl.keys()) == [], "missing in Dutch"


def test_translations_use_the_same_placeholders() -> None:
    nl, en = catalog("nl"), catalog("en")
    different = {key for key in nl if _placeholders(nl[key]) != _placeholders(en[key])}
    assert different == set()


def test_every_key_used_in_the_code_exists() -> None:
    pattern = re.compile(r"""\bt\(\s*\w+\s*,\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")
    error_pattern = re.compile(r"""UsageError\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")
    used: set[str] = set()
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/**/*.py")]:
        source = path.read_text()
        used |= set(pattern.findall(source)) | set(error_pattern.findall(source))
    assert used, "the scan found no keys at all"
    for lang in LANGUAGES:
        assert sorted(used - catalog(lang).keys()) == [], lang


def test_language_from_slack_locale() -> None:
    assert language_for("nl-NL", "en") == "nl"
    assert language_for("nl-BE", "en") == "nl"
    assert language_for("en-US", "nl") == "en"
    assert language_for("fr-FR", "nl") == "en"
    assert language_for(None, "nl") == "nl"
    assert t("de", "common.uncertain") == "uncertain"
