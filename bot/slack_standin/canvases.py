"""Channel canvases as the stand-in keeps them: Markdown documents split into sections, edited by section id.

Slack's methods (docs.slack.dev/reference/methods/...): ``conversations.canvases.create`` (one canvas per channel,
``channel_canvas_already_exists`` for a second), ``canvases.edit`` (``changes``: insert_after, insert_before,
insert_at_start, insert_at_end, replace, delete, rename) and ``canvases.sections.lookup`` (``criteria``:
``section_types`` h1/h2/h3/any_header, ``contains_text``). Each header line starts a section, which runs to the next
header; text before the first header is a section of its own. Section ids look like Slack's (``temp:C:…``).

Limits: the stand-in takes one change per ``canvases.edit`` call. Slack's reference has varied on how many it takes
(uncertain); one is what the bot sends, and a stand-in stricter than Slack cannot let a test pass on a kindness.
A workspace without canvases (a free plan that used its canvas tab, or an admin who turned canvases off) answers
``team_tier_cannot_create_channel_canvases`` on create and ``canvas_disabled_user_team`` on edit and lookup
(wording from Slack's error lists; which one a plan gives is uncertain).
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from bot.slack_standin.workspace import Workspace

OPERATIONS = frozenset(
    {"insert_after", "insert_before", "insert_at_start", "insert_at_end", "replace", "delete", "rename"}
)
# Operations that name the section they act on (replace without one replaces the whole document).
_NEEDS_SECTION = frozenset({"insert_after", "insert_before", "delete"})
SECTION_TYPES = frozenset({"h1", "h2", "h3", "any_header"})
MAX_CHANGES = 1
# Slack refuses documents past this size (its figure is not documented; 100,000 characters here).
MAX_MARKDOWN = 100_000
_HEADER = re.compile(r"^(#{1,3})\s+\S")


@dataclass
class Section:
    id: str
    markdown: str

    @property
    def kind(self) -> str:
        """h1, h2, h3, or "" for text that is not under a header of its own."""
        match = _HEADER.match(self.markdown)
        return f"h{len(match.group(1))}" if match else ""


@dataclass
class Canvas:
    id: str
    channel_id: str
    title: str = ""
    sections: list[Section] = field(default_factory=list)

    @property
    def markdown(self) -> str:
        return "\n".join(section.markdown.rstrip("\n") for section in self.sections)


class Canvases:
    """Every canvas of the workspace, by id, and which channel has which; thread-safe."""

    def __init__(self, workspace: Workspace, lock: Any = None) -> None:
        self.workspace = workspace
        self.by_id: dict[str, Canvas] = {}
        self.by_channel: dict[str, str] = {}
        # False: a plan without canvases.
        self.enabled = True
        self._lock = lock if lock is not None else threading.RLock()
        self._numbers = itertools.count(1)

    # -- test helpers ---------------------------------------------------------------------------------------------
    def of_channel(self, channel_id: str) -> Canvas | None:
        with self._lock:
            canvas_id = self.by_channel.get(channel_id)
            return self.by_id.get(canvas_id) if canvas_id else None

    def markdown(self, channel_id: str) -> str | None:
        """The channel canvas's Markdown, None when the channel has none."""
        canvas = self.of_channel(channel_id)
        return canvas.markdown if canvas is not None else None

    # -- splitting ------------------------------------------------------------------------------------------------
    def _split(self, markdown: str) -> list[Section]:
        chunks: list[list[str]] = []
        for line in markdown.splitlines():
            if _HEADER.match(line) or not chunks:
                chunks.append([line])
            else:
                chunks[-1].append(line)
        return [Section(self._section_id(), "\n".join(chunk)) for chunk in chunks if "".join(chunk).strip()]

    def _section_id(self) -> str:
        return f"temp:C:{uuid.uuid4().hex[:11].upper()}{next(self._numbers)}"

    # -- methods --------------------------------------------------------------------------------------------------
    def create(self, args: dict[str, Any]) -> dict[str, Any]:
        channel_id = str(args.get("channel_id") or "")
        content, problem = _content(args.get("document_content"), required=False)
        if problem:
            return {"ok": False, "error": problem}
        refusal = self.workspace.canvas_channel_refusal(channel_id)
        if refusal:
            return {"ok": False, "error": refusal}
        with self._lock:
            if not self.enabled:
                return {"ok": False, "error": "team_tier_cannot_create_channel_canvases"}
            if channel_id in self.by_channel:
                return {"ok": False, "error": "channel_canvas_already_exists"}
            canvas = Canvas("F" + uuid.uuid4().hex[:10].upper(), channel_id, sections=self._split(content))
            self.by_id[canvas.id] = canvas
            self.by_channel[channel_id] = canvas.id
        return {"ok": True, "canvas_id": canvas.id}

    def edit(self, args: dict[str, Any]) -> dict[str, Any]:
        changes = _json(args.get("changes"))
        if not args.get("canvas_id") or changes is None:
            return {"ok": False, "error": "invalid_arguments"}
        if not isinstance(changes, list) or not changes or len(changes) > MAX_CHANGES:
            return {"ok": False, "error": "invalid_arguments"}
        with self._lock:
            canvas, problem = self._canvas(str(args["canvas_id"]))
            if canvas is None:
                return {"ok": False, "error": problem}
            for change in changes:
                problem = self._apply(canvas, change)
                if problem:
                    return {"ok": False, "error": problem}
        return {"ok": True}

    def lookup(self, args: dict[str, Any]) -> dict[str, Any]:
        criteria = _json(args.get("criteria"))
        if not args.get("canvas_id") or not isinstance(criteria, dict) or not criteria:
            return {"ok": False, "error": "invalid_arguments"}
        types = criteria.get("section_types")
        text = criteria.get("contains_text")
        if types is not None and (not isinstance(types, list) or not set(types) <= SECTION_TYPES):
            return {"ok": False, "error": "invalid_arguments"}
        if text is not None and not isinstance(text, str):
            return {"ok": False, "error": "invalid_arguments"}
        with self._lock:
            canvas, problem = self._canvas(str(args["canvas_id"]))
            if canvas is None:
                return {"ok": False, "error": problem}
            found = [
                {"id": section.id}
                for section in canvas.sections
                if _type_matches(section.kind, types) and (not text or text.lower() in section.markdown.lower())
            ]
        return {"ok": True, "sections": found}

    # -- helpers --------------------------------------------------------------------------------------------------
    def _canvas(self, canvas_id: str) -> tuple[Canvas | None, str]:
        if not self.enabled:
            return None, "canvas_disabled_user_team"
        canvas = self.by_id.get(canvas_id)
        if canvas is None:
            return None, "canvas_not_found"
        refusal = self.workspace.canvas_channel_refusal(canvas.channel_id)
        return (None, refusal) if refusal else (canvas, "")

    def _apply(self, canvas: Canvas, change: Any) -> str:
        if not isinstance(change, dict) or change.get("operation") not in OPERATIONS:
            return "invalid_arguments"
        operation, section_id = str(change["operation"]), change.get("section_id")
        if operation == "rename":
            title = change.get("title_content")
            if not isinstance(title, dict) or title.get("type") != "markdown" or not title.get("markdown"):
                return "invalid_arguments"
            canvas.title = str(title["markdown"])
            return ""
        if operation in _NEEDS_SECTION and not section_id:
            return "invalid_arguments"
        index = next((i for i, s in enumerate(canvas.sections) if s.id == section_id), None) if section_id else None
        if section_id and index is None:
            return "canvas_editing_failed"  # Slack's answer for a section id the canvas does not have
        if operation == "delete":
            assert index is not None
            del canvas.sections[index]
            return ""
        markdown, problem = _content(change.get("document_content"), required=True)
        if problem:
            return problem
        new = self._split(markdown)
        if operation == "replace":
            if index is None:
                canvas.sections = new
            else:
                canvas.sections[index : index + 1] = new
        elif operation == "insert_at_start":
            canvas.sections[:0] = new
        elif operation == "insert_at_end":
            canvas.sections.extend(new)
        elif operation == "insert_before":
            assert index is not None
            canvas.sections[index:index] = new
        else:  # insert_after
            assert index is not None
            canvas.sections[index + 1 : index + 1] = new
        if len(canvas.markdown) > MAX_MARKDOWN:
            return "canvas_editing_failed"
        return ""


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _content(value: Any, *, required: bool) -> tuple[str, str]:
    """The Markdown of a ``document_content`` argument, or the error for a malformed one."""
    value = _json(value)
    if value is None and not required:
        return "", ""
    if not isinstance(value, dict) or value.get("type") != "markdown" or not isinstance(value.get("markdown"), str):
        return "", "invalid_arguments"
    if len(value["markdown"]) > MAX_MARKDOWN:
        return "", "canvas_creation_failed" if not required else "canvas_editing_failed"
    return value["markdown"], ""


def _type_matches(kind: str, types: list[str] | None) -> bool:
    if not types:
        return True
    return bool(kind) and ("any_header" in types or kind in types)
