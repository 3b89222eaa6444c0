"""Sending mail over SMTP, and text messages through an email-to-SMS gateway.

``SmtpSender`` sends one plain-text message with ``aiosmtplib``: it connects, upgrades with STARTTLS
when asked (verifying the server's certificate), logs in when it has a username, and answers with
the Message-ID it gave the message. ``EmailToSmsSender`` implements the SMS port by mailing
``<digits>@<gateway_domain>``.

Failures map onto the errors of ``core.sms``: refused credentials, recipients or messages to
``SmsRejected``; everything worth retrying (connection refused, timeouts, an untrusted certificate,
other SMTP errors) to ``SmsUnavailable``. Neither the text nor the password ever appears in a log
line, an error or a repr.
"""

from __future__ import annotations

import logging
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from p2pstock.core.notifications import mask
from p2pstock.core.sms import SmsRejected, SmsUnavailable

logger = logging.getLogger(__name__)


def _is_certificate_error(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


class SmtpSender:
    """Sends plain-text mail through one SMTP server, one connection per message."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        username: str | None,
        password: str | None,
        sender: str,
        start_tls: bool = True,
        tls_context: ssl.SSLContext | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.host = host
        self.port = port
        self.username = username
        self._password = password
        self.sender = sender
        self.start_tls = start_tls
        self._tls_context = tls_context
        self.timeout = timeout

    def __repr__(self) -> str:
        password = "None" if self._password is None else "'***'"
        return (
            f"SmtpSender(host={self.host!r}, port={self.port!r}, username={self.username!r}, "
            f"password={password}, sender={self.sender!r}, start_tls={self.start_tls!r}, "
            f"timeout={self.timeout!r})"
        )

    def _message(self, to: str, subject: str, text: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        domain = self.sender.rpartition("@")[2] or None
        message["Message-ID"] = make_msgid(domain=domain)
        message.set_content(text)
        return message

    async def send(self, to: str, subject: str, text: str) -> str:
        """Send ``text`` to ``to`` and return its Message-ID; raise ``SmsError`` subclasses."""
        message = self._message(to, subject, text)
        try:
            await self._deliver(message, to)
        except (SmsRejected, SmsUnavailable):
            raise
        except aiosmtplib.SMTPAuthenticationError:
            raise SmsRejected("the mail server refused our credentials") from None
        except (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPRecipientRefused):
            raise SmsRejected("the mail server refused the recipient") from None
        except (aiosmtplib.SMTPSenderRefused, aiosmtplib.SMTPDataError) as exc:
            if 500 <= exc.code < 600:
                raise SmsRejected(f"the mail server refused the message (SMTP {exc.code})") from None
            raise SmsUnavailable(f"the mail server deferred the message (SMTP {exc.code})") from None
        except aiosmtplib.SMTPNotSupported:
            raise SmsUnavailable("the mail server does not support what we need (STARTTLS or AUTH)") from None
        except ssl.SSLCertVerificationError:
            raise SmsUnavailable("the mail server's certificate is not trusted") from None
        except (aiosmtplib.SMTPException, OSError) as exc:
            if _is_certificate_error(exc):
                raise SmsUnavailable("the mail server's certificate is not trusted") from None
            if isinstance(exc, TimeoutError):
                raise SmsUnavailable("the mail server did not answer in time") from None
            raise SmsUnavailable(f"the mail server could not be reached ({type(exc).__name__})") from None
        message_id = str(message["Message-ID"])
        logger.info("Mail to %s accepted by the server as %s", mask(to), message_id)
        return message_id

    async def _deliver(self, message: EmailMessage, to: str) -> None:
        client = aiosmtplib.SMTP(
            hostname=self.host,
            port=self.port,
            timeout=self.timeout,
            start_tls=False,
        )
        await client.connect()
        try:
            if self.start_tls:
                context = self._tls_context or ssl.create_default_context()
                await client.starttls(tls_context=context)
            if self.username is not None:
                await client.login(self.username, self._password or "")
            errors, _ = await client.send_message(message, sender=self.sender, recipients=[to])
            if to in errors:
                raise SmsRejected("the mail server refused the recipient")
        finally:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError):
                client.close()


class EmailToSmsSender:
    """Sends text messages by mailing ``<digits>@<gateway_domain>`` through an ``SmtpSender``."""

    def __init__(self, smtp: SmtpSender, gateway_domain: str, *, subject: str = "") -> None:
        self.smtp = smtp
        self.gateway_domain = gateway_domain.strip().lstrip("@")
        self.subject = subject

    def __repr__(self) -> str:
        return f"EmailToSmsSender(smtp={self.smtp!r}, gateway_domain={self.gateway_domain!r})"

    async def send(self, phone: str, text: str) -> str:
        """Mail ``text`` to the gateway address of ``phone`` and return the Message-ID."""
        digits = "".join(ch for ch in phone if ch.isdigit())
        if not digits:
            raise SmsRejected("the phone number has no digits")
        return await self.smtp.send(f"{digits}@{self.gateway_domain}", self.subject, text)


class EmailNotifier:
    """Delivers notifications of the email channel: one plain-text mail each, with a fixed subject."""

    def __init__(self, smtp: SmtpSender, subject: str = "p2pstock") -> None:
        self.smtp, self.subject = smtp, subject

    def __repr__(self) -> str:
        return f"EmailNotifier(smtp={self.smtp!r}, subject={self.subject!r})"

    async def send(self, recipient: str, text: str) -> str:
        """Mail ``text`` to ``recipient`` and return the Message-ID."""
        return await self.smtp.send(recipient, self.subject, text)
