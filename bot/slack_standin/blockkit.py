"""Slack's Block Kit limits (shared/SLACK.md), checked on every message and view the stand-in receives."""

from __future__ import annotations

from typing import Any

LIMITS = {
    "message_blocks": 50,
    "view_blocks": 100,
    "section_text": 3000,
    "field_text": 2000,
    "fields": 10,
    "header_text": 150,
    "button_text": 75,
    "button_value": 2000,
    "id": 255,
    "context_elements": 10,
    "actions_elements": 25,
    "static_select_options": 100,
    "view_title": 24,
    "private_metadata": 3000,
    "message_chars": 12000,
    "plain_text_input_max": 3000,
    "option_value": 150,
}


def _text(obj: Any) -> str:
    return str(obj.get("text", "")) if isinstance(obj, dict) else ""


def _check_element(element: dict[str, Any], where: str, problems: list[str]) -> None:
    for key in ("action_id", "block_id"):
        if len(str(element.get(key, ""))) > LIMITS["id"]:
            problems.append(f"{where}: {key} longer than {LIMITS['id']}")
    kind = element.get("type")
    if kind == "button":
        if len(_text(element.get("text"))) > LIMITS["button_text"]:
            problems.append(f"{where}: button text longer than {LIMITS['button_text']}")
        if len(str(element.get("value", ""))) > LIMITS["button_value"]:
            problems.append(f"{where}: button value longer than {LIMITS['button_value']}")
    if (
        kind in ("static_select", "multi_static_select")
        and len(element.get("options", [])) > LIMITS["static_select_options"]
    ):
        problems.append(f"{where}: more than {LIMITS['static_select_options']} options")
    for option in element.get("options", []) if isinstance(element.get("options"), list) else []:
        value = str(option.get("value", ""))
        if not value or len(value) > LIMITS["option_value"]:
            problems.append(f"{where}: option value empty or longer than {LIMITS['option_value']}")
    if kind == "plain_text_input" and int(element.get("max_length", 0)) > LIMITS["plain_text_input_max"]:
        problems.append(f"{where}: plain_text_input max_length over {LIMITS['plain_text_input_max']}")


def check_blocks(blocks: list[dict[str, Any]], max_blocks: int) -> list[str]:
    """Every way ``blocks`` breaks a Block Kit limit (empty when Slack would accept them)."""
    problems: list[str] = []
    if len(blocks) > max_blocks:
        problems.append(f"{len(blocks)} blocks, more than {max_blocks}")
    for index, block in enumerate(blocks):
        where = f"block {index} ({block.get('type')})"
        if len(str(block.get("block_id", ""))) > LIMITS["id"]:
            problems.append(f"{where}: block_id longer than {LIMITS['id']}")
        kind = block.get("type")
        if kind == "header" and len(_text(block.get("text"))) > LIMITS["header_text"]:
            problems.append(f"{where}: header longer than {LIMITS['header_text']}")
        if kind == "section":
            if "text" not in block and "fields" not in block:
                problems.append(f"{where}: section without text or fields")
            if len(_text(block.get("text"))) > LIMITS["section_text"]:
                problems.append(f"{where}: section text longer than {LIMITS['section_text']}")
            fields = block.get("fields", [])
            if len(fields) > LIMITS["fields"]:
                problems.append(f"{where}: more than {LIMITS['fields']} fields")
            problems += [
                f"{where}: field longer than {LIMITS['field_text']}"
                for field in fields
                if len(_text(field)) > LIMITS["field_text"]
            ]
            if "text" in block and not _text(block.get("text")):
                problems.append(f"{where}: empty section text")
            if isinstance(block.get("accessory"), dict):
                _check_element(block["accessory"], where, problems)
        if kind == "context" and len(block.get("elements", [])) > LIMITS["context_elements"]:
            problems.append(f"{where}: more than {LIMITS['context_elements']} context elements")
        if kind == "actions":
            elements = block.get("elements", [])
            if len(elements) > LIMITS["actions_elements"]:
                problems.append(f"{where}: more than {LIMITS['actions_elements']} elements")
            for element in elements:
                _check_element(element, where, problems)
        if kind == "input" and isinstance(block.get("element"), dict):
            _check_element(block["element"], where, problems)
    return problems


def _text_length(node: Any) -> int:
    if isinstance(node, dict):
        own = len(node["text"]) if isinstance(node.get("text"), str) else 0
        return own + sum(_text_length(value) for key, value in node.items() if key != "text" or own == 0)
    if isinstance(node, list):
        return sum(_text_length(item) for item in node)
    return 0


def check_message(args: dict[str, Any]) -> list[str]:
    """Limits of a chat.postMessage / postEphemeral / update / response_url body."""
    blocks = args.get("blocks") or []
    problems = check_blocks(blocks, LIMITS["message_blocks"])
    if blocks and not args.get("text"):
        problems.append("blocks sent without a text fallback")
    total = _text_length(blocks)
    if total > LIMITS["message_chars"]:
        problems.append(f"message blocks total {total} characters (msg_blocks_too_long risk)")
    return problems


def check_view(view: dict[str, Any]) -> list[str]:
    """Limits of a modal or Home tab view."""
    problems = check_blocks(view.get("blocks") or [], LIMITS["view_blocks"])
    for key in ("title", "submit", "close"):
        if len(_text(view.get(key))) > LIMITS["view_title"]:
            problems.append(f"view {key} longer than {LIMITS['view_title']}")
    if len(str(view.get("private_metadata", ""))) > LIMITS["private_metadata"]:
        problems.append(f"private_metadata longer than {LIMITS['private_metadata']}")
    if len(str(view)) > 250_000:
        problems.append("view payload over 250 kB")
    return problems
