"""Sending text messages: the port, and the errors a sender may raise.

A sender delivers one text to one phone number and answers with the provider's message id. It
raises ``SmsRejected`` when the provider refused this message (trying again will not help) and
``SmsUnavailable`` when the provider could not be reached or asked us to wait (trying later may).
A text may hold a verification code, so neither the text nor a credential ever appears in an error.
"""

from __future__ import annotations

from typing import Protocol

from p2pstock.core.errors import P2PStockError


class DeliveryRejected(P2PStockError):
    """A message's recipient or provider refused it for good (any channel); it is not tried again."""


class SmsError(P2PStockError):
    """A text message could not be sent."""


class SmsRejected(SmsError, DeliveryRejected):
    """The provider refused this message (bad number, bad credentials, …); do not retry it."""


class SmsUnavailable(SmsError):
    """The provider could not be reached, failed, or limited our rate; retry later.

    ``retry_after`` is the number of seconds the provider asked us to wait, when it said so.
    """

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SmsSender(Protocol):
    """Delivers text messages to phone numbers."""

    async def send(self, phone: str, text: str) -> str:
        """Send ``text`` to ``phone`` and return the provider's message id.

        Raises ``SmsRejected`` or ``SmsUnavailable``.
        """
        ...
