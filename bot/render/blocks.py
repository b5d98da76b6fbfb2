"""Block Kit builders that keep Slack's limits by construction.

The limits are those of Slack's Block Kit reference (https://api.slack.com/reference/block-kit); the stand-in
Web API checks every message and view against the same figures (``bot/standin/blockkit.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Block = dict[str, Any]

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_CONTEXT_ELEMENTS = 10
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_FALLBACK_TEXT = 3000


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Reply:
    """A message: ``text`` is the notification fallback, ``blocks`` the Block Kit body."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def as_message(self) -> dict[str, Any]:
        """Keyword arguments for chat.postMessage / respond()."""
        return {"text": clip(self.text, MAX_FALLBACK_TEXT), "blocks": self.blocks[:MAX_MESSAGE_BLOCKS]}


def header(text: str) -> Block:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": clip(text, MAX_HEADER_TEXT), "emoji": True},
    }


def section(text: str, accessory: Block | None = None) -> Block:
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, MAX_SECTION_TEXT)}}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def fields_section(fields: list[str]) -> Block:
    return {
        "type": "section",
        "fields": [{"type": "mrkdwn", "text": clip(text, MAX_FIELD_TEXT)} for text in fields[:MAX_FIELDS]],
    }


def context(*texts: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip(text, MAX_SECTION_TEXT)} for text in texts[:MAX_CONTEXT_ELEMENTS]],
    }


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str = "", style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(text, MAX_BUTTON_TEXT), "emoji": True},
        "action_id": action_id,
    }
    if value:
        element["value"] = clip(value, MAX_BUTTON_VALUE)
    if style:
        element["style"] = style
    return element


def actions(*elements: Block, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements[:25])}
    if block_id:
        block["block_id"] = block_id
    return block


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def lines_to_sections(lines: list[str], budget: int) -> list[Block]:
    """Pack text lines into as few sections as fit the section limit, at most ``budget`` sections."""
    sections: list[Block] = []
    chunk = ""
    for line in lines:
        candidate = f"{chunk}\n{line}" if chunk else line
        if len(candidate) > MAX_SECTION_TEXT and chunk:
            sections.append(section(chunk))
            chunk = line
        else:
            chunk = candidate
    if chunk:
        sections.append(section(chunk))
    return sections[:budget]


def progress_bar(done: int, total: int, width: int = 10) -> str:
    """A text bar such as ``▓▓▓▓▓▓░░░░ 60%`` (empty bar at 0 of 0)."""
    share = done / total if total else 0.0
    filled = round(share * width)
    return "▓" * filled + "░" * (width - filled) + f" {round(share * 100)}%"
