"""A working group's channel canvas as Markdown sections: pure, from :mod:`bot.services.canvases.group_record`.

The canvas is a title (h1) and four sections (h2), each rewritten in place by its header: the latest approved
minutes in full, earlier versions with links, the decisions register, and the open action items. Text people
typed is kept from starting headers of its own (a ``#`` line would split a section in two).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from bot.i18n import t
from bot.services.canvases.group_record import GroupRecord, OpenItem

SECTION_KEYS = ("canvases.latest", "canvases.earlier", "canvases.decisions", "canvases.open_items")
_HEADER_LIKE = re.compile(r"^(\s*)#", re.MULTILINE)


@dataclass(frozen=True)
class CanvasDocument:
    """A canvas: its title block (h1 and a line) and its sections as (h2 header text, Markdown from the header)."""

    title: str
    sections: tuple[tuple[str, str], ...]

    @property
    def markdown(self) -> str:
        return "\n".join([self.title, *(markdown for _, markdown in self.sections)])


def plain(text: str) -> str:
    """User text as canvas Markdown that starts no header."""
    return _HEADER_LIKE.sub(r"\1\\#", text.strip())


def headers(lang: str) -> list[str]:
    """The h2 header of each section, in the canvas's order."""
    return [t(lang, key) for key in SECTION_KEYS]


def _item(item: OpenItem, lang: str) -> str:
    who = t(lang, "canvases.owner", who=f"<@{item.owner}>") if item.owner else t(lang, "canvases.nobody")
    due = t(lang, "canvases.due", date=item.due_on.isoformat()) if item.due_on else t(lang, "canvases.no_due")
    return f"- {plain(item.task)} ({who}, {due})"


def _latest(record: GroupRecord) -> str:
    lang, latest = record.lang, record.latest
    lines = [f"## {t(lang, 'canvases.latest')}"]
    if latest is None:
        return "\n".join([*lines, t(lang, "canvases.no_minutes")])
    lines.append(
        "**"
        + t(lang, "canvases.minutes_of", meeting=plain(latest.meeting), date=latest.held_on, version=latest.version)
        + "**"
    )
    if latest.approved_by and latest.approved_at:
        lines.append(t(lang, "canvases.approved_by", who=f"<@{latest.approved_by}>", date=latest.approved_at.date()))
    if latest.attendees:
        lines.append(t(lang, "canvases.attendees", attendees=plain(latest.attendees)))
    if latest.summary:
        lines += ["", plain(latest.summary)]
    if latest.decisions:
        lines += ["", f"**{t(lang, 'minutes.decisions')}**", *[f"- {plain(d)}" for d in latest.decisions]]
    if latest.items:
        lines += ["", f"**{t(lang, 'minutes.action_items')}**", *[_item(i, lang) for i in latest.items]]
    return "\n".join(lines)


def _earlier(record: GroupRecord) -> str:
    lang = record.lang
    lines = [f"## {t(lang, 'canvases.earlier')}"]
    for version in record.earlier:
        status = t(lang, f"canvases.status_{version.status}")
        line = t(
            lang,
            "canvases.version_line",
            meeting=plain(version.meeting),
            date=version.held_on,
            version=version.version,
            status=status,
        )
        link = f" ([{t(lang, 'canvases.thread')}]({version.link}))" if version.link else ""
        lines.append(f"- {line}{link}")
    if not record.earlier:
        lines.append(t(lang, "canvases.no_earlier"))
    if record.more_earlier:
        lines.append(t(lang, "canvases.more", count=record.more_earlier))
    return "\n".join(lines)


def _decisions(record: GroupRecord) -> str:
    lang = record.lang
    lines = [f"## {t(lang, 'canvases.decisions')}"]
    lines += [f"- {d.held_on} ({plain(d.meeting)}): {plain(d.text)}" for d in record.decisions]
    if not record.decisions:
        lines.append(t(lang, "canvases.no_decisions"))
    if record.more_decisions:
        lines.append(t(lang, "canvases.more", count=record.more_decisions))
    return "\n".join(lines)


def _open_items(record: GroupRecord) -> str:
    lang = record.lang
    lines = [f"## {t(lang, 'canvases.open_items')}", *[_item(i, record.lang) for i in record.open_items]]
    if not record.open_items:
        lines.append(t(lang, "canvases.no_open_items"))
    return "\n".join(lines)


def title(record: GroupRecord) -> str:
    return f"# {t(record.lang, 'canvases.title', group=plain(record.group))}\n{t(record.lang, 'canvases.kept')}"


def sections(record: GroupRecord) -> list[str]:
    """The four sections' Markdown, each starting with its h2 header (in :func:`headers`' order)."""
    return [_latest(record), _earlier(record), _decisions(record), _open_items(record)]


def document(record: GroupRecord) -> CanvasDocument:
    """The whole canvas: title and sections."""
    return CanvasDocument(title(record), tuple(zip(headers(record.lang), sections(record), strict=True)))


def digest(markdown: str) -> str:
    return hashlib.sha256(markdown.encode("utf-8")).hexdigest()
