"""Emails in the console: kept in memory (nothing leaves the machine) and printed as Slack messages are;
``!mail`` shows the last ones with their links numbered."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage

from bot.delivery.mail_transport import MemoryTransport

SENDER = "covenant-bot (console) <covenant-bot@console.invalid>"


def text_part(message: EmailMessage) -> str:
    """The plain-text part of an email the bot sent."""
    body = message.get_body(preferencelist=("plain",))
    return str(body.get_content()).strip() if body is not None else ""


def links_of(message: EmailMessage) -> list[str]:
    """The links of an email (from its HTML part), in order, each once."""
    body = message.get_body(preferencelist=("html",))
    found = re.findall(r'href="(https?://[^"]+)"', str(body.get_content()) if body is not None else "")
    return list(dict.fromkeys(link.replace("&amp;", "&") for link in found))


def summary(message: EmailMessage) -> str:
    """How the console prints an email: to, subject, the text part, the attachments' names."""
    lines = [f"To: {message['To']}", f"Subject: {message['Subject']}", "", text_part(message)]
    files = [part.get_filename() or "?" for part in message.iter_attachments()]
    if files:
        lines += ["", f"(attached: {', '.join(files)})"]
    return "\n".join(lines)


@dataclass
class ConsoleMailbox(MemoryTransport):
    """The console's transport: keeps each email and hands it to ``printer`` as it is sent."""

    printer: Callable[[EmailMessage], None] = field(default=lambda message: None)

    def send(self, message: EmailMessage) -> None:
        super().send(message)
        self.printer(message)

    def last(self, count: int) -> list[EmailMessage]:
        with self._lock:
            return list(self.sent[-count:])
