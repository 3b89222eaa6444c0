"""The signed-callback scheme: how a gateway proves that a callback is its own.

The gateway sends the callback as ``POST /payments/{provider}/callback`` with

- ``X-P2PStock-Timestamp``: the time it signed, in whole Unix seconds;
- ``X-P2PStock-Signature``: the lowercase hex HMAC-SHA256, keyed with the secret both sides share, of
  ``f"{timestamp}.".encode() + body`` (the raw body bytes, exactly as sent);
- the body: the JSON object ``{"order_id": "...", "transaction_id": "...", "amount": 12345,
  "currency": "CNY"}`` with ``amount`` an integer number of minor units (fen).

A callback is accepted only when its timestamp is within ``tolerance_seconds`` (300) of now, either way
(a replay captured earlier goes stale; a clock a little ahead is forgiven), and its signature matches
(compared in constant time). The signature is checked before the body is parsed. Anything else — a
missing or malformed header, a float, a boolean, a missing field — raises ``InvalidCallback``.

``SignedCallbackGateway`` implements the scheme for any gateway that follows it: reuse it from a plugin
with your provider's name, secret and payment page, or subclass it to build links another way::

    @hookimpl
    def p2pstock_payment_providers():
        return {"acme": lambda s: SignedCallbackGateway("acme", s.payment_secret, "https://pay.acme/checkout")}

The secret never appears in a repr, an error message or a log line.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from urllib.parse import quote

from p2pstock.core.errors import InvalidInput
from p2pstock.core.payments import InvalidCallback, PaymentCallback, PaymentLink, PaymentOrder

TIMESTAMP_HEADER = "X-P2PStock-Timestamp"
SIGNATURE_HEADER = "X-P2PStock-Signature"
TOLERANCE_SECONDS = 300
"""How far a callback's timestamp may be from now, either way."""
MAX_BODY_BYTES = 16 * 1024
"""The largest callback body considered (a callback is a few dozen bytes)."""

_FIELDS = frozenset({"order_id", "transaction_id", "amount", "currency"})
_ID = re.compile(r"[A-Za-z0-9_.:@/+=-]{1,120}")
_CURRENCY = re.compile(r"[A-Z]{3}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"[0-9a-fA-F]{64}")
_MAX_AMOUNT = 10**15


def _key(secret: str | bytes) -> bytes:
    key = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    if not key:
        raise InvalidInput("a signed payment gateway needs a secret (P2PSTOCK_PAYMENT_SECRET)")
    return key


def signature(secret: str | bytes, timestamp: int, body: bytes) -> str:
    """The lowercase hex HMAC-SHA256 of ``f"{timestamp}.".encode() + body`` keyed with ``secret``."""
    return hmac.new(_key(secret), f"{int(timestamp)}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secret: str | bytes, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers a gateway sends with ``body`` signed at ``timestamp`` (Unix seconds)."""
    return {
        TIMESTAMP_HEADER: str(int(timestamp)),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
        "Content-Type": "application/json",
    }


def callback_body(callback: PaymentCallback) -> bytes:
    """The JSON body of a callback, as a gateway following this scheme sends it."""
    fields = {
        "order_id": callback.order_id,
        "transaction_id": callback.transaction_id,
        "amount": callback.amount,
        "currency": callback.currency,
    }
    return json.dumps(fields, separators=(",", ":")).encode()


class SignedCallbackGateway:
    """A gateway whose callbacks follow the signed scheme above.

    ``name`` is the provider name (the ``{provider}`` of the callback URL); ``secret`` the shared key;
    ``link_base`` the payment page, to which ``/{order id}`` is appended (override ``payment_link`` for
    anything else). ``tolerance_seconds`` bounds the clock difference accepted."""

    def __init__(
        self,
        name: str,
        secret: str | bytes,
        link_base: str,
        *,
        tolerance_seconds: int = TOLERANCE_SECONDS,
    ) -> None:
        self.name = name
        self._secret = _key(secret)
        self.link_base = link_base.rstrip("/")
        self.tolerance_seconds = tolerance_seconds

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, link_base={self.link_base!r})"

    def payment_link(self, order: PaymentOrder) -> PaymentLink:
        """``{link_base}/{order id}``."""
        return PaymentLink(order.id, f"{self.link_base}/{quote(order.id, safe='')}")

    def verify_callback(self, headers: Mapping[str, str], body: bytes, now: int) -> PaymentCallback:
        """The callback's content if its timestamp is fresh and its signature right (``now`` in
        microseconds); ``InvalidCallback`` otherwise. Header names are matched without regard to case."""
        stamp = _header(headers, TIMESTAMP_HEADER)
        given = _header(headers, SIGNATURE_HEADER)
        if stamp is None or given is None:
            raise InvalidCallback("the callback is not signed")
        if not _TIMESTAMP.fullmatch(stamp) or not _SIGNATURE.fullmatch(given):
            raise InvalidCallback("the callback's signature headers are malformed")
        timestamp = int(stamp)
        if abs(now // 1_000_000 - timestamp) > self.tolerance_seconds:
            raise InvalidCallback("the callback's timestamp is too old or too far ahead")
        if not isinstance(body, bytes | bytearray) or len(body) > MAX_BODY_BYTES:
            raise InvalidCallback("the callback's body is missing or too large")
        expected = signature(self._secret, timestamp, bytes(body))
        if not hmac.compare_digest(expected.encode("ascii"), given.lower().encode("ascii")):
            raise InvalidCallback("the callback's signature does not match")
        return parse_callback(bytes(body))

    def signed_callback(self, callback: PaymentCallback, now: int) -> tuple[dict[str, str], bytes]:
        """The headers and body of ``callback`` signed at ``now`` (microseconds), as the gateway sends it
        (for sandboxes and tests)."""
        body = callback_body(callback)
        return sign(self._secret, now // 1_000_000, body), body


def parse_callback(body: bytes) -> PaymentCallback:
    """The callback a body describes; ``InvalidCallback`` unless it is exactly the agreed JSON object."""
    try:
        fields = json.loads(body.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidCallback("the callback's body is not JSON") from None
    if not isinstance(fields, dict) or set(fields) != _FIELDS:
        raise InvalidCallback(f"the callback's body must hold exactly {', '.join(sorted(_FIELDS))}")
    order_id, transaction_id = fields["order_id"], fields["transaction_id"]
    amount, currency = fields["amount"], fields["currency"]
    for value, what in ((order_id, "order_id"), (transaction_id, "transaction_id")):
        if not isinstance(value, str) or not _ID.fullmatch(value):
            raise InvalidCallback(f"the callback's {what} is malformed")
    if type(amount) is not int or not 0 < amount <= _MAX_AMOUNT:
        raise InvalidCallback("the callback's amount must be a positive whole number of minor units")
    if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
        raise InvalidCallback("the callback's currency must be three capital letters")
    return PaymentCallback(order_id, transaction_id, amount, currency)


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise ValueError("a field is repeated")
    return fields


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """The header ``name``, whatever the case of its name in ``headers``."""
    value = headers.get(name)
    if value is None:
        wanted = name.lower()
        value = next((v for k, v in headers.items() if isinstance(k, str) and k.lower() == wanted), None)
    return value if isinstance(value, str) else None
