"""Everything the bot holds about one person (AVG/GDPR article 15), as JSON-able data.

Every row of every table that names the person is listed (:func:`subjects.naming_rows`) with what in it is
theirs: the row's ids, dates and states, and of its text only the parts that name them. Other people's ids are
blanked, and confidential company data (assessment notes, progress notes, check-ins) is never included: it is
the organisation's, not the person's.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Enum, String, Text
from sqlalchemy.orm import Session

from bot.services.privacy.subjects import NamingRow, Subject, mentions, naming_rows, text_columns

# The organisation's confidential data, even where it names the person: the secretariat answers for it.
CONFIDENTIAL = {
    ("action_plan", "assessment_notes"),
    ("charter_commitment_update", "text"),
    ("milestone_checkin", "note"),
    ("project_update", "text"),
}
# Text that is the person's own as a whole when the named column is theirs (what they wrote).
OWN_TEXT = {("minutes_contribution", "text"): "author_slack_id"}
# Derived copies of other columns (search indexes): listing them would only repeat the rest.
DERIVED = {("minutes", "search_text")}
# Tables whose rows are the person's alone: every column is shown.
OWN_TABLES = {"person", "slack_profile"}
OTHER_SLACK_ID = re.compile(r"(?<!\w)[UW][A-Z0-9]{6,}(?!\w)")
OTHER_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
OTHER_ADDRESS = re.compile(r"(?<!\w)person:\d+(?!\w)")
SOMEONE_ELSE = "(someone else)"
EXCERPT = 200


def export(session: Session, subject: Subject, now: datetime) -> dict[str, Any]:
    """The person's data: who they are to the bot, then each record that names them, counted per table."""
    records = [_record(found, subject) for found in naming_rows(session, subject)]
    counts = Counter(record["table"] for record in records)
    person = next((r["fields"] for r in records if r["table"] == "person"), None)
    return {
        "exported_at": now.isoformat(),
        "subject": {
            "person_id": subject.person_id,
            "slack_user_id": subject.slack_id,
            "email": subject.email,
            "name": subject.name,
        },
        "person": person,
        "counts": dict(sorted(counts.items())),
        "records": records,
    }


def _record(found: NamingRow, subject: Subject) -> dict[str, Any]:
    table = found.table
    texts = {c.name for c in text_columns(table)} | {
        c.name for c in table.columns if isinstance(c.type, String | Text | JSON) and not isinstance(c.type, Enum)
    }
    fields: dict[str, Any] = {}
    for column in table.columns:
        name, value = column.name, found.values[column.name]
        if (table.name, name) in CONFIDENTIAL | DERIVED or value is None:
            continue
        if table.name in OWN_TABLES or name not in texts or isinstance(column.type, Enum):
            fields[name] = _plain(value)
        elif OWN_TEXT.get((table.name, name)) in found.naming:
            fields[name] = _blank_others(str(value), subject)
        elif name in found.naming:
            fields[name] = _naming_parts(value, subject)
        elif isinstance(value, str) and (getattr(column.type, "length", None) or EXCERPT) <= 64:
            # A short code (a rule, an action, a channel): what the row is, with other people's ids blanked.
            fields[name] = _blank_others(value, subject)
    return {
        "table": table.name,
        "key": [_plain(k) for k in found.key],
        "names_you_in": list(found.naming),
        "fields": fields,
    }


def _plain(value: object) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, int | str):
        return value.value
    return value


def _naming_parts(value: object, subject: Subject) -> Any:
    """Of a text, the pieces that name the person; of JSON, the values that do (by their path)."""
    if isinstance(value, str):
        pieces = re.split(r"\n+|(?<=[.;!?])\s+|,\s*", value)
        parts = [_clip(p, subject) for p in pieces if mentions(p, subject)]
        return " … ".join(_blank_others(p, subject) for p in parts)
    found: dict[str, Any] = {}
    _json_paths(value, "", subject, found)
    return found


def _json_paths(value: object, path: str, subject: Subject, found: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _json_paths(item, f"{path}.{key}" if path else str(key), subject, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _json_paths(item, f"{path}[{index}]", subject, found)
    elif isinstance(value, str) and mentions(value, subject):
        found[path] = _blank_others(_clip(value, subject), subject)


def _clip(text: str, subject: Subject) -> str:
    if len(text) <= EXCERPT:
        return text
    for marker in subject.markers():
        at = text.lower().find(marker.lower())
        if at >= 0:
            start = max(0, at - EXCERPT // 2)
            return ("…" if start else "") + text[start : start + EXCERPT] + "…"
    return text[:EXCERPT] + "…"


def _blank_others(text: str, subject: Subject) -> str:
    """Other people's Slack ids, email addresses and ``person:<id>`` addresses replaced by "(someone else)"."""
    own = {m.lower() for m in (subject.slack_id, subject.email, subject.address) if m}

    def blank(match: re.Match[str]) -> str:
        return match.group(0) if match.group(0).lower() in own else SOMEONE_ELSE

    for other in (OTHER_EMAIL, OTHER_SLACK_ID, OTHER_ADDRESS):
        text = other.sub(blank, text)
    return text
