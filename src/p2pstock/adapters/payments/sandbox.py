"""The sandbox gateway: deposits "paid" by pressing a button, for demos, development and tests.

**No money moves**: whoever opens a sandbox payment page can credit the order's amount to the wallet.
Never offer it to real customers; set ``P2PSTOCK_PAYMENT_PROVIDER`` to a real gateway in production.

It follows the signed-callback scheme of a real gateway (``signed.py``):

- the payment link of an order is ``{public_url}/sandbox/pay/{order id}?token={page token}``, a page the
  web server shows (amount and a Pay button). The page token is an HMAC of the order id under the
  gateway's secret: only whoever was given the link (the customer, through the bot) can open the page,
  and the server refuses a Pay whose ``Origin`` is not ``public_url``'s, so another site cannot make a
  visitor's browser pay;
- pressing Pay makes the callback a real gateway would send — the order's amount, the transaction id
  ``sandbox-{order id}`` (so pressing twice pays once), signed with the shared secret at the current
  time — and hands its headers and bytes to the same verification as any callback. ``call_back`` sends
  it over HTTP to ``{public_url}/payments/sandbox/callback`` instead, exactly like a remote gateway.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from urllib.parse import quote, urlsplit

import aiohttp

from p2pstock.adapters.payments.signed import TOLERANCE_SECONDS, SignedCallbackGateway
from p2pstock.core.payments import PaymentCallback, PaymentLink, PaymentOrder

NAME = "sandbox"


@functools.cache
def process_secret() -> str:
    """A random key made once per process: the sandbox's secret when ``P2PSTOCK_PAYMENT_SECRET`` is
    empty. The sandbox signs and verifies in the same process, so nobody else needs to know it; a
    callback signed by another process (another worker, a restart) is refused."""
    return secrets.token_hex(32)


class SandboxGateway(SignedCallbackGateway):
    """The sandbox, served by p2pstock's own web server at ``public_url``."""

    def __init__(
        self,
        secret: str | bytes,
        public_url: str,
        *,
        name: str = NAME,
        tolerance_seconds: int = TOLERANCE_SECONDS,
    ) -> None:
        base = public_url.rstrip("/")
        super().__init__(name, secret, f"{base}/sandbox/pay", tolerance_seconds=tolerance_seconds)
        self.callback_url = f"{base}/payments/{name}/callback"
        parts = urlsplit(base)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        """What a browser sends as ``Origin`` when the sandbox's own page posts its Pay button."""
        key = secret.encode() if isinstance(secret, str) else secret
        self._page_key = hmac.new(key, b"p2pstock sandbox page", hashlib.sha256).digest()

    def page_token(self, order: PaymentOrder) -> str:
        """The token in ``order``'s payment link that opens its page (an HMAC of the order id)."""
        return hmac.new(self._page_key, order.id.encode(), hashlib.sha256).hexdigest()[:32]

    def opens(self, order: PaymentOrder, token: str) -> bool:
        """Whether ``token`` is ``order``'s page token (compared in constant time)."""
        return hmac.compare_digest(self.page_token(order).encode(), token.encode("utf-8", "replace"))

    def payment_link(self, order: PaymentOrder) -> PaymentLink:
        """``{public_url}/sandbox/pay/{order id}?token={page token}``."""
        url = f"{self.link_base}/{quote(order.id, safe='')}?token={self.page_token(order)}"
        return PaymentLink(order.id, url)

    def transaction_id(self, order: PaymentOrder) -> str:
        """The sandbox's id for the payment of ``order``: one per order, so paying twice pays once."""
        return f"sandbox-{order.id}"

    def pay(self, order: PaymentOrder, now: int) -> tuple[dict[str, str], bytes]:
        """The signed callback (headers, body) for paying ``order`` in full at ``now`` (microseconds)."""
        callback = PaymentCallback(order.id, self.transaction_id(order), order.amount, order.currency)
        return self.signed_callback(callback, now)

    async def call_back(
        self, order: PaymentOrder, now: int, *, url: str | None = None, timeout_seconds: float = 10
    ) -> int:
        """Pay ``order`` the way a remote gateway does: POST the signed callback to ``url`` (default
        ``callback_url``) and answer the HTTP status the server gave."""
        headers, body = self.pay(order, now)
        timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(url or self.callback_url, data=body, headers=headers) as response,
        ):
            await response.read()
            return response.status
