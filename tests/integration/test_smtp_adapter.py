"""The SMTP adapter against a real aiosmtpd server on 127.0.0.1 with STARTTLS and AUTH.

The server requires STARTTLS before anything else and AUTH (after TLS) before mail; its certificate
comes from a throwaway trustme CA. No test talks to anything but the local server; the password
never leaks into an error, a log line or a repr.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from p2pstock.adapters.email import EmailToSmsSender, SmtpSender
from p2pstock.core.sms import SmsRejected, SmsSender, SmsUnavailable

USER = "mailer@p2pstock.test"
PASSWORD = "smtp-very-secret-password"
SENDER = "noreply@p2pstock.test"
TO = "investor@example.test"
SUBJECT = "您的验证码"
TEXT = "您的验证码是 493817，五分钟内有效。"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class RecordingHandler:
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    port: int
    handler: RecordingHandler
    client_context: ssl.SSLContext


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def server(ca: trustme.CA) -> Iterator[Server]:
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(server_context)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_context,
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield Server(port, handler, client_context)
    finally:
        controller.stop()


def smtp(server: Server, *, password: str = PASSWORD, context: ssl.SSLContext | None = None) -> SmtpSender:
    return SmtpSender(
        "127.0.0.1",
        server.port,
        username=USER,
        password=password,
        sender=SENDER,
        tls_context=context or server.client_context,
        timeout=5.0,
    )


def test_a_message_is_delivered_over_starttls_with_auth(server: Server) -> None:
    message_id = asyncio.run(smtp(server).send(TO, SUBJECT, TEXT))

    assert message_id.startswith("<") and message_id.endswith("@p2pstock.test>")
    [got] = server.handler.received
    assert got.mail_from == SENDER
    assert got.rcpt_tos == [TO]
    assert got.message["Subject"] == SUBJECT
    assert got.message["From"] == SENDER
    assert got.message["To"] == TO
    assert got.message["Message-ID"] == message_id
    body = got.message.get_body(preferencelist=("plain",))
    assert body is not None
    assert body.get_content().strip() == TEXT


def test_a_wrong_password_is_refused_and_nothing_is_delivered(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "wrong-secret-password"
    caplog.set_level(logging.DEBUG)
    with pytest.raises(SmsRejected, match="refused our credentials") as info:
        asyncio.run(smtp(server, password=wrong).send(TO, SUBJECT, TEXT))

    assert server.handler.received == []
    assert wrong not in str(info.value)
    assert wrong not in repr(info.value)
    assert info.value.__cause__ is None
    assert wrong not in caplog.text


def test_a_refused_recipient_is_rejected_and_nothing_is_delivered(server: Server) -> None:
    with pytest.raises(SmsRejected, match="refused the recipient"):
        asyncio.run(smtp(server).send("nobody@example.test", SUBJECT, TEXT))

    assert server.handler.received == []


def test_an_untrusted_certificate_is_unavailable_and_nothing_is_delivered(server: Server) -> None:
    untrusted = ssl.create_default_context()  # system roots only: the trustme CA is not among them
    with pytest.raises(SmsUnavailable, match="certificate is not trusted") as info:
        asyncio.run(smtp(server, context=untrusted).send(TO, SUBJECT, TEXT))

    assert server.handler.received == []
    assert PASSWORD not in str(info.value)


def test_a_refused_connection_is_unavailable() -> None:
    sender = SmtpSender(
        "127.0.0.1", free_port(), username=USER, password=PASSWORD, sender=SENDER, timeout=5.0
    )
    with pytest.raises(SmsUnavailable, match="could not be reached") as info:
        asyncio.run(sender.send(TO, SUBJECT, TEXT))

    assert PASSWORD not in str(info.value)


def test_email_to_sms_mails_the_gateway_address_of_the_digits(server: Server) -> None:
    sms: SmsSender = EmailToSmsSender(smtp(server), "sms.gateway.test")

    message_id = asyncio.run(sms.send("+86 138-1234-5678", TEXT))

    [got] = server.handler.received
    assert got.rcpt_tos == ["8613812345678@sms.gateway.test"]
    assert got.message["To"] == "8613812345678@sms.gateway.test"
    assert got.message["Message-ID"] == message_id
    body = got.message.get_body(preferencelist=("plain",))
    assert body is not None
    assert body.get_content().strip() == TEXT


def test_repr_hides_the_password(server: Server) -> None:
    sender = smtp(server)
    assert PASSWORD not in repr(sender)
    assert "***" in repr(sender)
    assert PASSWORD not in repr(EmailToSmsSender(sender, "sms.gateway.test"))
