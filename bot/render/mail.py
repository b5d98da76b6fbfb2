"""The email of a message the bot owes someone without Slack: built from the same :class:`Reply` as the Slack
message (its blocks written out by :mod:`bot.render.mail_text`), multipart plain text + HTML from Jinja2
templates with autoescaping (``bot/render/mail_templates/``), each button a link, attachments (a meeting's
``.ics`` invitation) after both parts. Pure: no I/O beyond reading the templates once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.i18n import t
from bot.render.blocks import Block, Reply, clip
from bot.render.mail_text import Readers, Written, plain, safe_url, write

if TYPE_CHECKING:
    from jinja2 import Template

TEMPLATES = Path(__file__).resolve().parent / "mail_templates"
MAX_SUBJECT = 200


@dataclass(frozen=True)
class MailButton:
    """A button of the Slack message, as a link: ``url`` None when no link can be made for it."""

    label: str
    action_id: str
    value: str
    url: str | None = None
    primary: bool = False


@dataclass(frozen=True)
class MailBlock:
    """One block written out: its kind (header, section, context, divider, actions), text, HTML and buttons."""

    kind: str
    text: str
    html: Any
    buttons: tuple[MailButton, ...] = ()


@dataclass(frozen=True)
class Attachment:
    """A file sent with an email (a meeting's invitation: ``text/calendar; method=REQUEST``)."""

    filename: str
    maintype: str
    subtype: str
    data: bytes
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Envelope:
    """Who sends the email to whom, when, under which Message-ID."""

    sender: str
    to_name: str
    to_address: str
    message_id: str
    date: datetime


def buttons_of(reply: Reply) -> list[tuple[str, str]]:
    """Every button of the message, as (action_id, value): what a link must do."""
    return [(str(b.get("action_id", "")), str(b.get("value", ""))) for block in reply.blocks for b in _buttons(block)]


def _buttons(block: Block) -> list[Block]:
    if block.get("type") == "actions":
        return [e for e in block.get("elements", []) if e.get("type") == "button"]
    accessory = block.get("accessory")
    return [accessory] if isinstance(accessory, dict) and accessory.get("type") == "button" else []


def _button(element: Block, links: Mapping[tuple[str, str], str | None]) -> MailButton:
    action_id, value = str(element.get("action_id", "")), str(element.get("value", ""))
    url = links.get((action_id, value))
    return MailButton(
        label=str(element.get("text", {}).get("text", "")),
        action_id=action_id,
        value=value,
        url=safe_url(url) if url else None,
        primary=element.get("style") == "primary",
    )


def _text_of(element: Block, readers: Readers) -> Written:
    if element.get("type") == "plain_text":
        return plain(str(element.get("text", "")))
    return write(str(element.get("text", "")), readers)


def _joined(pieces: Sequence[Written], separator: str) -> Written:
    from markupsafe import Markup

    return Written(separator.join(p.text for p in pieces), Markup(separator).join(p.html for p in pieces))


def mail_blocks(reply: Reply, readers: Readers, links: Mapping[tuple[str, str], str | None]) -> list[MailBlock]:
    """The message's blocks written out for email (the notification text when it has no blocks)."""
    if not reply.blocks:
        written = write(reply.text, readers)
        return [MailBlock("section", written.text, written.html)]
    found: list[MailBlock] = []
    for block in reply.blocks:
        kind = str(block.get("type"))
        buttons = tuple(_button(element, links) for element in _buttons(block))
        if kind == "header":
            written = plain(str(block.get("text", {}).get("text", "")))
        elif kind == "section":
            parts = [_text_of(block["text"], readers)] if block.get("text") else []
            parts += [_text_of(f, readers) for f in block.get("fields", [])]
            written = _joined(parts, "\n")
        elif kind == "context":
            written = _joined([_text_of(e, readers) for e in block.get("elements", []) if "text" in e], " · ")
        elif kind in ("actions", "divider"):
            written = plain("")
        else:
            continue  # images, inputs: nothing an email can show
        found.append(MailBlock(kind, written.text, written.html, buttons))
    return found


@cache
def _templates() -> tuple[Template, Template]:
    # Jinja2 is loaded with the first email, not when the app starts (the console's start-up is measured).
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return environment.get_template("message.txt.j2"), environment.get_template("message.html.j2")


def subject_of(reply: Reply, readers: Readers) -> str:
    """The subject: the message's notification text, written out on one line."""
    return clip(" ".join(write(reply.text, readers).text.split()), MAX_SUBJECT)


def email_message(
    reply: Reply,
    envelope: Envelope,
    readers: Readers,
    links: Mapping[tuple[str, str], str | None],
    attachments: Sequence[Attachment] = (),
) -> EmailMessage:
    """The email of ``reply`` for one recipient: plain text and HTML alternatives (then the attachments)."""
    blocks = mail_blocks(reply, readers, links)
    lang = readers.lang
    subject = subject_of(reply, readers)
    missing = any(button.url is None for block in blocks for button in block.buttons)
    values = {
        "lang": lang,
        "subject": subject,
        "blocks": blocks,
        "in_slack": t(lang, "mail.in_slack"),
        "without_links": t(lang, "mail.without_links") if missing else "",
        "footer": t(lang, "mail.footer"),
    }
    text_template, html_template = _templates()
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = envelope.sender
    message["To"] = formataddr((envelope.to_name, envelope.to_address))
    message["Date"] = format_datetime(envelope.date)
    message["Message-ID"] = envelope.message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office answers to the bot
    message.set_content(text_template.render(values), charset="utf-8")
    message.add_alternative(html_template.render(values), subtype="html", charset="utf-8")
    for attachment in attachments:
        message.add_attachment(
            attachment.data,
            maintype=attachment.maintype,
            subtype=attachment.subtype,
            filename=attachment.filename,
            params=dict(attachment.params),
        )
    message["Content-Language"] = lang  # after the parts: set_content and add_attachment move Content-* headers
    return message
