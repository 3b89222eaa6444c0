"""A p2pstock SMS provider, ``webhook``, for in-house SMS gateways reached over HTTP(S).

Each text is one ``POST`` to the operator's endpoint with the JSON body ``{"to": phone, "text": text}``
and two headers that let the gateway check it came from p2pstock and is fresh:

- ``X-P2PStock-Timestamp``: the Unix time of sending, in whole seconds;
- ``X-P2PStock-Signature``: the hex HMAC-SHA256, keyed with the shared secret, of
  ``timestamp + "." + body`` (the body exactly as sent, UTF-8). ``verify`` checks one.

The gateway answers ``2xx`` with ``{"id": "..."}`` (the id is returned). Other answers map onto the
errors of ``p2pstock.core.sms``: any other ``4xx`` to ``SmsRejected`` (do not retry); ``429`` (with its
``Retry-After`` in seconds), ``5xx``, a redirect, a success without an id, timeouts and connection
errors to ``SmsUnavailable``. Neither the secret nor the text appears in a repr, an error or a log line.

Settings come from the environment: ``P2PSTOCK_SMS_WEBHOOK_URL`` (``http://`` or ``https://``) and
``P2PSTOCK_SMS_WEBHOOK_SECRET``; choose the provider with ``P2PSTOCK_SMS_PROVIDER=webhook``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import time
from collections.abc import Callable, Mapping

import aiohttp
import yarl

from p2pstock.config import Settings
from p2pstock.core.errors import InvalidInput
from p2pstock.core.notifications import mask
from p2pstock.core.sms import SmsRejected, SmsUnavailable
from p2pstock.plugin import SmsProviderFactory, hookimpl

__all__ = ["WebhookSmsSender", "p2pstock_sms_providers", "sign", "verify", "webhook_sender"]

logger = logging.getLogger(__name__)

URL_VARIABLE = "P2PSTOCK_SMS_WEBHOOK_URL"
SECRET_VARIABLE = "P2PSTOCK_SMS_WEBHOOK_SECRET"  # noqa: S105 - the name of a variable, not a secret
TIMESTAMP_HEADER = "X-P2PStock-Timestamp"
SIGNATURE_HEADER = "X-P2PStock-Signature"

_MAX_ERROR_CHARS = 200


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``timestamp + "." + body`` keyed with ``secret``."""
    message = timestamp.encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    now: float | None = None,
    tolerance: int = 300,
) -> bool:
    """For the gateway: whether ``signature`` is right and ``timestamp`` within ``tolerance`` s of now."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - sent_at) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature.lower())


def _retry_after(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        seconds = int(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def _check_url(url: str) -> str:
    try:
        parsed = yarl.URL(url)
    except (TypeError, ValueError):
        parsed = None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        raise InvalidInput(f"{URL_VARIABLE} must be an http:// or https:// address")
    return url


class WebhookSmsSender:
    """Posts each text, signed, to one endpoint; pass ``session`` to reuse one, else one per call."""

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        timeout: float = 10.0,
        session: aiohttp.ClientSession | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.url = _check_url(url)
        if not secret:
            raise InvalidInput(f"{SECRET_VARIABLE} must not be empty")
        self._secret = secret
        self.timeout = timeout
        self._session = session
        self._clock = clock

    @classmethod
    def from_environ(
        cls,
        environ: Mapping[str, str],
        *,
        timeout: float = 10.0,
        session: aiohttp.ClientSession | None = None,
    ) -> WebhookSmsSender:
        """A sender from ``P2PSTOCK_SMS_WEBHOOK_URL`` and ``P2PSTOCK_SMS_WEBHOOK_SECRET`` in ``environ``."""
        missing = [name for name in (URL_VARIABLE, SECRET_VARIABLE) if not environ.get(name, "").strip()]
        if missing:
            raise InvalidInput(f"the webhook SMS provider needs {', '.join(missing)}")
        return cls(environ[URL_VARIABLE].strip(), environ[SECRET_VARIABLE], timeout=timeout, session=session)

    def __repr__(self) -> str:
        shown = str(yarl.URL(self.url).with_user(None))
        return f"WebhookSmsSender(url={shown!r}, secret='***', timeout={self.timeout!r})"

    def signed(self, phone: str, text: str) -> tuple[bytes, dict[str, str]]:
        """The body and headers of the request that sends ``text`` to ``phone``."""
        body = json.dumps({"to": phone, "text": text}, ensure_ascii=False, separators=(",", ":")).encode()
        timestamp = str(int(self._clock()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(self._secret, timestamp, body),
        }
        return body, headers

    async def send(self, phone: str, text: str) -> str:
        """Send ``text`` to ``phone`` and return the gateway's id; raise ``SmsError`` subclasses."""
        try:
            if self._session is not None:
                return await self._post(self._session, phone, text)
            async with aiohttp.ClientSession() as session:
                return await self._post(session, phone, text)
        except TimeoutError:
            raise SmsUnavailable("the SMS webhook did not answer in time") from None
        except aiohttp.ClientError as error:
            raise SmsUnavailable(f"the SMS webhook could not be reached ({type(error).__name__})") from None

    async def _post(self, session: aiohttp.ClientSession, phone: str, text: str) -> str:
        body, headers = self.signed(phone, text)
        async with session.post(
            self.url,
            data=body,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=self.timeout),
            allow_redirects=False,
        ) as response:
            status = response.status
            if 200 <= status < 300:
                return self._accepted(phone, await self._json(response))
            if status == 429:
                raise SmsUnavailable(
                    "the SMS webhook limited our rate",
                    retry_after=_retry_after(response.headers.get("Retry-After")),
                )
            if status in (401, 403):
                raise SmsRejected("the SMS webhook refused our signature")
            if 400 <= status < 500:
                raise SmsRejected(
                    f"the SMS webhook refused the message: {self._reason(await self._json(response), status)}"
                )
            raise SmsUnavailable(
                f"the SMS webhook answered HTTP {status}",
                retry_after=_retry_after(response.headers.get("Retry-After")),
            )

    @staticmethod
    def _accepted(phone: str, body: object) -> str:
        message_id = body.get("id") if isinstance(body, dict) else None
        if not isinstance(message_id, str | int) or isinstance(message_id, bool) or message_id == "":
            raise SmsUnavailable("the SMS webhook answered without a message id")
        logger.info("SMS to %s accepted by the webhook as %s", mask(phone), message_id)
        return str(message_id)

    def _reason(self, body: object, status: int) -> str:
        error = body.get("error") if isinstance(body, dict) else None
        reason = str(error)[:_MAX_ERROR_CHARS] if error else ""
        if not reason or self._secret in reason:
            return f"HTTP {status}"
        return reason

    @staticmethod
    async def _json(response: aiohttp.ClientResponse) -> object:
        try:
            return await response.json(content_type=None)
        except ValueError:
            return None


def webhook_sender(settings: Settings, environ: Mapping[str, str] | None = None) -> WebhookSmsSender:
    """The provider's factory: a sender from ``environ`` (default: the process environment).

    ``settings`` is what every SMS factory receives; this provider keeps its own variables.
    """
    del settings
    return WebhookSmsSender.from_environ(os.environ if environ is None else environ)


@hookimpl
def p2pstock_sms_providers() -> Mapping[str, SmsProviderFactory]:
    """Offer the ``webhook`` provider."""
    return {"webhook": webhook_sender}
