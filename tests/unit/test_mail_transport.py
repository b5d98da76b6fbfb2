"""The SMTP transport against a real server: what each answer becomes, and SMTP_URL read as documented."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from bot.delivery.mail_transport import MailRefused, SmtpTransport, transport_for
from tests.support.smtp import SmtpServer, free_port


def _message() -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "bot@covenant.example", "eva@example.org", "Hi"
    message.set_content("Hello")
    return message


def test_smtp_url_is_read_as_documented() -> None:
    plain = SmtpTransport.from_url("smtp://user%40corp:p%3Ass@mail.example.org")
    assert (plain.host, plain.port, plain.implicit_tls, plain.username, plain.password) == (
        "mail.example.org",
        587,
        False,
        "user@corp",
        "p:ss",
    )
    assert SmtpTransport.from_url("smtps://mail.example.org").port == 465
    assert SmtpTransport.from_url("smtps://mail.example.org").implicit_tls
    assert transport_for(None) is None


def test_answers_become_sent_temporary_or_permanent() -> None:
    server = SmtpServer().start()
    try:
        transport = SmtpTransport.from_url(server.url, timeout=5)
        transport.send(_message())
        assert [r.rcpt_tos for r in server.received] == [["eva@example.org"]]
        server.answers = ["451 4.3.0 later", "550 5.1.1 unknown"]
        with pytest.raises(MailRefused) as temporary:
            transport.send(_message())
        assert temporary.value.code == 451 and not temporary.value.permanent
        with pytest.raises(MailRefused) as permanent:
            transport.send(_message())
        assert permanent.value.code == 550 and permanent.value.permanent
        assert len(server.received) == 1
    finally:
        server.stop()


def test_no_server_is_a_temporary_refusal_and_a_password_never_goes_in_clear() -> None:
    with pytest.raises(MailRefused) as down:
        SmtpTransport.from_url(f"smtp://127.0.0.1:{free_port()}", timeout=2).send(_message())
    assert not down.value.permanent
    server = SmtpServer().start()  # offers no STARTTLS
    try:
        with pytest.raises(MailRefused) as clear:
            SmtpTransport.from_url(f"smtp://user:secret@127.0.0.1:{server.port}", timeout=5).send(_message())
        assert clear.value.code == 530 and server.received == []
    finally:
        server.stop()
