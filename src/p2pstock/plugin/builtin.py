"""The providers shipped with p2pstock, offered through the same hooks as any plugin's.

The manager registers this module under the plugin name ``builtin``:

- SMS: ``console`` (logs a masked number and the length, keeps the last texts in memory), ``http`` (an HTTP
  provider: ``P2PSTOCK_SMS_HTTP_URL``, ``P2PSTOCK_SMS_HTTP_API_KEY``) and ``smtp`` (mail to an
  email-to-SMS gateway: ``P2PSTOCK_SMTP_*``);
- documents: ``filesystem`` (under ``<P2PSTOCK_DATA_DIR>/documents``) and ``memory``;
- payments: ``sandbox`` (no money moves; pages served by p2pstock's web server at
  ``P2PSTOCK_PUBLIC_URL``, callbacks signed with ``P2PSTOCK_PAYMENT_SECRET``).

A factory whose settings are missing raises ``InvalidInput`` naming the variables to set.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from p2pstock.adapters.documents import FilesystemDocumentStore, MemoryDocumentStore
from p2pstock.adapters.email import EmailToSmsSender, SmtpSender
from p2pstock.adapters.payments.sandbox import SandboxGateway, process_secret
from p2pstock.adapters.sms import ConsoleSmsSender, HttpSmsSender
from p2pstock.config import Settings
from p2pstock.core.errors import InvalidInput
from p2pstock.core.payments import PaymentGateway
from p2pstock.core.people.documents import DocumentStore
from p2pstock.core.sms import SmsSender
from p2pstock.plugin.hookspecs import (
    DocumentStoreFactory,
    PaymentProviderFactory,
    SmsProviderFactory,
    hookimpl,
)

logger = logging.getLogger(__name__)

NAME = "builtin"
"""The plugin name of this module (``P2PSTOCK_DISABLED_PLUGINS=builtin`` removes every built-in)."""


def _require(provider: str, **values: str) -> None:
    missing = [f"P2PSTOCK_{name.upper()}" for name, value in values.items() if not value]
    if missing:
        raise InvalidInput(f"the {provider} provider needs {', '.join(missing)}")


def console_sms(_settings: Settings) -> SmsSender:
    """An SMS sender that only logs; the embedded default."""
    return ConsoleSmsSender()


def http_sms(settings: Settings) -> SmsSender:
    """An SMS sender for an HTTP provider at ``sms_http_url`` with the bearer ``sms_http_api_key``."""
    _require("http SMS", sms_http_url=settings.sms_http_url, sms_http_api_key=settings.sms_http_api_key)
    return HttpSmsSender(settings.sms_http_url, settings.sms_http_api_key)


def smtp_sms(settings: Settings) -> SmsSender:
    """An SMS sender that mails ``<digits>@smtp_sms_gateway_domain`` through ``smtp_host``."""
    _require(
        "smtp SMS",
        smtp_host=settings.smtp_host,
        smtp_sender=settings.smtp_sender,
        smtp_sms_gateway_domain=settings.smtp_sms_gateway_domain,
    )
    return EmailToSmsSender(smtp_client(settings), settings.smtp_sms_gateway_domain)


def smtp_client(settings: Settings) -> SmtpSender:
    """The SMTP client the ``smtp_*`` settings describe (for SMS gateways and email notifications)."""
    return SmtpSender(
        settings.smtp_host,
        settings.smtp_port,
        username=settings.smtp_username or None,
        password=settings.smtp_password or None,
        sender=settings.smtp_sender,
        start_tls=settings.smtp_starttls,
    )


def filesystem_documents(settings: Settings) -> DocumentStore:
    """Documents as files under ``<data_dir>/documents``."""
    return FilesystemDocumentStore(settings.data_dir / "documents")


def memory_documents(_settings: Settings) -> DocumentStore:
    """Documents in memory, gone when the process ends; for tests and demos."""
    return MemoryDocumentStore()


def sandbox_payments(settings: Settings) -> PaymentGateway:
    """The sandbox gateway at ``public_url``, signing with ``payment_secret``.

    No money moves through it (see ``p2pstock.adapters.payments.sandbox``). With no
    ``P2PSTOCK_PAYMENT_SECRET`` it uses a random key made once per process — enough for the embedded
    default, where the web server that shows the Pay button also verifies the callback; several workers
    need a shared ``P2PSTOCK_PAYMENT_SECRET``.

    It refuses to start where customers could be using it — a bot token, or a public URL on ``https`` —
    unless ``P2PSTOCK_ALLOW_SANDBOX=true`` says so (a staging deployment), and warns whenever it runs."""
    _require("sandbox payment", public_url=settings.public_url)
    looks_real = bool(settings.telegram_token) or settings.public_url.lower().startswith("https://")
    if looks_real and not settings.allow_sandbox:
        raise InvalidInput(
            "the sandbox payment gateway credits deposits with no money behind them, and this looks like a"
            " real deployment (a bot token or an https public URL): set P2PSTOCK_PAYMENT_PROVIDER to a real"
            " gateway, or P2PSTOCK_ALLOW_SANDBOX=true for a test deployment"
        )
    secret = settings.payment_secret
    if not secret:
        logger.info("P2PSTOCK_PAYMENT_SECRET is not set: the sandbox signs with a random key of this process")
        secret = process_secret()
    logger.warning(
        "payments go through the sandbox: deposits are credited without any money moving;"
        " set P2PSTOCK_PAYMENT_PROVIDER to a real gateway in production"
    )
    return SandboxGateway(secret, settings.public_url)


@hookimpl
def p2pstock_sms_providers() -> Mapping[str, SmsProviderFactory]:
    """``console``, ``http`` and ``smtp``."""
    return {"console": console_sms, "http": http_sms, "smtp": smtp_sms}


@hookimpl
def p2pstock_document_stores() -> Mapping[str, DocumentStoreFactory]:
    """``filesystem`` and ``memory``."""
    return {"filesystem": filesystem_documents, "memory": memory_documents}


@hookimpl
def p2pstock_payment_providers() -> Mapping[str, PaymentProviderFactory]:
    """``sandbox``."""
    return {"sandbox": sandbox_payments}
