"""The privacy answer (what the bot stores about you) and the readable export: pure, from the export's data."""

from __future__ import annotations

import json
from typing import Any

from bot.i18n import catalog, t
from bot.render.blocks import Reply, context, header, lines_to_sections, section

SECTION_BUDGET = 2900


def table_label(table: str, lang: str) -> str:
    """What a table's records are, in the reader's words (an unknown table by its name)."""
    return catalog(lang).get(f"privacy.table.{table}") or t(lang, "privacy.other_table", table=table)


def count_lines(data: dict[str, Any], lang: str) -> list[str]:
    """One line per kind of record that names the person, with how many."""
    counts: dict[str, int] = data["counts"]
    tables = sorted(counts, key=lambda table: (table != "person", table_label(table, lang)))
    return [t(lang, "privacy.count_line", label=table_label(table, lang), count=counts[table]) for table in tables]


def privacy_reply(data: dict[str, Any], lang: str) -> Reply:
    """The answer to ``/covenant privacy``: what is stored and why, the asker's own counts, how to erase."""
    lines = [f"• {line}" for line in count_lines(data, lang)]
    blocks = [header(t(lang, "privacy.title")), section(t(lang, "privacy.intro"))]
    if lines:
        blocks += [section(t(lang, "privacy.yours")), *lines_to_sections(lines, SECTION_BUDGET)]
    else:
        blocks.append(section(t(lang, "privacy.none")))
    blocks += [section(t(lang, "privacy.sent")), context(t(lang, "privacy.erase"))]
    return Reply(text=t(lang, "privacy.title"), blocks=blocks)


def summary(data: dict[str, Any], lang: str) -> str:
    """The readable summary: what is stored, the person's own counts, how to have it erased (Markdown)."""
    lines = [f"# {t(lang, 'privacy.file_title')}", "", t(lang, "privacy.exported_at", at=data["exported_at"]), ""]
    lines += [t(lang, "privacy.intro"), "", f"## {t(lang, 'privacy.summary_heading')}", ""]
    counted = count_lines(data, lang)
    lines += [f"- {line}" for line in counted] if counted else [t(lang, "privacy.none")]
    lines += ["", t(lang, "privacy.erase"), ""]
    return "\n".join(lines)


def as_json(data: dict[str, Any]) -> str:
    """The export itself, indented, UTF-8."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def document(data: dict[str, Any], lang: str) -> str:
    """The file a person gets in their DM: the readable summary, then every record as JSON."""
    return summary(data, lang) + f"\n## {t(lang, 'privacy.export_heading')}\n\n```json\n{as_json(data)}```\n"
