"""The minutes form, parsed: decisions one per line, action items ``@owner — task — due date`` one per line.

A line that cannot be read is reported on its field (line number, what is wrong, the right form) and
nothing is saved.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.db.models import Minutes
from bot.parsing.dates import parse_date
from bot.parsing.text import normalise
from bot.render.minutes_views import ACTIONS, ATTENDEES, DECISIONS, SUMMARY, VALUE
from bot.services.covenants.matching import best_match
from bot.services.errors import FieldError, UsageError
from bot.services.minutes.action_items import ActionItemDraft, owner_candidates
from bot.services.minutes.minutes import MinutesForm

_SEPARATOR = re.compile(r"\s+(?:—|–|-{1,2})\s+|\s*\|\s*|\s*[—–]\s*")
_BULLET = re.compile(r"^\s*(?:[-•*·]|\d{1,3}[.)])\s+")
_SLACK_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_PARENTHESES = re.compile(r"\s*\([^)]*\)\s*")


def field_values(state: dict[str, Any]) -> dict[str, str]:
    """The text of each input of a submitted view, by block id (empty inputs give "")."""
    values: dict[str, str] = {}
    for block_id, actions in (state.get("values") or {}).items():
        action = actions.get(VALUE) or {}
        selected = action.get("selected_option") or {}
        values[block_id] = str(action.get("value") or selected.get("value") or "")
    return values


def _lines(text: str) -> list[tuple[int, str]]:
    return [(n, _BULLET.sub("", line).strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def _owner(text: str, candidates: list[tuple[str, str]], number: int) -> str:
    mention = _SLACK_USER.match(text)
    if mention:
        return mention.group(1)
    wanted = text.lstrip("@").strip()
    if not wanted:
        raise FieldError(ACTIONS, "minutes.form.owner_missing", line=number)
    names: list[tuple[str, str]] = []
    for slack_id, name in candidates:
        plain = _PARENTHESES.sub(" ", name).strip()
        names += [(slack_id, name), (slack_id, plain), (slack_id, plain.split()[0] if plain else name)]
    exact = {slack_id for slack_id, name in names if normalise(name) == normalise(wanted)}
    if len(exact) == 1:
        return exact.pop()
    by_id = dict(candidates)
    if len(exact) > 1:
        raise FieldError(
            ACTIONS,
            "minutes.form.owner_ambiguous",
            line=number,
            owner=text,
            names=", ".join(by_id[i] for i in sorted(exact)),
        )
    match = best_match(wanted, names)
    if match.key is None:
        # Nothing close: name the first members of the group, so the writer sees what a name looks like.
        keys = match.suggestions or [slack_id for slack_id, _ in candidates[:3]]
        suggestions = ", ".join(dict.fromkeys(by_id[key] for key in keys)) or "—"
        raise FieldError(ACTIONS, "minutes.form.owner_unknown", line=number, owner=text, names=suggestions)
    return match.key


def parse_action_items(
    session: Session, minutes: Minutes, text: str, today: date, meeting_day: date
) -> list[ActionItemDraft]:
    """Every line as an action item with a known owner and a due date; FieldError on the first bad line."""
    candidates = owner_candidates(session, minutes.meeting)
    drafts: list[ActionItemDraft] = []
    for number, line in _lines(text):
        parts = [part.strip() for part in _SEPARATOR.split(line)]
        if len(parts) < 3 or not all(parts):
            raise FieldError(ACTIONS, "minutes.form.action_shape", line=number, text=line[:200])
        owner = _owner(parts[0], candidates, number)
        task = " — ".join(parts[1:-1])
        try:
            due = parse_date(parts[-1], today, future=True)
        except UsageError as error:
            raise FieldError(ACTIONS, "minutes.form.action_due", line=number, due=parts[-1][:100]) from error
        if due < meeting_day:
            raise FieldError(ACTIONS, "minutes.form.due_before_meeting", line=number, due=due.isoformat())
        drafts.append(ActionItemDraft(owner, task, due))
    return drafts


def parse(session: Session, minutes: Minutes, values: dict[str, str], today: date, meeting_day: date) -> MinutesForm:
    """The submitted form as a MinutesForm; FieldError names the field that is wrong."""
    decisions = [line for _, line in _lines(values.get(DECISIONS, ""))]
    items = parse_action_items(session, minutes, values.get(ACTIONS, ""), today, meeting_day)
    return MinutesForm(
        summary=values.get(SUMMARY, "").strip() or None,
        attendees=values.get(ATTENDEES, "").strip() or None,
        decisions=decisions,
        action_items=items,
    )
