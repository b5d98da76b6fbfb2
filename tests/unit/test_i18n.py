"""Every user-visible string exists in Dutch and English, with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

from bot.i18n import LANGUAGES, PLURAL_CATEGORIES, catalog, language_for, plural_categories, t, tn

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
    counted_pattern = re.compile(r"""\btn\(\s*\w+\s*,\s*f?["']([a-z_{}.]+)["']""")
    counted: set[str] = set()
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/**/*.py")]:
        counted |= {key for key in counted_pattern.findall(path.read_text()) if "{" not in key}
    assert used, "the scan found no keys at all"
    assert counted, "the scan found no counted keys at all"
    for lang in LANGUAGES:
        assert sorted(used - catalog(lang).keys()) == [], lang
        assert sorted(key for key in counted if f"{key}.other" not in catalog(lang)) == [], lang


def test_language_from_slack_locale() -> None:
    assert language_for("nl-NL", "en") == "nl"
    assert language_for("nl-BE", "en") == "nl"
    assert language_for("en-US", "nl") == "en"
    assert language_for("fr-FR", "nl") == "en"
    assert language_for(None, "nl") == "nl"
    assert t("de", "common.uncertain") == "uncertain"


def _plural_tables(lang: str) -> dict[str, set[str]]:
    """Every counted message of ``lang`` (a table whose keys are plural categories): its categories."""
    children: dict[str, set[str]] = {}
    for key in catalog(lang):
        stem, _, last = key.rpartition(".")
        children.setdefault(stem, set()).add(last)
    return {stem: found for stem, found in children.items() if "other" in found and found <= PLURAL_CATEGORIES}


def test_every_counted_message_has_the_plural_forms_its_language_needs() -> None:
    for lang in LANGUAGES:
        tables = _plural_tables(lang)
        assert tables, f"no counted messages in {lang}"
        needed = plural_categories(lang)
        assert {stem: found for stem, found in tables.items() if found != needed} == {}, lang


def test_counted_messages_choose_the_form_by_babels_plural_rules() -> None:
    assert tn("en", "plan.days_overdue", 1, date="x") == "1 day overdue (due x)"
    assert tn("en", "plan.days_overdue", 3, date="x") == "3 days overdue (due x)"
    assert tn("nl", "plan.days_overdue", 1, date="x") == "1 dag te laat (uiterlijk x)"
    assert tn("nl", "plan.days_overdue", 0, date="x") == "0 dagen te laat (uiterlijk x)"
    assert tn("nl", "orgkind_count.trade_association", 1) == "1 brancheorganisatie"
    assert tn("en", "orgkind_count.trade_association", 2) == "2 trade associations"


def test_no_message_hedges_its_plural() -> None:
    hedged = re.compile(r"\w\((s|en|n|e)\)")
    for lang in LANGUAGES:
        assert sorted(key for key, text in catalog(lang).items() if hedged.search(text)) == [], lang


def test_one_wording_says_nothing_was_changed() -> None:
    variants = re.compile(r"nothing (was |has )?changed|niets (is )?(veranderd|gewijzigd)", re.IGNORECASE)
    for lang in LANGUAGES:
        shared = t(lang, "common.nothing_changed")
        for key, text in catalog(lang).items():
            assert "{nothing_changed}" not in text, key
            for found in variants.finditer(text):
                assert shared.lower().rstrip(".") in text.lower(), (lang, key, found.group(0))
    assert t("en", "minutes.locked").startswith("These minutes are approved and locked. Nothing was changed.")
    assert t("nl", "common.not_found").endswith("Er is niets veranderd.")
