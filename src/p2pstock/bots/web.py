"""The aiohttp web server: Telegram's webhook, payment gateway callbacks, the sandbox's payment page and
a health check.

::

    POST /telegram                     Telegram's updates; X-Telegram-Bot-Api-Secret-Token checked first
    POST /payments/{provider}/callback a gateway's callback, verified by that gateway, applied once
    GET  /sandbox/pay/{order_id}       the sandbox's payment page (only when a sandbox is given), opened by
                                       the order's ``?token=`` from its payment link
    POST /sandbox/pay/{order_id}       the payer pressed Pay (the token again, and the page's own Origin):
                                       the sandbox's signed callback is applied (the page is in Chinese
                                       unless the browser's Accept-Language prefers another language)
    GET  /healthz                      200 {"database": "ok"} or 503

Wiring it (``p2pstock serve``)::

    app = bootstrap(settings)
    gateway = payment_gateway(app.plugins, settings)          # p2pstock.plugin.manager
    payments = Payments(app.office, app.wallets, {gateway.name: gateway}, gateway.name)
    web_app = build_web_app(
        payments=payments,
        health=lambda: <a quick database round trip answering True>,
        webhook_secret=settings.webhook_secret,
        on_telegram_update=<async function handing the update to the bot>,   # or None: no bot
        sandbox=gateway if gateway.name == "sandbox" else None,             # never in production
    )
    aiohttp.web.run_app(web_app, host=settings.web_host, port=settings.web_port)

Every service call runs off the event loop (``asyncio.to_thread``). Nothing here logs a request body, a
header value or a secret.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from html import escape
from typing import Any, Protocol

from aiohttp import web

from p2pstock.core.errors import DepositMismatch, InvalidInput, NotFound, Refused, StorageError
from p2pstock.core.money import Currency, Money
from p2pstock.core.payment_service import Payments
from p2pstock.core.payments import InvalidCallback, OrderStatus, PaymentOrder

log = logging.getLogger(__name__)

TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret
MAX_BODY_BYTES = 1024 * 1024
"""The largest request body read (Telegram updates and callbacks are far smaller)."""
MAX_UPDATE_DEPTH = 32
"""The deepest nesting of JSON objects and arrays in an update handed to the bot (Telegram's go about ten
deep; a deeper one would only make the bot's parser recurse)."""


class BadUpdate(ValueError):
    """Raised by a Telegram update handler for an update it cannot read: answered 400, not retried."""


TelegramHandler = Callable[[dict[str, Any]], Awaitable[None]]
"""Takes one decoded Telegram update (a JSON object) and hands it to the bot."""


class SandboxPayer(Protocol):
    """What the sandbox's page needs of the sandbox gateway (``SandboxGateway`` is one)."""

    name: str
    origin: str
    """``scheme://host[:port]`` of the page as the payer's browser sees it (the ``Origin`` of its Pay)."""

    def opens(self, order: PaymentOrder, token: str) -> bool:
        """Whether ``token`` (from the page's link) opens ``order``'s page."""
        ...

    def pay(self, order: PaymentOrder, now: int) -> tuple[dict[str, str], bytes]:
        """The signed callback (headers, body) that pays ``order`` in full at ``now`` (microseconds)."""
        ...


def build_web_app(
    *,
    payments: Payments,
    health: Callable[[], bool],
    webhook_secret: str,
    on_telegram_update: TelegramHandler | None = None,
    sandbox: SandboxPayer | None = None,
    client_max_size: int = MAX_BODY_BYTES,
) -> web.Application:
    """The web application.

    - ``payments``: the service callbacks are applied through (its gateways verify them); a callback for a
      provider it does not know is answered 404 before its body is read.
    - ``health``: answers whether the database is reachable (a blocking call, run in a thread; an
      exception counts as unhealthy).
    - ``webhook_secret``: what Telegram sends in ``X-Telegram-Bot-Api-Secret-Token`` (the ``secret_token``
      given to ``setWebhook``). Empty: every update is refused with 403.
    - ``on_telegram_update``: called with each update whose secret was right; ``None`` (no bot behind
      this server) answers 404 once the secret was checked.
    - ``sandbox``: the sandbox gateway whose payment page to serve; ``None`` (a real gateway) leaves
      ``/sandbox/...`` out.
    """
    app = web.Application(client_max_size=client_max_size)
    callbacks = _Callbacks(payments)
    app.router.add_post("/payments/{provider}/callback", callbacks.handle)
    app.router.add_get("/healthz", _health_check(health))
    app.router.add_post("/telegram", _telegram_webhook(webhook_secret, on_telegram_update))
    if sandbox is not None:
        page = _SandboxPage(payments, sandbox)
        app.router.add_get("/sandbox/pay/{order_id}", page.show)
        app.router.add_post("/sandbox/pay/{order_id}", page.pay)
    return app


# -- Telegram


def _secret_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison; no configured secret matches nothing."""
    if not expected or given is None:
        return False
    return hmac.compare_digest(
        given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def _telegram_webhook(
    secret: str, on_update: TelegramHandler | None
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def telegram(request: web.Request) -> web.StreamResponse:
        if not _secret_matches(request.headers.get(TELEGRAM_SECRET_HEADER), secret):
            return _error(403, "forbidden")  # before the body is read
        if on_update is None:
            return _error(404, "no bot is served here")
        try:
            update = json.loads(await request.read())
        except (ValueError, RecursionError):
            return _error(400, "the update is not JSON")
        problem = _unreadable(update)
        if problem:
            return _error(400, problem)  # answered 4xx: Telegram would send a 5xx again and again
        try:
            await on_update(update)
        except BadUpdate:
            return _error(400, "the update could not be read")
        except Exception as error:
            log.error("the Telegram update handler raised %s", type(error).__name__)
            return _error(500, "the update could not be handled")
        return web.json_response({"ok": True})

    return telegram


def _unreadable(update: object) -> str | None:
    """Why ``update`` is not a Telegram update worth handing over, or ``None``."""
    if not isinstance(update, dict):
        return "the update is not a JSON object"
    update_id = update.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        return "the update has no update_id"
    if _deeper_than(update, MAX_UPDATE_DEPTH):
        return "the update is nested too deep"
    return None


def _deeper_than(value: object, limit: int) -> bool:
    """Whether JSON ``value`` nests objects and arrays more than ``limit`` deep (walked without recursion)."""
    level: list[object] = [value]
    for _ in range(limit + 1):
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return False
    return True


# -- payment callbacks


class _Callbacks:
    def __init__(self, payments: Payments) -> None:
        self.payments = payments

    async def handle(self, request: web.Request) -> web.StreamResponse:
        provider = request.match_info["provider"]
        if provider not in self.payments.providers:
            return _error(404, "unknown payment provider", "unknown_provider")
        body = await request.read()
        return await _apply(self.payments, provider, request.headers, body)


async def _apply(payments: Payments, provider: str, headers: Mapping[str, str], body: bytes) -> web.Response:
    """Apply a callback and answer the gateway: 200 when applied now or before, else why not."""
    try:
        order = await asyncio.to_thread(payments.confirm, provider, headers, body)
    except InvalidCallback as error:
        return _error(401, "invalid callback", error.code)
    except DepositMismatch as error:
        return _error(409, "the amount paid does not match the order", error.code)
    except NotFound as error:
        return _error(404, "unknown payment order", error.code)
    except Refused as error:
        return _error(409, str(error), error.code)
    except InvalidInput as error:
        return _error(400, "bad callback", error.code)
    except StorageError as error:
        log.warning("a %s payment callback met a storage error; the gateway may retry", provider)
        return _error(503, "try again later", error.code)
    return web.json_response({"ok": True, "order_id": order.id, "status": order.status.value})


def _error(status: int, message: str, code: str = "") -> web.Response:
    """A failure told to a machine: the stable ``code`` of the reason (when known) beside the message."""
    return web.json_response({"ok": False, "error": message, "code": code}, status=status)


# -- the sandbox's payment page

_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",  # "no-referrer" would make the browser send the Pay with Origin: null
}


class _SandboxPage:
    def __init__(self, payments: Payments, sandbox: SandboxPayer) -> None:
        self.payments = payments
        self.sandbox = sandbox

    async def _order(self, request: web.Request) -> PaymentOrder | None:
        """The sandbox order of the page, when the link's token opens it."""
        try:
            order = await asyncio.to_thread(self.payments.order, request.match_info["order_id"])
        except (NotFound, InvalidInput):
            return None
        if order.provider != self.sandbox.name:
            return None
        return order if self.sandbox.opens(order, request.query.get("token", "")) else None

    async def show(self, request: web.Request) -> web.StreamResponse:
        lang = page_language(request)
        order = await self._order(request)
        if order is None:
            return _page(404, lang, "unknown", "unknown_text")
        return _order_page(order, lang)

    async def pay(self, request: web.Request) -> web.StreamResponse:
        lang = page_language(request)
        if request.headers.get("Origin") != self.sandbox.origin:  # another site's form, or no browser
            return _page(403, lang, "refused", "from_page")
        order = await self._order(request)
        if order is None:
            return _page(404, lang, "unknown", "unknown_text")
        headers, body = self.sandbox.pay(order, self.payments.now())
        answer = await _apply(self.payments, self.sandbox.name, headers, body)
        if answer.status != 200:
            return _page(answer.status, lang, "refused", "not_applied")
        raise web.HTTPSeeOther(location=request.path_qs)  # show the paid order; a reload pays nothing


PAGE_TEXTS: Mapping[str, tuple[str, str]] = {
    "title": ("沙箱支付", "Sandbox payment"),
    "order": ("订单 {order}", "Order {order}"),
    "amount": ("金额：{amount}", "Amount: {amount}"),
    "pay": ("支付", "Pay"),
    "no_money": ("沙箱环境：不会发生真实资金划转。", "Sandbox: no money moves."),
    "paid": ("已支付", "Paid"),
    "paid_text": ("订单 {order}：已支付 {amount}。", "Order {order}: {amount} paid."),
    "mismatched": (
        "订单 {order} 的支付金额不符，未入账。",
        "Order {order} was paid with another amount; nothing was credited.",
    ),
    "refused": ("支付被拒绝", "Payment refused"),
    "from_page": ("请在支付页面上支付。", "Pay from the payment page itself."),
    "not_applied": ("这笔支付未能入账。", "The payment could not be applied."),
    "unknown": ("未知的支付", "Unknown payment"),
    "unknown_text": ("没有这笔沙箱支付。", "There is no such sandbox payment."),
}
"""The payment page's texts, Chinese and English; values are escaped before they are filled in."""


def page_language(request: web.Request) -> str:
    """Chinese unless the browser prefers another language first (``Accept-Language``)."""
    preferred = request.headers.get("Accept-Language", "").split(",")[0].strip().lower()
    return "en" if preferred and not preferred.startswith("zh") else "zh"


def _said(key: str, lang: str, **values: str) -> str:
    zh, en = PAGE_TEXTS[key]
    return (zh if lang == "zh" else en).format(**{name: escape(value) for name, value in values.items()})


def _order_page(order: PaymentOrder, lang: str) -> web.Response:
    shown = {"order": order.id, "amount": _shown(order)}
    if order.status is OrderStatus.PAID:
        return _page(200, lang, "paid", "paid_text", **shown)
    if order.status is OrderStatus.MISMATCHED:
        return _page(200, lang, "refused", "mismatched", **shown)
    content = (
        f"<p>{_said('order', lang, **shown)}</p><p><strong>{_said('amount', lang, **shown)}</strong></p>"
        f'<form method="post"><button type="submit">{_said("pay", lang)}</button></form>'
        f"<p><small>{_said('no_money', lang)}</small></p>"
    )
    return _html(200, lang, _said("title", lang), content)


def _shown(order: PaymentOrder) -> str:
    try:
        return str(Money(order.amount, Currency.of(order.currency)))
    except (InvalidInput, ValueError, TypeError):
        return f"{order.amount} {order.currency}"


def _page(status: int, lang: str, title: str, paragraph: str, **values: str) -> web.Response:
    """A page of one paragraph: ``title`` and ``paragraph`` are keys of ``PAGE_TEXTS``."""
    return _html(status, lang, _said(title, lang), f"<p>{_said(paragraph, lang, **values)}</p>")


def _html(status: int, lang: str, title: str, content: str) -> web.Response:
    """An HTML page; ``title`` and ``content`` are escaped by the caller."""
    text = (
        f'<!doctype html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title></head>"
        f"<body><h1>{title}</h1>{content}</body></html>"
    )
    return web.Response(status=status, text=text, content_type="text/html", headers=_PAGE_HEADERS)


# -- health


def _health_check(health: Callable[[], bool]) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def healthz(_request: web.Request) -> web.StreamResponse:
        try:
            healthy = await asyncio.to_thread(health) is True
        except Exception as error:
            log.warning("the health check raised %s", type(error).__name__)
            healthy = False
        if healthy:
            return web.json_response({"database": "ok"})
        return web.json_response({"database": "unavailable"}, status=503)

    return healthz
