"""Text message senders: one that only logs (the embedded default), and one for an HTTP provider.

The HTTP provider takes ``POST {base_url}/messages`` with the JSON ``{"to": phone, "text": text}`` and
a bearer token, and answers ``{"id": "..."}``. Its answers map onto the errors of ``core.sms``:
refusals (400, 401, 403, 422) to ``SmsRejected``, everything worth retrying (429, 5xx, timeouts,
connection errors, a malformed success) to ``SmsUnavailable``. Neither the text nor the api key
ever appears in a log line, an error or a repr.
"""

from __future__ import annotations

import collections
import itertools
import logging

import aiohttp

from p2pstock.core.notifications import mask
from p2pstock.core.sms import SmsRejected, SmsUnavailable

logger = logging.getLogger(__name__)

_MAX_ERROR_CHARS = 200


class ConsoleSmsSender:
    """Logs that a message was sent (masked number, length only: never the text, which may hold a code)
    and keeps the last ``KEEP`` in ``outbox`` for a developer or the demo to read — in this process's
    memory only, so a long-running server holds no trail of codes."""

    KEEP = 20

    def __init__(self) -> None:
        self.outbox: collections.deque[tuple[str, str]] = collections.deque(maxlen=self.KEEP)
        """``(phone, text)`` of the last ``KEEP`` messages sent, oldest first."""
        self._ids = itertools.count(1)

    def __repr__(self) -> str:
        return f"ConsoleSmsSender(sent={len(self.outbox)})"

    async def send(self, phone: str, text: str) -> str:
        """Record the message and return ``console-<n>``."""
        self.outbox.append((phone, text))
        logger.info("SMS to %s: %d characters", mask(phone), len(text))
        return f"console-{next(self._ids)}"


def _retry_after(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        seconds = int(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


class HttpSmsSender:
    """Sends through an HTTP provider; pass ``session`` to reuse one, otherwise one is made per call."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 10.0,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self.timeout = timeout
        self._session = session

    def __repr__(self) -> str:
        return f"HttpSmsSender(base_url={self.base_url!r}, api_key='***', timeout={self.timeout!r})"

    async def send(self, phone: str, text: str) -> str:
        """Send ``text`` to ``phone`` and return the provider's id; raise ``SmsError`` subclasses."""
        try:
            if self._session is not None:
                return await self._post(self._session, phone, text)
            async with aiohttp.ClientSession() as session:
                return await self._post(session, phone, text)
        except TimeoutError:
            raise SmsUnavailable("the SMS provider did not answer in time") from None
        except aiohttp.ClientError as exc:
            raise SmsUnavailable(f"the SMS provider could not be reached ({type(exc).__name__})") from None

    async def _post(self, session: aiohttp.ClientSession, phone: str, text: str) -> str:
        async with session.post(
            f"{self.base_url}/messages",
            json={"to": phone, "text": text},
            headers={"Authorization": f"Bearer {self._api_key}"},
            timeout=aiohttp.ClientTimeout(total=self.timeout),
        ) as response:
            status = response.status
            if status in (200, 201):
                body = await self._json(response)
                message_id = body.get("id") if isinstance(body, dict) else None
                if not isinstance(message_id, str | int) or isinstance(message_id, bool) or message_id == "":
                    raise SmsUnavailable("the SMS provider answered without a message id")
                logger.info("SMS to %s accepted by the provider as %s", mask(phone), message_id)
                return str(message_id)
            if status in (400, 422):
                body = await self._json(response)
                error = body.get("error") if isinstance(body, dict) else None
                reason = str(error)[:_MAX_ERROR_CHARS] if error else f"HTTP {status}"
                raise SmsRejected(f"the SMS provider refused the message: {reason}")
            if status in (401, 403):
                raise SmsRejected("the SMS provider refused our credentials")
            if status == 429:
                raise SmsUnavailable(
                    "the SMS provider limited our rate",
                    retry_after=_retry_after(response.headers.get("Retry-After")),
                )
            raise SmsUnavailable(f"the SMS provider answered HTTP {status}")

    @staticmethod
    async def _json(response: aiohttp.ClientResponse) -> object:
        try:
            return await response.json(content_type=None)
        except ValueError:
            return None
