"""Slack mrkdwn written out for email: plain text and safe HTML from the same text a Slack message carries.

Bold, italics, code and strike-through keep their emphasis in HTML and lose their markers in plain text;
``<url|label>`` becomes a link (http, https and mailto only); ``<@U…>`` the person's name; ``<#C…|name>``
``#name``; a date token ``<!date^EPOCH^FORMAT|fallback>`` the date and time in the recipient's zone and
language; emoji short codes (``:bell:``) are dropped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

from bot.render.time import token_text

_SPECIAL = re.compile(r"<([^<>\n]+)>")
_EMOJI = re.compile(r"(?<![\w:]):[a-z0-9_+\-]+:(?![\w:])")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])")
_CODE = re.compile(r"`([^`\n]+)`")
_LINK_SCHEMES = ("http://", "https://", "mailto:")


@dataclass(frozen=True)
class Written:
    """One piece of mrkdwn written out: ``text`` for the plain part, ``html`` (safe markup) for the HTML part."""

    text: str
    html: Markup


@dataclass(frozen=True)
class Readers:
    """What the conversion needs to know of its reader: language, time zone, and the names behind Slack ids."""

    lang: str
    tz: str
    names: Mapping[str, str]


def safe_url(url: str) -> str | None:
    """``url`` when it is an http(s) or mailto address, else None (never a ``javascript:`` link)."""
    return url if url.lower().startswith(_LINK_SCHEMES) else None


def _inline(raw: str) -> Written:
    """Ordinary mrkdwn (no ``<…>``): entities decoded, emphasis kept in HTML, markers dropped in text."""
    plain = html.unescape(_EMOJI.sub("", raw))
    markup = str(escape(plain))
    for pattern, tag in ((_CODE, "code"), (_BOLD, "strong"), (_ITALIC, "em"), (_STRIKE, "s")):
        markup = pattern.sub(rf"<{tag}>\1</{tag}>", markup)
        plain = pattern.sub(r"\1", plain)
    return Written(plain, Markup(markup))


def _special(inner: str, readers: Readers) -> Written:
    """One ``<…>`` of Slack's: a date, a mention, a channel, a link."""
    target, _, label = inner.partition("|")
    label = html.unescape(label)
    if target.startswith("!date^"):
        parts = target.split("^")
        if len(parts) >= 3 and parts[1].lstrip("-").isdigit():
            text = token_text(int(parts[1]), parts[2], readers.tz, readers.lang)
            return Written(text, escape(text))
        return Written(label, escape(label))
    if target.startswith("!"):  # <!here>, <!channel>, <!subteam^…|@team>
        return Written(label, escape(label))
    if target.startswith("@"):
        name = readers.names.get(target[1:]) or label or target[1:]
        return Written(name, escape(name))
    if target.startswith("#"):
        name = f"#{label or target[1:]}"
        return Written(name, escape(name))
    url = safe_url(html.unescape(target))
    shown = label or html.unescape(target)
    if url is None:
        return Written(shown, escape(shown))
    text = shown if shown == url else f"{shown} ({url})"
    return Written(text, Markup('<a href="{}">{}</a>').format(url, shown))


def write(mrkdwn: str, readers: Readers) -> Written:
    """Plain text and HTML for ``mrkdwn`` (line breaks become ``<br>`` in HTML)."""
    texts: list[str] = []
    markups: list[Markup] = []
    position = 0
    for match in _SPECIAL.finditer(mrkdwn):
        for piece in (_inline(mrkdwn[position : match.start()]), _special(match.group(1), readers)):
            texts.append(piece.text)
            markups.append(piece.html)
        position = match.end()
    tail = _inline(mrkdwn[position:])
    texts.append(tail.text)
    markups.append(tail.html)
    text = "\n".join(line.strip() for line in "".join(texts).split("\n"))
    joined = Markup("").join(markups)
    return Written(text.strip(), Markup(str(joined).strip().replace("\n", "<br>\n")))


def plain(text: str) -> Written:
    """Plain text (a header, a button label) as written: escaped for HTML, never read as mrkdwn."""
    return Written(text, escape(text))
