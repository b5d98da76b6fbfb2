"""Email addresses as people type them (in a CSV cell, a slash command, the command line): checked and lower-cased.

The check is deliberately strict and simple, since an address the bot accepts is one it will send reminders to:
one ``@``; a local part of the characters RFC 5322 allows unquoted (dots not first, last or doubled); a domain of
at least two dot-separated labels of letters, digits and hyphens (an internationalised domain in its ``xn--``
form or in Unicode letters); no spaces; at most 254 characters. Quoted local parts, IP-literal domains and
comments are refused: nobody's work address needs them.
"""

from __future__ import annotations

import re

MAX_LENGTH = 254
_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^[^\W_](?:(?:[^\W_]|-){0,61}[^\W_])?$")
# Slack sends a typed address in a command's text as <mailto:a@b.nl|a@b.nl> (should_escape), or <mailto:a@b.nl>.
_SLACK_MAILTO = re.compile(r"^<mailto:([^|>]+)(?:\|[^>]*)?>$", re.IGNORECASE)


def email_address(text: str) -> str | None:
    """The address in ``text``, lower-cased, when it is a sound email address; else None.

    Slack's escaped form (``<mailto:…|…>``) and a leading ``mailto:`` are read as the address they carry.
    """
    value = text.strip()
    escaped = _SLACK_MAILTO.match(value)
    if escaped:
        value = escaped.group(1).strip()
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:") :]
    if not value or len(value) > MAX_LENGTH or any(character.isspace() for character in value):
        return None
    local, at, domain = value.rpartition("@")
    if not at or "@" in local or len(local) > 64 or not _LOCAL.match(local):
        return None
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        return None
    return value.lower()


def looks_like_email(word: str) -> bool:
    """True for a word that was meant as an address (it has an ``@`` and is no Slack mention), sound or not."""
    return "@" in word and not word.startswith(("<@", "@"))


# An address as Slack sends it in a command (<mailto:…|…>), or a bare word with an @ inside (not a <@U…> mention).
_TYPED_ADDRESS = re.compile(r"<mailto:[^>]*>|(?<![\w<@])[^\s<>\"“”@]+@[^\s<>\"“”]+")
_QUOTED_FIRST = re.compile(r'^\s*["“”]([^"“”]+)["“”]\s*(.*)$', re.DOTALL)


def take_email(text: str) -> tuple[str | None, str | None, str]:
    """The first address typed in ``text``: (the address lower-cased or None when it is not sound, what was typed
    or None when there is no address, the text without it)."""
    match = _TYPED_ADDRESS.search(text)
    if match is None:
        return None, None, text
    remaining = " ".join((text[: match.start()] + " " + text[match.end() :]).split())
    typed = match.group(0)
    return email_address(typed), typed, remaining


def take_quoted(text: str) -> tuple[str | None, str]:
    """A quoted phrase at the start of ``text`` and the text after it; (None, text) when it starts otherwise."""
    match = _QUOTED_FIRST.match(text)
    if match is None:
        return None, text
    return match.group(1).strip() or None, match.group(2).strip()
