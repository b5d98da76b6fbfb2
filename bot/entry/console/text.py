"""Block Kit as readable terminal text (pure)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

_DATE = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")
_USER = re.compile(r"<@([A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<(https?://[^|>]+)>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)>")
_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_([^_\n]+)_(?![\w_])")


def mrkdwn_to_text(text: str, user_name: Callable[[str], str] = lambda uid: uid) -> str:
    """Slack mrkdwn with its tokens resolved: dates to their fallback, users to @name, links to 'label (url)'."""
    text = _DATE.sub(lambda m: m.group(1), text)
    text = _USER.sub(lambda m: "@" + (m.group(2) or user_name(m.group(1))), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = _BARE_LINK.sub(lambda m: m.group(1), text)
    text = _SPECIAL.sub(lambda m: "@" + m.group(1), text)
    text = _ITALIC.sub(lambda m: m.group(1), _BOLD.sub(lambda m: m.group(1), text))
    return html.unescape(text)


def _plain(obj: Any) -> str:
    return str(obj.get("text", "")) if isinstance(obj, dict) else ""


def _input_lines(block: dict[str, Any]) -> list[str]:
    """A form field: its label, what it holds now (or its choices) and its id for !submit."""
    element = block.get("element") or {}
    optional = " (optional)" if block.get("optional") else ""
    lines = [f"  {_plain(block.get('label'))}{optional}  [{block.get('block_id', '')}]"]
    if element.get("type") == "static_select":
        lines += [f"      {n}) {_plain(o.get('text'))}" for n, o in enumerate(element.get("options", []), 1)]
    elif element.get("initial_value"):
        lines += ["      " + line for line in str(element["initial_value"]).splitlines()]
    else:
        lines.append("      ____")
    return lines


def blocks_to_text(
    blocks: list[dict[str, Any]],
    fallback: str = "",
    user_name: Callable[[str], str] = lambda uid: uid,
    number_button: Callable[[dict[str, Any], dict[str, Any]], str] | None = None,
) -> str:
    """The message as terminal lines; ``number_button`` labels each button (so the console can click it)."""
    if not blocks:
        return mrkdwn_to_text(fallback, user_name)
    lines: list[str] = []

    def button_label(element: dict[str, Any], block: dict[str, Any]) -> str:
        label = _plain(element.get("text"))
        return number_button(element, block) + label if number_button else label

    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            title = _plain(block.get("text"))
            lines += [title.upper(), "=" * min(len(title), 72)]
        elif kind == "section":
            if block.get("text"):
                lines.append(mrkdwn_to_text(_plain(block["text"]), user_name))
            for field in block.get("fields", []):
                lines.append("  " + mrkdwn_to_text(_plain(field), user_name).replace("\n", ": ", 1))
            accessory = block.get("accessory")
            if isinstance(accessory, dict) and accessory.get("type") == "button":
                lines.append(f"  [{button_label(accessory, block)}]")
        elif kind == "context":
            parts = [mrkdwn_to_text(_plain(e), user_name) for e in block.get("elements", []) if "text" in e]
            lines.append("  " + " · ".join(parts))
        elif kind == "image":
            title = (block.get("title") or {}).get("text") or block.get("alt_text", "")
            lines.append(f"[picture: {title}] (the file above)")
        elif kind == "divider":
            lines.append("-" * 40)
        elif kind == "actions":
            buttons = [f"[{button_label(e, block)}]" for e in block.get("elements", []) if e.get("type") == "button"]
            others = [_plain(e.get("placeholder")) for e in block.get("elements", []) if e.get("type") != "button"]
            lines.append("  " + " ".join(buttons + [f"<{o}>" for o in others if o]))
        elif kind == "input":
            lines += _input_lines(block)
        elif kind == "rich_text":
            lines.append(mrkdwn_to_text(fallback, user_name))
    return "\n".join(lines)
