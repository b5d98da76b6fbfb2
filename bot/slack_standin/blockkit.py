"""Slack's Block Kit rules, checked on every message and view the stand-in receives.

Where each rule comes from: the block and element reference pages under https://docs.slack.dev/reference/block-kit/
(limits per field, summarised in shared/SLACK.md), the view reference https://docs.slack.dev/reference/views/ and
views.publish (https://docs.slack.dev/reference/methods/views.publish: "publish a static view for a Home tab").
Slack refuses a message or view breaking them with ``invalid_blocks`` (a view that is not valid where it goes,
with ``invalid_arguments``); what Slack accepts with a warning (a message with blocks but no fallback text)
is answered with ``warning``, not refused.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    "plain_text_input_max": 3000,
    "option_value": 150,
    # Option object: text "maximum length ... 75 characters" (reference/block-kit/composition-objects).
    "option_text": 75,
    # Image block: alt_text "Maximum length for this field is 2000 characters"; image_url 3000; title 2000.
    "alt_text": 2000,
    "image_url": 3000,
    "image_title": 2000,
}

# Not a documented limit: Slack answered msg_blocks_too_long at ~13,200 characters in all blocks although every
# documented limit held (slackapi/bolt-js#2509). The stand-in warns past this estimate instead of refusing.
BLOCK_TEXT_ESTIMATE = 12000


@dataclass(frozen=True)
class Refusal:
    """Why Slack would refuse a message or view: its ``error`` code and the problems found."""

    error: str
    problems: tuple[str, ...]

    def answer(self) -> dict[str, Any]:
        return {"ok": False, "error": self.error, "response_metadata": {"messages": list(self.problems)}}


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
        if len(_text(option.get("text"))) > LIMITS["option_text"]:
            problems.append(f"{where}: option text longer than {LIMITS['option_text']}")
    if kind == "plain_text_input" and int(element.get("max_length", 0)) > LIMITS["plain_text_input_max"]:
        problems.append(f"{where}: plain_text_input max_length over {LIMITS['plain_text_input_max']}")


def _check_image(image: dict[str, Any], where: str, problems: list[str]) -> None:
    """An image block or element: alt_text required (≤ 2000), exactly one of image_url and slack_file, and a
    slack_file with exactly one of id and url (reference/block-kit/blocks/image-block, composition-objects)."""
    alt = image.get("alt_text")
    if not isinstance(alt, str) or not alt:
        problems.append(f"{where}: image without alt_text")
    elif len(alt) > LIMITS["alt_text"]:
        problems.append(f"{where}: alt_text longer than {LIMITS['alt_text']}")
    has_url, has_file = "image_url" in image, "slack_file" in image
    if has_url == has_file:
        problems.append(f"{where}: an image needs exactly one of image_url and slack_file")
    if has_url and (not isinstance(image["image_url"], str) or len(image["image_url"]) > LIMITS["image_url"]):
        problems.append(f"{where}: image_url missing or longer than {LIMITS['image_url']}")
    if has_file:
        ref = image["slack_file"]
        if not isinstance(ref, dict) or ("id" in ref) == ("url" in ref) or not (ref.get("id") or ref.get("url")):
            problems.append(f"{where}: slack_file needs exactly one of id and url")
    title = image.get("title")
    if title is not None:
        if not isinstance(title, dict) or title.get("type") != "plain_text":
            problems.append(f"{where}: image title must be plain_text")
        elif len(_text(title)) > LIMITS["image_title"]:
            problems.append(f"{where}: image title longer than {LIMITS['image_title']}")


def slack_files(blocks: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """Every ``slack_file`` reference in ``blocks`` (image blocks, section accessories, context elements), with
    where it is, as Slack names the place in its error (e.g. ``/blocks/0/slack_file``)."""
    found: list[tuple[str, dict[str, Any]]] = []
    for index, block in enumerate(blocks):
        if not isinstance(block, dict):
            continue
        if isinstance(block.get("slack_file"), dict):
            found.append((f"/blocks/{index}/slack_file", block["slack_file"]))
        accessory = block.get("accessory")
        if isinstance(accessory, dict) and isinstance(accessory.get("slack_file"), dict):
            found.append((f"/blocks/{index}/accessory/slack_file", accessory["slack_file"]))
        for number, element in enumerate(block.get("elements") or [] if block.get("type") == "context" else []):
            if isinstance(element, dict) and isinstance(element.get("slack_file"), dict):
                found.append((f"/blocks/{index}/elements/{number}/slack_file", element["slack_file"]))
    return found


def check_blocks(blocks: list[dict[str, Any]], max_blocks: int) -> list[str]:
    """Every way ``blocks`` breaks a Block Kit limit (empty when Slack would accept them)."""
    problems: list[str] = []
    if len(blocks) > max_blocks:
        problems.append(f"{len(blocks)} blocks, more than {max_blocks}")
    seen_ids: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"block {index} ({block.get('type')})"
        block_id = block.get("block_id")
        if len(str(block_id or "")) > LIMITS["id"]:
            problems.append(f"{where}: block_id longer than {LIMITS['id']}")
        # "block_id should be unique for each message and each iteration of a message" (reference/block-kit/blocks).
        if block_id is not None:
            if str(block_id) in seen_ids:
                problems.append(f"{where}: block_id {block_id!r} used twice")
            seen_ids.add(str(block_id))
        kind = block.get("type")
        if kind == "header" and len(_text(block.get("text"))) > LIMITS["header_text"]:
            problems.append(f"{where}: header longer than {LIMITS['header_text']}")
        # Header block: "text: The text for the block, in the form of a plain_text text object" (no mrkdwn).
        if kind == "header" and isinstance(block.get("text"), dict) and block["text"].get("type") != "plain_text":
            problems.append(f"{where}: header text must be plain_text")
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
        if kind == "image":
            _check_image(block, where, problems)
        if kind == "section" and isinstance(block.get("accessory"), dict) and block["accessory"].get("type") == "image":
            _check_image(block["accessory"], where, problems)
        if kind == "context" and len(block.get("elements", [])) > LIMITS["context_elements"]:
            problems.append(f"{where}: more than {LIMITS['context_elements']} context elements")
        if kind == "context":
            for element in block.get("elements", []):
                if isinstance(element, dict) and element.get("type") == "image":
                    _check_image(element, where, problems)
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


def check_message(args: dict[str, Any]) -> Refusal | None:
    """How Slack would refuse a chat.postMessage / postEphemeral / update / response_url body (None: accepted)."""
    problems = check_blocks(args.get("blocks") or [], LIMITS["message_blocks"])
    return Refusal("invalid_blocks", tuple(problems)) if problems else None


def message_warnings(args: dict[str, Any]) -> list[str]:
    """What Slack would warn about in a message it accepts."""
    blocks = args.get("blocks") or []
    warnings = []
    # chat.postMessage, argument "text": "If attachments or blocks are included, text will be used as fallback text
    # for notifications only" and is "not enforced as required when using blocks" but highly recommended.
    if blocks and not args.get("text"):
        warnings.append("missing_text_fallback")
    if _text_length(blocks) > BLOCK_TEXT_ESTIMATE:
        warnings.append("msg_blocks_too_long_risk")
    return warnings


def check_view(view: dict[str, Any], *, published: bool = False) -> Refusal | None:
    """How Slack would refuse a modal (views.open/push/update) or, with ``published``, a Home tab (views.publish)."""
    problems = check_blocks(view.get("blocks") or [], LIMITS["view_blocks"])
    for key in ("title", "submit", "close"):
        if len(_text(view.get(key))) > LIMITS["view_title"]:
            problems.append(f"view {key} longer than {LIMITS['view_title']}")
    if len(str(view.get("private_metadata", ""))) > LIMITS["private_metadata"]:
        problems.append(f"private_metadata longer than {LIMITS['private_metadata']}")
    if len(str(view)) > 250_000:
        problems.append("view payload over 250 kB")
    if problems:
        return Refusal("invalid_blocks", tuple(problems))
    wrong: list[str] = []
    kind = view.get("type")
    # views.publish: "A view payload" for the Home tab, whose type is home (reference/views: "type: modal or home").
    if published and kind != "home":
        wrong.append(f"views.publish with a {kind!r} view (the Home tab takes type home)")
    if kind == "modal":
        # Modal view: title is required; submit is "required when an input block is within the blocks array".
        if not _text(view.get("title")):
            wrong.append("modal without a title")
        has_input = any(block.get("type") == "input" for block in view.get("blocks") or [])
        if has_input and not _text(view.get("submit")):
            wrong.append("modal with input blocks but no submit button")
    return Refusal("invalid_arguments", tuple(wrong)) if wrong else None
