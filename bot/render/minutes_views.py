"""Modals for minutes: write the minutes, ask for changes, and pick a meeting for the "Add to minutes" shortcut."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.db.models import Minutes
from bot.i18n import t
from bot.render.blocks import MAX_VIEW_BLOCKS, Block, clip, context, escape, lines_to_sections, section
from bot.render.minutes import status_name, when
from bot.render.time import plain_datetime

VIEW_EDIT = "minutes_edit"
VIEW_CHANGES = "minutes_changes"
VIEW_PICK = "minutes_pick"
# Block ids of the inputs (the view_submission handler reads and flags fields by them).
SUMMARY, ATTENDEES, DECISIONS, ACTIONS, COMMENT, SITTING = (
    "summary",
    "attendees",
    "decisions",
    "actions",
    "comment",
    "sitting",
)
VALUE = "value"
MAX_INPUT = 3000
MAX_METADATA = 3000
MAX_OPTION_TEXT = 75
MAX_OPTIONS = 100


def _plain(text: str, limit: int = 24) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def _input(
    block_id: str,
    label: str,
    value: str | None,
    *,
    multiline: bool,
    optional: bool,
    placeholder: str = "",
    hint: str = "",
) -> Block:
    element: Block = {"type": "plain_text_input", "action_id": VALUE, "multiline": multiline, "max_length": MAX_INPUT}
    if value:
        element["initial_value"] = value[:MAX_INPUT]
    if placeholder:
        element["placeholder"] = _plain(placeholder, 150)
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label, 2000),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = _plain(hint, 2000)
    return block


def _modal(
    callback_id: str, title: str, submit: str, lang: str, blocks: list[Block], metadata: dict[str, Any]
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": _plain(title),
        "submit": _plain(submit),
        "close": _plain(t(lang, "minutes.view.cancel")),
        "private_metadata": _fit(metadata),
        "blocks": blocks[:MAX_VIEW_BLOCKS],
    }


def action_item_lines(minutes: Minutes, names: dict[str, str]) -> str:
    """The action items as the form shows them: ``@Name — task — 2026-12-01``."""
    return "\n".join(
        f"@{names.get(i.owner_slack_id or '', i.owner_slack_id or '?')} — {i.task}"
        + (f" — {i.due_on.isoformat()}" if i.due_on else "")
        for i in minutes.action_items
    )


def edit_view(
    minutes: Minutes, start: datetime, lang: str, names: dict[str, str], attendees: str | None, channel_id: str | None
) -> dict[str, Any]:
    """The minutes form, filled with what is there (``attendees`` suggests who said they would come)."""
    blocks: list[Block] = [
        section(f"*{escape(minutes.meeting.title)}*\n{when(minutes, start, lang)} — {status_name(minutes, lang)}"),
    ]
    standing = [c for c in minutes.contributions if not c.deleted]
    if standing:
        lines = [f"*{t(lang, 'minutes.contributions', count=len(standing))}*"]
        lines += [f"• <@{c.author_slack_id}>: {escape(clip(c.text, 400))}" for c in standing[-20:]]
        blocks += lines_to_sections(lines, 3)
    blocks += [
        _input(SUMMARY, t(lang, "minutes.summary"), minutes.summary, multiline=True, optional=True),
        _input(ATTENDEES, t(lang, "minutes.attendees"), minutes.attendees or attendees, multiline=False, optional=True),
        _input(
            DECISIONS,
            t(lang, "minutes.decisions"),
            "\n".join(d.text for d in minutes.decisions),
            multiline=True,
            optional=True,
            hint=t(lang, "minutes.view.decisions_hint"),
        ),
        _input(
            ACTIONS,
            t(lang, "minutes.action_items"),
            action_item_lines(minutes, names),
            multiline=True,
            optional=True,
            placeholder=t(lang, "minutes.view.actions_placeholder"),
            hint=t(lang, "minutes.view.actions_hint"),
        ),
        context(t(lang, "minutes.view.deadline_note")),
    ]
    return _modal(
        VIEW_EDIT,
        t(lang, "minutes.view.title"),
        t(lang, "minutes.view.save"),
        lang,
        blocks,
        {"minutes_id": minutes.id, "channel": channel_id},
    )


def changes_view(minutes: Minutes, start: datetime, lang: str) -> dict[str, Any]:
    """Ask what should change in circulated minutes."""
    blocks: list[Block] = [
        section(f"*{escape(minutes.meeting.title)}*\n{when(minutes, start, lang)}"),
        _input(COMMENT, t(lang, "minutes.view.comment"), None, multiline=True, optional=False),
    ]
    return _modal(
        VIEW_CHANGES,
        t(lang, "minutes.view.changes_title"),
        t(lang, "minutes.view.send"),
        lang,
        blocks,
        {"minutes_id": minutes.id},
    )


def picker_view(options: list[tuple[str, str, str]], message: dict[str, Any], lang: str) -> dict[str, Any]:
    """Pick the meeting a message is added to: ``options`` are (value, title, start as plain text)."""
    select: Block = {
        "type": "static_select",
        "action_id": VALUE,
        "placeholder": _plain(t(lang, "minutes.view.pick_placeholder"), 150),
        "options": [
            {"text": _plain(f"{title} — {start}", MAX_OPTION_TEXT), "value": value}
            for value, title, start in options[:MAX_OPTIONS]
        ],
    }
    blocks: list[Block] = [
        section(t(lang, "minutes.view.pick_intro")),
        {
            "type": "input",
            "block_id": SITTING,
            "label": _plain(t(lang, "minutes.view.pick_label"), 2000),
            "element": select,
        },
        context(escape(clip(str(message.get("text", "")), 300)) or "—"),
    ]
    return _modal(VIEW_PICK, t(lang, "minutes.view.pick_title"), t(lang, "minutes.view.add"), lang, blocks, message)


def _fit(metadata: dict[str, Any]) -> str:
    """``metadata`` as JSON within Slack's 3000 characters: a long ``text`` (a message being added to the
    minutes) is cut; its permalink still leads to the whole message."""
    encoded = json.dumps(metadata, ensure_ascii=False)
    text = str(metadata.get("text", ""))
    while len(encoded) > MAX_METADATA and text:
        text = text[: max(0, len(text) - (len(encoded) - MAX_METADATA) - 10)]
        encoded = json.dumps({**metadata, "text": text + "…"}, ensure_ascii=False)
    return encoded


def sitting_option(meeting_id: int, recurrence_id: datetime) -> str:
    """The value of a picker option: which sitting."""
    return f"{meeting_id}:{int(recurrence_id.timestamp())}"


def option_start(start: datetime, tz: str, lang: str) -> str:
    """The start of a sitting as option text (select options show plain text, not date tokens)."""
    return plain_datetime(start, tz, lang)
