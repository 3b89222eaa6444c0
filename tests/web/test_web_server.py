"""The web server on a loopback port: Telegram's webhook guarded by its secret token, payment callbacks
verified and applied once, the sandbox's payment page, and the health check.

The tests run on the AnyIO pytest plugin (installed with httpx/anyio) on asyncio, aiohttp's loop; the
server is aiohttp's ``TestServer`` on 127.0.0.1."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from p2pstock.adapters.clock import ManualClock
from p2pstock.adapters.payments import SandboxGateway, SignedCallbackGateway, callback_body, sign
from p2pstock.bootstrap import App
from p2pstock.bots.web import BadUpdate, _order_page, build_web_app
from p2pstock.core.clock import to_micros
from p2pstock.core.money import CNY, Money
from p2pstock.core.payment_service import Payments
from p2pstock.core.payments import OrderStatus, PaymentCallback, PaymentOrder

pytestmark = pytest.mark.anyio

SECRET = "whsec-test-7f3a9c"
WEBHOOK_SECRET = "tg-secret_123-ABC"
TOKEN_HEADER = "X-Telegram-Bot-Api-Secret-Token"

Client = TestClient[Any, Any]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def sandbox() -> SandboxGateway:
    return SandboxGateway(SECRET, "http://127.0.0.1:8080")


@pytest.fixture
def payments(app: App, sandbox: SandboxGateway) -> Payments:
    app.customers.register(customer_id="alice", language="en")
    app.wallets.open("alice")
    bank = SignedCallbackGateway("bank", SECRET, "https://bank.example/checkout")
    return Payments(app.office, app.wallets, {"bank": bank, "sandbox": sandbox}, "bank")


class Updates:
    """A Telegram update handler that keeps what it was handed."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []

    async def __call__(self, update: dict[str, Any]) -> None:
        self.received.append(update)


@pytest.fixture
def updates() -> Updates:
    return Updates()


Fn = Callable[..., Any]


@pytest.fixture
async def client(payments: Payments, sandbox: SandboxGateway, updates: Updates) -> AsyncIterator[Client]:
    web_app = build_web_app(
        payments=payments,
        health=lambda: True,
        webhook_secret=WEBHOOK_SECRET,
        on_telegram_update=updates,
        sandbox=sandbox,
    )
    async with TestClient(TestServer(web_app, host="127.0.0.1")) as client:
        yield client


SANDBOX_ORIGIN = "http://127.0.0.1:8080"
ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}
"""Where the ``sandbox`` fixture says its pages are (``public_url``): a browser's Origin on its Pay button."""


def page_of(sandbox: SandboxGateway, order: PaymentOrder) -> str:
    """The path and query of ``order``'s payment link (the page the bot's Pay button opens)."""
    return sandbox.payment_link(order).url.removeprefix(SANDBOX_ORIGIN)


def balance(app: App) -> Money:
    return app.wallets.balance("alice").total


def order_of(payments: Payments, yuan: int = 100, provider: str = "bank") -> PaymentOrder:
    link = payments.start_deposit("alice", Money(yuan * 100, CNY), provider=provider)
    return payments.order(link.order_id)


def signed(
    order: PaymentOrder, clock: ManualClock, *, amount: int | None = None, secret: str = SECRET
) -> tuple[dict[str, str], bytes]:
    body = callback_body(PaymentCallback(order.id, "BANK-T-1", amount or order.amount, order.currency))
    return sign(secret, to_micros(clock.now()) // 1_000_000, body), body


# -- the Telegram webhook


@pytest.mark.parametrize(
    "headers",
    [{}, {TOKEN_HEADER: "wrong"}, {TOKEN_HEADER: ""}, {TOKEN_HEADER: WEBHOOK_SECRET + "x"}],
    ids=["missing", "wrong", "empty", "longer"],
)
async def test_an_update_without_the_right_secret_token_is_forbidden_and_never_handled(
    client: Client, updates: Updates, headers: dict[str, str]
) -> None:
    response = await client.post("/telegram", json={"update_id": 1}, headers=headers)

    assert response.status == 403
    assert updates.received == []


async def test_an_update_with_the_right_secret_token_reaches_the_handler(
    client: Client, updates: Updates
) -> None:
    update = {"update_id": 7, "message": {"text": "/start"}}
    response = await client.post("/telegram", json=update, headers={TOKEN_HEADER: WEBHOOK_SECRET})

    assert response.status == 200
    assert updates.received == [update]


async def test_an_update_that_is_not_a_json_object_is_a_bad_request(client: Client, updates: Updates) -> None:
    for body in (b"not json", b"[1, 2]"):
        response = await client.post("/telegram", data=body, headers={TOKEN_HEADER: WEBHOOK_SECRET})
        assert response.status == 400
    assert updates.received == []


def nested(depth: int) -> bytes:
    """An update whose ``message`` nests ``depth`` JSON objects deep."""
    return b'{"update_id": 1, "message": ' + b'{"a": ' * depth + b"1" + b"}" * depth + b"}"


@pytest.mark.parametrize(
    "body",
    [b"{}", b'{"update_id": "7"}', b'{"update_id": true}', b'{"message": {"text": "/start"}}', nested(200)],
    ids=["empty", "text-id", "boolean-id", "no-id", "nested-200"],
)
async def test_an_update_without_an_integer_id_or_nested_too_deep_is_a_bad_request(
    client: Client, updates: Updates, body: bytes
) -> None:
    response = await client.post("/telegram", data=body, headers={TOKEN_HEADER: WEBHOOK_SECRET})

    assert response.status == 400  # a 5xx would have Telegram send it again and again
    assert updates.received == []


async def test_json_nested_deeper_than_the_parser_goes_is_a_bad_request_without_a_traceback(
    client: Client, updates: Updates, caplog: pytest.LogCaptureFixture
) -> None:
    response = await client.post("/telegram", data=nested(100_000), headers={TOKEN_HEADER: WEBHOOK_SECRET})

    assert response.status == 400
    assert updates.received == []
    assert not [r for r in caplog.records if r.exc_info is not None]


async def test_an_update_the_bot_cannot_read_is_a_bad_request(payments: Payments) -> None:
    async def unreadable(_update: dict[str, Any]) -> None:
        raise BadUpdate("the message has no chat")

    web_app = build_web_app(
        payments=payments, health=lambda: True, webhook_secret=WEBHOOK_SECRET, on_telegram_update=unreadable
    )
    async with TestClient(TestServer(web_app, host="127.0.0.1")) as client:
        response = await client.post(
            "/telegram", json={"update_id": 1}, headers={TOKEN_HEADER: WEBHOOK_SECRET}
        )

    assert response.status == 400


@pytest.mark.parametrize("given", ["", "anything"])
async def test_with_no_webhook_secret_configured_every_update_is_forbidden(
    payments: Payments, updates: Updates, given: str
) -> None:
    web_app = build_web_app(
        payments=payments, health=lambda: True, webhook_secret="", on_telegram_update=updates
    )
    async with TestClient(TestServer(web_app, host="127.0.0.1")) as client:
        response = await client.post("/telegram", json={"update_id": 1}, headers={TOKEN_HEADER: given})

    assert response.status == 403
    assert updates.received == []


async def test_a_failing_update_handler_answers_500_so_telegram_retries(payments: Payments) -> None:
    async def broken(_update: dict[str, Any]) -> None:
        raise RuntimeError("the bot is down")

    web_app = build_web_app(
        payments=payments, health=lambda: True, webhook_secret=WEBHOOK_SECRET, on_telegram_update=broken
    )
    async with TestClient(TestServer(web_app, host="127.0.0.1")) as client:
        response = await client.post(
            "/telegram", json={"update_id": 1}, headers={TOKEN_HEADER: WEBHOOK_SECRET}
        )

    assert response.status == 500


# -- payment callbacks


async def test_a_signed_callback_credits_the_wallet_and_is_acknowledged(
    client: Client, app: App, payments: Payments, clock: ManualClock
) -> None:
    order = order_of(payments)
    headers, body = signed(order, clock)

    response = await client.post("/payments/bank/callback", data=body, headers=headers)

    assert response.status == 200
    assert await response.json() == {"ok": True, "order_id": order.id, "status": "paid"}
    assert balance(app) == Money(10_000, CNY)


async def test_a_repeated_callback_is_acknowledged_again_and_credits_once(
    client: Client, app: App, payments: Payments, clock: ManualClock
) -> None:
    order = order_of(payments)
    headers, body = signed(order, clock)

    statuses = [
        (await client.post("/payments/bank/callback", data=body, headers=headers)).status for _ in range(3)
    ]

    assert statuses == [200, 200, 200]
    assert balance(app) == Money(10_000, CNY)


async def test_twenty_concurrent_copies_of_one_callback_credit_once(
    client: Client, app: App, payments: Payments, clock: ManualClock
) -> None:
    order = order_of(payments)
    headers, body = signed(order, clock)

    responses = await asyncio.gather(
        *(client.post("/payments/bank/callback", data=body, headers=headers) for _ in range(20))
    )

    assert [r.status for r in responses] == [200] * 20
    assert balance(app) == Money(10_000, CNY)
    assert app.ledger.audit().transfers == 1
    assert payments.order(order.id).status is OrderStatus.PAID


@pytest.mark.parametrize(
    "forge",
    [
        lambda h, b: ({}, b),
        lambda h, b: ({**h, "X-P2PStock-Signature": "0" * 64}, b),
        lambda h, b: (h, b.replace(b"BANK-T-1", b"BANK-T-2")),
        lambda h, b: ({**h, "X-P2PStock-Timestamp": str(int(h["X-P2PStock-Timestamp"]) - 301)}, b),
    ],
    ids=["unsigned", "wrong-signature", "tampered-body", "moved-timestamp"],
)
async def test_a_forged_callback_is_unauthorized_and_credits_nothing(
    client: Client, app: App, payments: Payments, clock: ManualClock, forge: Fn
) -> None:
    order = order_of(payments)
    headers, body = forge(*signed(order, clock))

    response = await client.post("/payments/bank/callback", data=body, headers=headers)

    assert response.status == 401
    assert balance(app) == Money(0, CNY)
    assert payments.order(order.id) == order


async def test_a_callback_signed_with_another_secret_is_unauthorized(
    client: Client, app: App, payments: Payments, clock: ManualClock
) -> None:
    order = order_of(payments)
    headers, body = signed(order, clock, secret="guessed")

    response = await client.post("/payments/bank/callback", data=body, headers=headers)

    assert response.status == 401
    assert balance(app) == Money(0, CNY)


async def test_a_stale_callback_is_unauthorized(
    client: Client, app: App, payments: Payments, clock: ManualClock
) -> None:
    order = order_of(payments)
    headers, body = signed(order, clock)
    clock.advance(minutes=10)

    response = await client.post("/payments/bank/callback", data=body, headers=headers)

    assert response.status == 401
    assert balance(app) == Money(0, CNY)


async def test_a_callback_for_another_amount_is_acknowledged_held_for_finance_and_credits_nothing(
    client: Client, app: App, payments: Payments, clock: ManualClock
) -> None:
    order = order_of(payments)
    headers, body = signed(order, clock, amount=1)
    right = signed(order, clock)  # the same transaction, now reported for the right amount

    first = await client.post("/payments/bank/callback", data=body, headers=headers)
    again = await client.post("/payments/bank/callback", data=body, headers=headers)
    corrected = await client.post("/payments/bank/callback", data=right[1], headers=right[0])

    assert (first.status, again.status, corrected.status) == (200, 200, 200)
    assert await corrected.json() == {"ok": True, "order_id": order.id, "status": "mismatched"}
    assert payments.order(order.id).status is OrderStatus.MISMATCHED
    assert balance(app) == Money(0, CNY)


async def test_a_callback_for_an_unknown_order_is_not_found(
    client: Client, app: App, payments: Payments, clock: ManualClock
) -> None:
    ghost = PaymentOrder("pay-ghost", "alice", 100, "CNY", "bank", 0)
    headers, body = signed(ghost, clock)

    response = await client.post("/payments/bank/callback", data=body, headers=headers)

    assert response.status == 404
    assert app.ledger.audit().transfers == 0


async def test_a_callback_from_an_unknown_provider_is_not_found(
    client: Client, payments: Payments, clock: ManualClock
) -> None:
    headers, body = signed(order_of(payments), clock)

    response = await client.post("/payments/pigeon/callback", data=body, headers=headers)

    assert response.status == 404


async def test_a_refused_callback_names_the_reasons_code_beside_its_message(
    client: Client, payments: Payments, clock: ManualClock
) -> None:
    ghost = PaymentOrder("pay-ghost", "alice", 100, "CNY", "bank", 0)
    headers, body = signed(ghost, clock)
    guessed, _same = signed(ghost, clock, secret="guessed")

    unknown = await client.post("/payments/bank/callback", data=body, headers=headers)
    forged = await client.post("/payments/bank/callback", data=body, headers=guessed)

    assert await unknown.json() == {
        "ok": False,
        "error": "unknown payment order",
        "code": "payment_order_not_found",
    }
    assert (await forged.json())["code"] == "invalid_callback"


# -- the sandbox


async def test_the_sandbox_page_shows_the_amount_and_a_pay_button(
    client: Client, payments: Payments, sandbox: SandboxGateway
) -> None:
    order = order_of(payments, 1_234, provider="sandbox")

    response = await client.get(page_of(sandbox, order), headers=ENGLISH)
    page = await response.text()

    assert response.status == 200
    assert response.content_type == "text/html"
    assert "¥1,234.00" in page
    assert '<form method="post"><button type="submit">Pay</button></form>' in page
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("accepted", [None, "zh-CN,zh;q=0.9,en;q=0.8", "zh-TW"], ids=str)
async def test_the_sandbox_page_speaks_chinese_unless_the_browser_prefers_another_language(
    client: Client, payments: Payments, sandbox: SandboxGateway, accepted: str | None
) -> None:
    order = order_of(payments, 1_234, provider="sandbox")
    headers = {} if accepted is None else {"Accept-Language": accepted}

    page = await (await client.get(page_of(sandbox, order), headers=headers)).text()
    refused = await (await client.post(page_of(sandbox, order), headers=headers)).text()

    assert '<html lang="zh-CN">' in page
    assert "沙箱支付" in page and "金额：¥1,234.00" in page and ">支付</button>" in page
    assert "支付被拒绝" in refused
    for shown in (page, refused):
        body = shown.split("<body>", 1)[1]
        assert re.findall(r"[A-Za-z]{2,}", re.sub(r"<[^>]*>|pay-\w+", "", body)) == []


async def test_pressing_pay_in_the_sandbox_credits_the_wallet_once(
    client: Client, app: App, payments: Payments, sandbox: SandboxGateway
) -> None:
    order = order_of(payments, 50, provider="sandbox")

    response = await client.post(page_of(sandbox, order), headers={"Origin": SANDBOX_ORIGIN, **ENGLISH})
    again = await client.post(page_of(sandbox, order), headers={"Origin": SANDBOX_ORIGIN, **ENGLISH})

    assert response.status == 200  # after the redirect to the page of the paid order
    assert "paid" in await response.text()
    assert again.status == 200
    assert balance(app) == Money(5_000, CNY)
    paid = payments.order(order.id)
    assert (paid.status, paid.transaction_id) == (OrderStatus.PAID, f"sandbox-{order.id}")


@pytest.mark.parametrize("origin", ["https://evil.example", "http://127.0.0.1:8081", "null", None], ids=str)
async def test_a_cross_site_post_to_the_sandbox_page_credits_nothing(
    client: Client, app: App, payments: Payments, sandbox: SandboxGateway, origin: str | None
) -> None:
    order = order_of(payments, 400, provider="sandbox")

    headers = {} if origin is None else {"Origin": origin}
    response = await client.post(page_of(sandbox, order), headers=headers)

    assert response.status == 403
    assert balance(app) == Money(0, CNY)
    assert payments.order(order.id).status is OrderStatus.CREATED


async def test_the_sandbox_page_without_its_orders_token_neither_shows_nor_pays(
    client: Client, app: App, payments: Payments, sandbox: SandboxGateway
) -> None:
    order = order_of(payments, 400, provider="sandbox")
    other = order_of(payments, 1, provider="sandbox")
    others_token = page_of(sandbox, other).split("?", 1)[1]

    for query in ("", "?token=", "?token=0123456789abcdef0123456789abcdef", f"?{others_token}"):
        path = f"/sandbox/pay/{order.id}{query}"
        assert (await client.get(path)).status == 404
        assert (await client.post(path, headers={"Origin": SANDBOX_ORIGIN})).status == 404
    assert balance(app) == Money(0, CNY)


async def test_the_sandbox_calls_back_over_http_like_a_real_gateway(
    client: Client, app: App, payments: Payments, sandbox: SandboxGateway
) -> None:
    order = order_of(payments, 8, provider="sandbox")
    url = str(client.make_url("/payments/sandbox/callback"))

    statuses = [await sandbox.call_back(order, payments.now(), url=url) for _ in range(2)]

    assert statuses == [200, 200]
    assert balance(app) == Money(800, CNY)


async def test_the_sandbox_page_of_an_unknown_order_or_another_providers_order_is_not_found(
    client: Client, app: App, payments: Payments
) -> None:
    bank_order = order_of(payments, 5, provider="bank")

    for path in ("/sandbox/pay/pay-ghost", "/sandbox/pay/bad%20id", f"/sandbox/pay/{bank_order.id}"):
        assert (await client.get(path)).status == 404
        assert (await client.post(path, headers={"Origin": SANDBOX_ORIGIN})).status == 404
    assert balance(app) == Money(0, CNY)


async def test_without_a_sandbox_there_is_no_sandbox_page(payments: Payments) -> None:
    order = order_of(payments, 5, provider="sandbox")
    web_app = build_web_app(payments=payments, health=lambda: True, webhook_secret=WEBHOOK_SECRET)
    async with TestClient(TestServer(web_app, host="127.0.0.1")) as client:
        assert (await client.get(f"/sandbox/pay/{order.id}")).status == 404
        assert (await client.post(f"/sandbox/pay/{order.id}")).status == 404


def test_the_sandbox_page_escapes_what_it_shows() -> None:
    order = PaymentOrder('pay-<script>"x"</script>', "alice", 100, "CNY", "sandbox", 0)

    page = _order_page(order, "en").text or ""

    assert "<script>" not in page
    assert "&lt;script&gt;&quot;x&quot;&lt;/script&gt;" in page


# -- health


@pytest.mark.parametrize(
    ("health", "status", "answer"),
    [
        (lambda: True, 200, {"database": "ok"}),
        (lambda: False, 503, {"database": "unavailable"}),
        (lambda: 1 / 0, 503, {"database": "unavailable"}),
    ],
    ids=["healthy", "unhealthy", "raising"],
)
async def test_the_health_check_tells_whether_the_database_answers(
    payments: Payments, health: Fn, status: int, answer: dict[str, str]
) -> None:
    web_app = build_web_app(payments=payments, health=health, webhook_secret=WEBHOOK_SECRET)
    async with TestClient(TestServer(web_app, host="127.0.0.1")) as client:
        response = await client.get("/healthz")

        assert response.status == status
        assert await response.json() == answer
