"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1, a free port) that keeps what it accepted, parsed.

It answers as a mail server would: 250 and the message kept, or, on demand, a 4xx (try later) or 5xx (never)
for the next messages; ``accept_delay`` keeps a message and only then waits before answering 250, so a client
killed meanwhile has had its message accepted without hearing so (the window of the duplicate bound).
"""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    """One message the server accepted: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    def part(self, subtype: str) -> str:
        """The text of the ``text/<subtype>`` part (plain or html)."""
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None and body.get_content_subtype() == subtype, self.message
        return str(body.get_content())

    def attachments(self) -> list[EmailMessage]:
        return list(self.message.iter_attachments())  # type: ignore[arg-type]

    def links(self) -> list[str]:
        """The http(s) links of the HTML part, in order."""
        return re.findall(r'href="(https?://[^"]+)"', self.part("html"))


@dataclass
class SmtpServer:
    """The server; ``answers`` is a queue of SMTP replies for the next DATA commands (e.g. ``"451 4.3.0 busy"``)."""

    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    accept_delay: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SmtpServer:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            answer = self.answers.pop(0) if self.answers else "250 OK"
            self.answered.append(answer)
            if answer.startswith("250"):
                message = BytesParser(policy=policy.default).parsebytes(envelope.content)
                assert isinstance(message, EmailMessage)
                self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        if answer.startswith("250") and self.accept_delay:
            await asyncio.sleep(self.accept_delay)
        return answer

    def to(self, address: str) -> list[Received]:
        """What was accepted for ``address``."""
        with self._lock:
            return [r for r in self.received if address in r.rcpt_tos]

    def copies(self) -> Counter[str]:
        """How many copies of each Message-ID were accepted."""
        with self._lock:
            return Counter(r.message_id for r in self.received)
