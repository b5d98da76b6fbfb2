"""The web pages behind the links in emails: the question before a button acts, its outcome, and refusals.

Pure: a :class:`Page` in, HTML (Jinja2, autoescaped) or plain text out. Slack's mrkdwn in an answer that the
Slack button would give becomes plain text (:func:`plain`), so the page says the button's own words.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

from jinja2 import Environment, PackageLoader, select_autoescape

_ENVIRONMENT = Environment(
    loader=PackageLoader("bot.render", "link_pages"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
CSS = resources.files("bot.render.link_pages").joinpath("page.css").read_text("utf-8")
# A strict policy: no scripts, no images, nothing from elsewhere; only this page's own style (by its hash) and a
# form that posts back to this address.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; "
    f"style-src 'sha256-{base64.b64encode(hashlib.sha256(CSS.encode('utf-8')).digest()).decode('ascii')}'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@dataclass(frozen=True)
class Section:
    """What the page says in one language."""

    lang: str
    title: str
    lines: tuple[str, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    """A page in one language, or (a refusal whose person is unknown) in each; ``button``: the label of the form
    button that makes the link act (the confirmation page only)."""

    sections: tuple[Section, ...]
    button: str | None = None


def html(page: Page) -> str:
    """The page as an HTML document; every text is escaped."""
    return _ENVIRONMENT.get_template("page.html.j2").render(page=page, css=CSS)


def text(page: Page) -> str:
    """The page as plain text (the console's ``!open``)."""
    parts = []
    for section in page.sections:
        parts.append("\n".join([section.title, *section.lines, *section.notes]))
    if page.button:
        parts.append(f"[{page.button}]")
    return "\n\n".join(parts)


_DATE = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")
_MENTION = re.compile(r"<[@#]([A-Za-z0-9:_-]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<(https?://[^|>]+)>")
_EMOJI = re.compile(r"(?<![\w:]):[a-z0-9_+-]+:(?![\w:])\s?")
_EMPHASIS = re.compile(r"(?<![\w*_~])([*_~])(?=\S)(.+?)(?<=\S)\1(?![\w*_~])")


def plain(mrkdwn: str, names: Mapping[str, str]) -> str:
    """Slack mrkdwn as plain text: date tokens become their fallback, a mention the person's name (from
    ``names``), links their text, emoji and emphasis go, and Slack's escapes are undone."""
    result = _DATE.sub(lambda m: m.group(1), mrkdwn)
    result = _MENTION.sub(lambda m: names.get(m.group(1)) or m.group(2) or m.group(1), result)
    result = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", result)
    result = _BARE_LINK.sub(lambda m: m.group(1), result)
    result = _EMOJI.sub("", result)
    result = _EMPHASIS.sub(lambda m: m.group(2), result)
    result = result.replace("`", "")
    return result.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()
