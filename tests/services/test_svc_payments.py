"""Service tests of deposits paid through a gateway: an order and its payment link, then the gateway's
signed callback credits the wallet exactly once — repeated, raced, forged, stale or for another amount."""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from p2pstock.adapters.clock import ManualClock
from p2pstock.adapters.payments import SandboxGateway, SignedCallbackGateway, callback_body, sign
from p2pstock.adapters.payments.sandbox import process_secret
from p2pstock.bootstrap import App
from p2pstock.config import Settings
from p2pstock.core.clock import to_micros
from p2pstock.core.errors import AlreadyDecided, DepositMismatch, InvalidInput, NotFound
from p2pstock.core.money import CNY, USD, Money
from p2pstock.core.notifications import Notification
from p2pstock.core.payment_service import Payments
from p2pstock.core.payments import InvalidCallback, OrderStatus, PaymentCallback, PaymentOrder
from p2pstock.plugin.manager import build_plugin_manager, payment_gateway, payment_providers

SECRET = "whsec-test-7f3a9c"
TELEGRAM_ID = 1001


def cny(yuan: int) -> Money:
    return Money(yuan * 100, CNY)


@pytest.fixture
def bank() -> SignedCallbackGateway:
    return SignedCallbackGateway("bank", SECRET, "https://bank.example/checkout")


@pytest.fixture
def sandbox() -> SandboxGateway:
    return SandboxGateway(SECRET, "https://pay.example.com")


@pytest.fixture
def payments(app: App, bank: SignedCallbackGateway, sandbox: SandboxGateway) -> Payments:
    app.customers.register(customer_id="alice", telegram_user_id=TELEGRAM_ID, language="en")
    app.wallets.open("alice")
    return Payments(app.office, app.wallets, {"bank": bank, "sandbox": sandbox}, "bank")


def seconds(clock: ManualClock) -> int:
    return to_micros(clock.now()) // 1_000_000


def callback(
    order: PaymentOrder | str,
    clock: ManualClock,
    *,
    amount: int | None = None,
    currency: str = "CNY",
    transaction: str = "BANK-T-1",
    secret: str = SECRET,
    at: int | None = None,
) -> tuple[dict[str, str], bytes]:
    """The headers and body the bank sends for ``order`` (its own amount unless told otherwise)."""
    order_id = order if isinstance(order, str) else order.id
    paid = amount if amount is not None else (order.amount if isinstance(order, PaymentOrder) else 100)
    body = callback_body(PaymentCallback(order_id, transaction, paid, currency))
    return sign(secret, seconds(clock) if at is None else at, body), body


def start(payments: Payments, yuan: int = 100) -> PaymentOrder:
    link = payments.start_deposit("alice", cny(yuan))
    return payments.order(link.order_id)


def balance(app: App) -> Money:
    return app.wallets.balance("alice").total


def told(app: App) -> list[Notification]:
    return app.office.read(lambda tx: tx.uow.outbox.of_recipient(str(TELEGRAM_ID), 50))


def audit_actions(app: App) -> list[str]:
    return [record.action for record in app.audit.records(by="root", limit=500)]


# -- starting a deposit


def test_starting_a_deposit_records_an_order_and_answers_the_gateways_link(
    app: App, payments: Payments
) -> None:
    link = payments.start_deposit("alice", Money.parse("1,000.50"))

    assert link.order_id.startswith("pay-")
    assert link.url == f"https://bank.example/checkout/{link.order_id}"
    order = payments.order(link.order_id)
    assert (order.customer_id, order.amount, order.currency) == ("alice", 100_050, "CNY")
    assert (order.provider, order.status, order.transaction_id) == ("bank", OrderStatus.CREATED, "")
    assert audit_actions(app)[-1] == "payment.order"


def test_a_deposit_through_a_named_provider_uses_its_link(payments: Payments) -> None:
    link = payments.start_deposit("alice", cny(5), provider="sandbox")

    assert link.url.startswith(f"https://pay.example.com/sandbox/pay/{link.order_id}?token=")
    assert payments.order(link.order_id).provider == "sandbox"


@pytest.mark.parametrize(
    "amount",
    [Money(0, CNY), Money(-100, CNY), Money(100, USD), 100, Money(10**14 + 1, CNY)],
    ids=["zero", "negative", "another-currency", "not-money", "too-large"],
)
def test_a_deposit_of_anything_but_a_positive_amount_in_the_wallet_currency_is_refused(
    app: App, payments: Payments, amount: object
) -> None:
    before = audit_actions(app)
    with pytest.raises(InvalidInput):
        payments.start_deposit("alice", amount)  # type: ignore[arg-type]

    assert payments.orders("alice") == []
    assert audit_actions(app) == before


def test_a_deposit_for_an_unknown_customer_is_refused_and_records_nothing(payments: Payments) -> None:
    with pytest.raises(NotFound):
        payments.start_deposit("nobody", cny(1))

    assert payments.orders("nobody") == []


def test_a_deposit_through_an_unknown_provider_is_refused(payments: Payments) -> None:
    with pytest.raises(InvalidInput, match="unknown payment provider"):
        payments.start_deposit("alice", cny(1), provider="carrier-pigeon")

    assert payments.orders("alice") == []


def test_the_orders_of_a_customer_come_newest_first(payments: Payments, clock: ManualClock) -> None:
    first = start(payments, 1)
    clock.advance(seconds=1)
    second = start(payments, 2)

    assert [o.id for o in payments.orders("alice")] == [second.id, first.id]
    assert [o.id for o in payments.orders("alice", limit=1)] == [second.id]


# -- callbacks


def test_a_signed_callback_credits_the_wallet_marks_the_order_paid_and_tells_the_customer(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    order = start(payments, 100)

    paid = payments.confirm("bank", *callback(order, clock))

    assert (paid.status, paid.transaction_id, paid.paid_at) == (
        OrderStatus.PAID,
        "BANK-T-1",
        to_micros(clock.now()),
    )
    assert payments.order(order.id) == paid
    assert balance(app) == cny(100)
    assert ["Your deposit of ¥100.00 has been credited." in n.text for n in told(app)] == [True]
    assert audit_actions(app)[-1] == "payment.paid"


def test_the_deposit_is_credited_under_the_order_id_so_it_can_never_be_credited_twice(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    order = start(payments, 100)
    payments.confirm("bank", *callback(order, clock))

    again = app.wallets.confirm_deposit("alice", gateway="bank", transaction_id=order.id, amount=cny(100))

    assert again.duplicate
    assert again.transfer.id == f"deposit:bank:{order.id}"
    assert balance(app) == cny(100)


def test_a_repeated_callback_is_acknowledged_and_credits_once(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    order = start(payments, 100)
    first = payments.confirm("bank", *callback(order, clock))
    clock.advance(seconds=30)

    again = payments.confirm("bank", *callback(order, clock))

    assert again == first
    assert balance(app) == cny(100)
    assert len(told(app)) == 1
    assert audit_actions(app).count("payment.paid") == 1


def test_twenty_concurrent_identical_callbacks_credit_once(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    order = start(payments, 100)
    headers, body = callback(order, clock)
    gate = threading.Barrier(20)

    def deliver() -> PaymentOrder:
        gate.wait()
        return payments.confirm("bank", headers, body)

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = [f.result() for f in [pool.submit(deliver) for _ in range(20)]]

    assert {(a.id, a.status, a.transaction_id) for a in answers} == {(order.id, OrderStatus.PAID, "BANK-T-1")}
    assert balance(app) == cny(100)
    assert app.ledger.audit().transfers == 1
    assert len(told(app)) == 1
    assert audit_actions(app).count("payment.paid") == 1


def test_a_callback_for_another_amount_holds_the_order_and_credits_nothing(
    app: App, payments: Payments, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    order = start(payments, 100)

    marked = payments.confirm("bank", *callback(order, clock, amount=1_000_000))

    assert (marked.status, marked.transaction_id, marked.reported_amount) == (
        OrderStatus.MISMATCHED,
        "BANK-T-1",
        1_000_000,
    )
    assert payments.order(order.id) == marked
    assert balance(app) == Money(0, CNY)
    assert [n.text.startswith(f"Your deposit order {order.id} was for ¥100.00") for n in told(app)] == [True]
    assert audit_actions(app)[-1] == "payment.mismatch"
    assert "marked mismatched" in caplog.text
    assert SECRET not in caplog.text


def test_a_callback_in_another_currency_is_a_mismatch_too(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    order = start(payments, 100)

    marked = payments.confirm("bank", *callback(order, clock, currency="USD"))

    assert (marked.status, marked.reported_currency) == (OrderStatus.MISMATCHED, "USD")
    assert balance(app) == Money(0, CNY)


@pytest.mark.parametrize("repeat_amount", [1_000_000, None], ids=["same-wrong-amount", "right-amount"])
def test_a_held_order_credits_nothing_whatever_comes_next(
    app: App, payments: Payments, clock: ManualClock, repeat_amount: int | None
) -> None:
    order = start(payments, 100)
    payments.confirm("bank", *callback(order, clock, amount=1_000_000))

    again = payments.confirm("bank", *callback(order, clock, amount=repeat_amount, transaction="BANK-T-2"))

    assert payments.order(order.id) == again
    assert (again.status, again.transaction_id) == (OrderStatus.MISMATCHED, "BANK-T-2")
    assert balance(app) == Money(0, CNY)
    assert audit_actions(app).count("payment.mismatch") == 1
    assert audit_actions(app)[-1] == "payment.report"


def test_a_repeated_callback_of_a_paid_order_with_another_amount_is_refused_and_changes_nothing(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    order = start(payments, 100)
    paid = payments.confirm("bank", *callback(order, clock))

    with pytest.raises(DepositMismatch):
        payments.confirm("bank", *callback(order, clock, amount=99))

    assert payments.order(order.id) == paid
    assert balance(app) == cny(100)


def test_a_paid_order_paid_again_by_another_transaction_is_refused_and_credits_once(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    order = start(payments, 100)
    paid = payments.confirm("bank", *callback(order, clock))

    with pytest.raises(AlreadyDecided):
        payments.confirm("bank", *callback(order, clock, transaction="BANK-T-2"))

    assert payments.order(order.id) == paid
    assert balance(app) == cny(100)


def test_a_callback_for_an_unknown_order_is_not_found_and_changes_nothing(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    before = audit_actions(app)
    with pytest.raises(NotFound):
        payments.confirm("bank", *callback("pay-0000000000", clock))

    assert audit_actions(app) == before
    assert app.ledger.audit().transfers == 0


def test_a_callback_for_an_order_of_another_provider_is_not_found(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    link = payments.start_deposit("alice", cny(100), provider="sandbox")
    order = payments.order(link.order_id)

    with pytest.raises(NotFound):
        payments.confirm("bank", *callback(order, clock))

    assert payments.order(order.id).status is OrderStatus.CREATED
    assert balance(app) == Money(0, CNY)


def test_a_callback_from_an_unknown_provider_is_not_found(payments: Payments, clock: ManualClock) -> None:
    order = start(payments)
    with pytest.raises(NotFound):
        payments.confirm("carrier-pigeon", *callback(order, clock))


# -- forged, stale and malformed callbacks change nothing


def _unsigned(headers: dict[str, str], body: bytes) -> tuple[dict[str, str], bytes]:
    return {"Content-Type": "application/json"}, body


def _no_signature(headers: dict[str, str], body: bytes) -> tuple[dict[str, str], bytes]:
    return {k: v for k, v in headers.items() if k != "X-P2PStock-Signature"}, body


def _tampered_body(headers: dict[str, str], body: bytes) -> tuple[dict[str, str], bytes]:
    fields = json.loads(body)
    return headers, callback_body(PaymentCallback(fields["order_id"], "BANK-T-9", fields["amount"], "CNY"))


def _garbled_signature(headers: dict[str, str], body: bytes) -> tuple[dict[str, str], bytes]:
    return {**headers, "X-P2PStock-Signature": "not-hex-at-all"}, body


def _flipped_signature(headers: dict[str, str], body: bytes) -> tuple[dict[str, str], bytes]:
    signature = headers["X-P2PStock-Signature"]
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    return {**headers, "X-P2PStock-Signature": flipped}, body


def _moved_timestamp(headers: dict[str, str], body: bytes) -> tuple[dict[str, str], bytes]:
    return {**headers, "X-P2PStock-Timestamp": str(int(headers["X-P2PStock-Timestamp"]) + 1)}, body


FORGERIES = {
    "unsigned": _unsigned,
    "no-signature": _no_signature,
    "tampered-body": _tampered_body,
    "garbled-signature": _garbled_signature,
    "flipped-signature": _flipped_signature,
    "moved-timestamp": _moved_timestamp,
}


@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_forged_callback_is_invalid_and_changes_nothing(
    app: App, payments: Payments, clock: ManualClock, forge: object
) -> None:
    order = start(payments, 100)
    before = audit_actions(app)

    with pytest.raises(InvalidCallback):
        payments.confirm("bank", *forge(*callback(order, clock)))  # type: ignore[operator]

    assert payments.order(order.id) == order
    assert balance(app) == Money(0, CNY)
    assert audit_actions(app) == before


def test_a_callback_signed_with_another_secret_is_invalid(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    order = start(payments, 100)
    with pytest.raises(InvalidCallback):
        payments.confirm("bank", *callback(order, clock, secret="guessed"))

    assert payments.order(order.id) == order


@pytest.mark.parametrize("offset", [-301, 301, -86_400], ids=["stale", "from-the-future", "a-day-old"])
def test_a_callback_signed_more_than_five_minutes_from_now_is_invalid_and_changes_nothing(
    app: App, payments: Payments, clock: ManualClock, offset: int
) -> None:
    order = start(payments, 100)
    with pytest.raises(InvalidCallback, match="timestamp"):
        payments.confirm("bank", *callback(order, clock, at=seconds(clock) + offset))

    assert payments.order(order.id) == order
    assert balance(app) == Money(0, CNY)


@pytest.mark.parametrize("offset", [-300, 300])
def test_a_callback_signed_within_five_minutes_either_way_is_accepted(
    app: App, payments: Payments, clock: ManualClock, offset: int
) -> None:
    order = start(payments, 100)
    payments.confirm("bank", *callback(order, clock, at=seconds(clock) + offset))

    assert balance(app) == cny(100)


def test_a_replayed_callback_past_the_tolerance_is_refused_even_though_it_was_genuine(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    order = start(payments, 100)
    captured = callback(order, clock)
    clock.advance(minutes=6)

    with pytest.raises(InvalidCallback):
        payments.confirm("bank", *captured)


@pytest.mark.parametrize(
    "fields",
    [
        {"order_id": "X", "transaction_id": "T", "amount": 100.0, "currency": "CNY"},
        {"order_id": "X", "transaction_id": "T", "amount": True, "currency": "CNY"},
        {"order_id": "X", "transaction_id": "T", "amount": "100", "currency": "CNY"},
        {"order_id": "X", "transaction_id": "T", "amount": 0, "currency": "CNY"},
        {"order_id": "X", "transaction_id": "T", "amount": -5, "currency": "CNY"},
        {"order_id": "X", "transaction_id": "T", "currency": "CNY"},
        {"order_id": "X", "transaction_id": "T", "amount": 100, "currency": "CNY", "extra": 1},
        {"order_id": "X", "transaction_id": "", "amount": 100, "currency": "CNY"},
        {"order_id": "X", "transaction_id": "T", "amount": 100, "currency": "cny"},
        {"order_id": "X", "transaction_id": "a b", "amount": 100, "currency": "CNY"},
        ["X", "T", 100, "CNY"],
    ],
    ids=[
        "float",
        "bool",
        "text-amount",
        "zero",
        "negative",
        "missing-amount",
        "extra-field",
        "empty-transaction",
        "lowercase-currency",
        "space-in-id",
        "not-an-object",
    ],
)
def test_a_correctly_signed_but_malformed_body_is_invalid_and_changes_nothing(
    app: App, payments: Payments, clock: ManualClock, fields: object
) -> None:
    order = start(payments, 100)
    if isinstance(fields, dict):
        fields["order_id"] = order.id
    body = json.dumps(fields).encode()

    with pytest.raises(InvalidCallback):
        payments.confirm("bank", sign(SECRET, seconds(clock), body), body)

    assert payments.order(order.id) == order
    assert balance(app) == Money(0, CNY)


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"\xff\xfe", b'{"order_id": "a", "order_id": "b"}', b"[" * 100_000],
    ids=["empty", "text", "not-utf8", "repeated-field", "too-deep-or-too-large"],
)
def test_a_correctly_signed_body_that_is_not_the_agreed_json_is_invalid(
    payments: Payments, clock: ManualClock, body: bytes
) -> None:
    with pytest.raises(InvalidCallback):
        payments.confirm("bank", sign(SECRET, seconds(clock), body), body)


def test_header_names_are_matched_whatever_their_case(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    order = start(payments, 100)
    headers, body = callback(order, clock)

    payments.confirm("bank", {k.lower(): v for k, v in headers.items()}, body)

    assert balance(app) == cny(100)


def test_the_gateway_secret_never_appears_in_a_repr_or_an_error(
    payments: Payments, bank: SignedCallbackGateway, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    order = start(payments, 100)
    errors: list[str] = []
    for forge in FORGERIES.values():
        try:
            payments.confirm("bank", *forge(*callback(order, clock)))
        except InvalidCallback as error:
            errors.append(str(error))

    assert len(errors) == len(FORGERIES)
    for shown in [repr(bank), repr(payments), caplog.text, *errors]:
        assert SECRET not in shown


def test_a_signed_gateway_without_a_secret_cannot_be_built() -> None:
    with pytest.raises(InvalidInput, match="P2PSTOCK_PAYMENT_SECRET"):
        SignedCallbackGateway("bank", "", "https://bank.example/checkout")


# -- the sandbox


def test_the_sandbox_pays_an_order_in_full_through_its_signed_callback(
    app: App, payments: Payments, sandbox: SandboxGateway, clock: ManualClock
) -> None:
    link = payments.start_deposit("alice", cny(42), provider="sandbox")
    order = payments.order(link.order_id)

    headers, body = sandbox.pay(order, payments.now())
    paid = payments.confirm("sandbox", headers, body)
    again = payments.confirm("sandbox", *sandbox.pay(order, payments.now()))

    assert json.loads(body) == {
        "order_id": order.id,
        "transaction_id": f"sandbox-{order.id}",
        "amount": 4_200,
        "currency": "CNY",
    }
    assert again == paid
    assert paid.status is OrderStatus.PAID
    assert balance(app) == cny(42)


@pytest.mark.parametrize(
    "production",
    [
        {"telegram_token": "4242:real-bot"},
        {"public_url": "https://pay.example.com"},
        {"public_url": "HTTPS://pay.example.com"},
    ],
    ids=["bot-token", "https-url", "https-url-upper-case"],
)
def test_the_sandbox_refuses_to_start_in_a_production_configuration_unless_allowed(
    production: dict[str, str],
) -> None:
    settings = Settings(**production)  # type: ignore[arg-type]
    pm = build_plugin_manager(settings, load_entry_points=False)

    with pytest.raises(InvalidInput, match="P2PSTOCK_ALLOW_SANDBOX=true"):
        payment_gateway(pm, settings)


def test_the_sandbox_warns_at_warning_level_whenever_it_runs(caplog: pytest.LogCaptureFixture) -> None:
    for settings in (Settings(), Settings(telegram_token="4242:test-bot", allow_sandbox=True)):
        caplog.clear()
        pm = build_plugin_manager(settings, load_entry_points=False)

        with caplog.at_level(logging.WARNING):
            assert isinstance(payment_gateway(pm, settings), SandboxGateway)

        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        (warning,) = [message for message in warnings if "sandbox" in message]
        assert "without any money" in warning


def test_the_builtin_plugin_offers_the_sandbox_at_the_public_url_signed_with_the_payment_secret(
    clock: ManualClock,
) -> None:
    settings = Settings(public_url="https://pay.example.com", payment_secret=SECRET, allow_sandbox=True)
    pm = build_plugin_manager(settings, load_entry_points=False)

    gateway = payment_gateway(pm, settings)

    assert "sandbox" in payment_providers(pm)
    assert isinstance(gateway, SandboxGateway)
    assert gateway.name == "sandbox"
    assert gateway.callback_url == "https://pay.example.com/payments/sandbox/callback"
    order = PaymentOrder("pay-1", "alice", 100, "CNY", "sandbox", 0)
    assert (
        gateway.payment_link(order).url
        == f"https://pay.example.com/sandbox/pay/pay-1?token={gateway.page_token(order)}"
    )
    now = to_micros(clock.now())
    body = callback_body(PaymentCallback("pay-1", "T-1", 100, "CNY"))
    assert gateway.verify_callback(sign(SECRET, now // 1_000_000, body), body, now).order_id == "pay-1"
    assert SECRET not in repr(gateway)


def test_without_a_payment_secret_the_sandbox_signs_with_a_random_key_of_this_process(
    clock: ManualClock,
) -> None:
    settings = Settings()
    gateway = payment_gateway(build_plugin_manager(settings, load_entry_points=False), settings)
    now = to_micros(clock.now())
    order = PaymentOrder("pay-1", "alice", 100, "CNY", "sandbox", 0)

    assert gateway.verify_callback(*gateway.pay(order, now), now).amount == 100  # type: ignore[attr-defined]
    body = callback_body(PaymentCallback("pay-1", "T-1", 100, "CNY"))
    with pytest.raises(InvalidCallback):
        gateway.verify_callback(sign("guess", now // 1_000_000, body), body, now)
    assert len(process_secret()) == 64
    assert process_secret() == process_secret()


def test_an_unknown_payment_provider_in_the_settings_is_refused_naming_the_known_ones() -> None:
    settings = Settings(payment_provider="carrier-pigeon")
    with pytest.raises(InvalidInput, match="sandbox"):
        payment_gateway(build_plugin_manager(settings, load_entry_points=False), settings)


def test_payments_refuse_a_default_provider_they_do_not_have(app: App, bank: SignedCallbackGateway) -> None:
    with pytest.raises(InvalidInput, match="unknown payment provider"):
        Payments(app.office, app.wallets, {"bank": bank}, "sandbox")


def test_a_stale_clock_on_the_gateway_side_is_reported_without_the_body(
    payments: Payments, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    order = start(payments, 100)
    headers, body = callback(order, clock, at=seconds(clock) - 3_600)
    clock.advance(timedelta(seconds=1))

    with pytest.raises(InvalidCallback):
        payments.confirm("bank", headers, body)

    assert "refused" in caplog.text
    assert order.id not in caplog.text
    assert headers["X-P2PStock-Signature"] not in caplog.text
