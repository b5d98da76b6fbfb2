"""How an email leaves the bot: SMTP (standard-library ``smtplib``) behind a small protocol, or a list in memory.

``smtp://user:pass@host:587`` speaks STARTTLS when the server offers it (and insists on it on port 587, the
submission port, so a password never goes in clear); ``smtps://user:pass@host:465`` is TLS from the first byte.
What the server answers decides what the engine does next:

- a 4xx answer (or a refusal of the connection): :class:`MailRefused` with ``permanent=False``: not accepted,
  try again after the engine's backoff;
- a 5xx answer: :class:`MailRefused` with ``permanent=True``: not accepted, and it never will be;
- a connection lost or a timeout after the message was handed over: :class:`MailUncertain`: the server may
  have accepted it, and SMTP cannot be asked.
"""

from __future__ import annotations

import smtplib
import ssl
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import unquote, urlsplit

SMTP_TIMEOUT_SECONDS = 30.0
SUBMISSION_PORT = 587


class MailRefused(Exception):
    """The server answered and did not accept the message: ``code`` is its SMTP reply code."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(f"{code} {text}")
        self.code = code
        self.permanent = 500 <= code < 600


class MailUncertain(Exception):
    """The transaction broke off where the server may have accepted the message (connection lost, timeout)."""


class MailTransport(Protocol):
    """Sends one message, or raises :class:`MailRefused` / :class:`MailUncertain`."""

    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class SmtpTransport:
    """SMTP from ``SMTP_URL``: one connection per message (a sweep's emails are few, and a broken connection
    then costs one message at most)."""

    host: str
    port: int
    implicit_tls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = SMTP_TIMEOUT_SECONDS

    @classmethod
    def from_url(cls, url: str, timeout: float = SMTP_TIMEOUT_SECONDS) -> SmtpTransport:
        """``smtp://[user:pass@]host[:port]`` (default 587) or ``smtps://[user:pass@]host[:port]`` (465)."""
        parts = urlsplit(url)
        implicit = parts.scheme == "smtps"
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must be smtp://host:port or smtps://host:port")
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if implicit else SUBMISSION_PORT),
            implicit_tls=implicit,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            timeout=timeout,
        )

    def send(self, message: EmailMessage) -> None:
        try:
            connection = self._connect()
        except smtplib.SMTPResponseException as refused:
            raise MailRefused(refused.smtp_code, _text(refused.smtp_error)) from refused
        except (OSError, smtplib.SMTPException) as error:
            # Nothing was handed over yet: certainly not accepted; try again later.
            raise MailRefused(421, f"connection: {error}") from error
        try:
            self._transact(connection, message)
        finally:
            try:
                connection.quit()
            except (OSError, smtplib.SMTPException):
                connection.close()

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.implicit_tls:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            connection.ehlo()
            if not self.implicit_tls and connection.has_extn("starttls"):
                connection.starttls(context=context)
                connection.ehlo()
            elif not self.implicit_tls and (self.port == SUBMISSION_PORT or self.username):
                raise MailRefused(530, "the server offers no STARTTLS: refusing to send in clear")
            if self.username:
                connection.login(self.username, self.password or "")
        except BaseException:
            connection.close()
            raise
        return connection

    @staticmethod
    def _transact(connection: smtplib.SMTP, message: EmailMessage) -> None:
        try:
            refused = connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            raise MailRefused(code, _text(text)) from error
        except smtplib.SMTPResponseException as error:
            raise MailRefused(error.smtp_code, _text(error.smtp_error)) from error
        except (OSError, smtplib.SMTPException) as error:
            # Lost mid-transaction (perhaps after the final dot): whether it was accepted is unknown.
            raise MailUncertain(f"{type(error).__name__}: {error}") from error
        if refused:  # one recipient a message: a refusal of it raised above
            code, text = next(iter(refused.values()))
            raise MailRefused(code, _text(text))


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


@dataclass
class MemoryTransport:
    """Keeps every message in a list (the console prints them; nothing leaves the machine)."""

    sent: list[EmailMessage] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, message: EmailMessage) -> None:
        with self._lock:
            self.sent.append(message)


def transport_for(smtp_url: str | None) -> MailTransport | None:
    """The transport ``SMTP_URL`` names; None when it is unset (then nobody is reached by email)."""
    return SmtpTransport.from_url(smtp_url) if smtp_url else None
