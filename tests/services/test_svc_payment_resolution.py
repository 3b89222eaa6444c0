"""Service tests of held payments: a correctly signed callback for another amount holds its order, the
gateway is answered so that it stops, the customer and the administrators holding ``payment.resolve`` are
told once, and two administrators resolve it — crediting what arrived, or recording its refund through the
gateway — at most once, however often or however simultaneously they ask."""

from __future__ import annotations

import pytest
from racing import at_once

from p2pstock.adapters.clock import ManualClock
from p2pstock.adapters.payments import SignedCallbackGateway, callback_body, sign
from p2pstock.bootstrap import App
from p2pstock.core.clock import to_micros
from p2pstock.core.errors import AlreadyDecided, InvalidInput, NotFound, P2PStockError
from p2pstock.core.money import CNY, Money
from p2pstock.core.notifications import Notification
from p2pstock.core.payment_service import Payments
from p2pstock.core.payments import (
    CannotCredit,
    OrderStatus,
    PaymentCallback,
    PaymentOrder,
    ReportChanged,
    Resolution,
    ResolutionWaiting,
)
from p2pstock.core.people.four_eyes import DEFAULT_RULES, ApprovalRequest, ApprovalStatus, MakerCannotCheck
from p2pstock.core.people.permissions import Permission, PermissionDenied

SECRET = "whsec-test-resolution"
ALICE_CHAT = 1001
FINANCE_CHAT = 7001
ROOT_CHAT = 7002
REVIEWER_CHAT = 7003
ORDERED = 10_000
"""Every order here is for ¥100.00."""
ARRIVED = 9_000
"""What the gateway says arrived: ¥90.00."""


@pytest.fixture
def payments(app: App) -> Payments:
    app.customers.register(customer_id="alice", telegram_user_id=ALICE_CHAT, language="en")
    app.wallets.open("alice")
    app.staff.enrol_by_operator("finance-tg", ["finance"], telegram_user_id=FINANCE_CHAT)
    app.staff.enrol_by_operator("root-tg", ["super_admin"], telegram_user_id=ROOT_CHAT)
    app.staff.enrol_by_operator("reviewer-tg", ["reviewer"], telegram_user_id=REVIEWER_CHAT)
    bank = SignedCallbackGateway("bank", SECRET, "https://bank.example/checkout")
    return Payments(app.office, app.wallets, {"bank": bank}, "bank")


def report(
    payments: Payments,
    order: PaymentOrder,
    clock: ManualClock,
    *,
    amount: int = ARRIVED,
    currency: str = "CNY",
    transaction: str = "BANK-T-1",
) -> PaymentOrder:
    """The bank's signed callback for ``order`` reporting ``amount``, applied."""
    body = callback_body(PaymentCallback(order.id, transaction, amount, currency))
    return payments.confirm("bank", sign(SECRET, to_micros(clock.now()) // 1_000_000, body), body)


def held(payments: Payments, clock: ManualClock, **reported: object) -> PaymentOrder:
    """An order of ¥100.00 the bank paid with another amount (¥90.00 unless told)."""
    link = payments.start_deposit("alice", Money(ORDERED, CNY))
    return report(payments, payments.order(link.order_id), clock, **reported)  # type: ignore[arg-type]


def told(app: App, chat: int) -> list[str]:
    """What the chat was sent (in no particular order within one transaction)."""
    found: list[Notification] = app.office.read(lambda tx: tx.uow.outbox.of_recipient(str(chat), 50))
    return [n.text for n in reversed(found)]


def balance(app: App) -> Money:
    return app.wallets.balance("alice").total


def actions(app: App) -> list[str]:
    return [record.action for record in app.audit.records(by="root", limit=500)]


def asked(answer: object) -> ApprovalRequest:
    assert isinstance(answer, ApprovalRequest), answer
    return answer


# -- held


def test_a_callback_for_another_amount_holds_the_order_credits_nothing_and_tells_the_customer_and_finance(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    order = held(payments, clock)

    assert (order.status, order.reported_amount, order.reported_currency) == (
        OrderStatus.MISMATCHED,
        ARRIVED,
        "CNY",
    )
    assert payments.order(order.id) == order
    assert balance(app) == Money(0, CNY)
    assert told(app, ALICE_CHAT) == [
        f"Your deposit order {order.id} was for ¥100.00, but the payment provider reports ¥90.00. Nothing"
        " was credited yet: our finance team will check it and either credit it or return it to you,"
        " and tell you which."
    ]
    staff_text = (
        f"⚠️ 充值订单 {order.id}（客户 alice，渠道 bank）应付 ¥100.00，渠道报告实付 ¥90.00，未入账。"
        "请在 /admin「待处理支付」中入账或退款（需两人复核）。"
    )
    assert (told(app, FINANCE_CHAT), told(app, ROOT_CHAT)) == ([staff_text], [staff_text])
    assert told(app, REVIEWER_CHAT) == []
    assert actions(app)[-1] == "payment.mismatch"


@pytest.mark.parametrize(
    ("amount", "transaction"),
    [(ARRIVED, "BANK-T-1"), (ORDERED, "BANK-T-1"), (ORDERED, "BANK-T-2")],
    ids=["the-same-report", "the-right-amount", "another-transaction"],
)
def test_every_later_callback_of_a_held_order_is_acknowledged_credits_nothing_and_tells_nobody_again(
    app: App, payments: Payments, clock: ManualClock, amount: int, transaction: str
) -> None:
    order = held(payments, clock)
    clock.advance(seconds=30)

    again = report(payments, order, clock, amount=amount, transaction=transaction)

    assert again.status is OrderStatus.MISMATCHED
    assert (again.reported_amount, again.transaction_id) == (amount, transaction)
    assert payments.order(order.id) == again
    assert balance(app) == Money(0, CNY)
    assert (len(told(app, ALICE_CHAT)), len(told(app, FINANCE_CHAT))) == (1, 1)
    assert actions(app).count("payment.mismatch") == 1
    assert actions(app).count("payment.report") == (0 if again == order else 1)


def test_the_held_orders_are_queued_oldest_first_for_those_holding_payment_resolve(
    payments: Payments, clock: ManualClock
) -> None:
    first = held(payments, clock)
    clock.advance(seconds=1)
    second = held(payments, clock, amount=20_000)
    payments.start_deposit("alice", Money(500, CNY))  # never paid: not in the queue

    queue = payments.to_resolve(by="finance-1")

    assert [(entry.order.id, entry.waiting) for entry in queue] == [(first.id, None), (second.id, None)]
    with pytest.raises(PermissionDenied):
        payments.to_resolve(by="reviewer-1")


# -- resolved by two administrators


def test_crediting_what_arrived_waits_for_a_second_administrator_then_credits_it_once(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    order = held(payments, clock)

    request = asked(payments.resolve(order.id, "credit", by="finance-1", reason="bank statement shows ¥90"))

    assert (request.action, request.amount, request.maker_id) == ("payment.credit", ARRIVED, "finance-1")
    assert balance(app) == Money(0, CNY)
    [entry] = payments.to_resolve(by="finance-2")
    assert (entry.waiting, entry.asked) == (request, Resolution.CREDIT)
    with pytest.raises(MakerCannotCheck):
        app.approvals.approve(request.id, by="finance-1")

    app.approvals.approve(request.id, by="finance-2")

    resolved = payments.order(order.id)
    assert (resolved.status, resolved.resolved_by, resolved.approved_by, resolved.reason) == (
        OrderStatus.CREDITED,
        "finance-1",
        "finance-2",
        "bank statement shows ¥90",
    )
    assert balance(app) == Money(ARRIVED, CNY)
    deposit = app.ledger.lookup_transfer(f"deposit:bank:{order.id}")
    assert deposit is not None and deposit.amount == ARRIVED
    assert "Your deposit of ¥90.00 has been credited." in told(app, ALICE_CHAT)
    assert actions(app)[-2:] == ["payment.credit", "approval.approve"]
    assert payments.to_resolve(by="finance-2") == []


def test_a_refund_moves_no_money_records_who_decided_it_and_tells_the_customer_why(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    order = held(payments, clock)
    transfers = app.ledger.audit().transfers

    request = asked(payments.resolve(order.id, Resolution.REFUND, by="root", reason="customer asked for it"))
    app.approvals.approve(request.id, by="finance-2")

    resolved = payments.order(order.id)
    assert (resolved.status, resolved.resolved_by, resolved.approved_by, resolved.reason) == (
        OrderStatus.REFUNDED,
        "root",
        "finance-2",
        "customer asked for it",
    )
    assert balance(app) == Money(0, CNY)
    assert app.ledger.audit().transfers == transfers
    assert (
        f"The payment of ¥90.00 for deposit order {order.id} is being returned to you through the payment"
        " provider; it was not credited to your wallet. Reason: customer asked for it."
    ) in told(app, ALICE_CHAT)
    assert actions(app)[-2:] == ["payment.refund", "approval.approve"]


def test_a_rejected_resolution_leaves_the_order_held_and_it_can_be_asked_for_again(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    order = held(payments, clock)
    request = asked(payments.resolve(order.id, "credit", by="finance-1", reason="looks right"))

    app.approvals.reject(request.id, by="finance-2", reason="the bank shows a refund already")
    again = asked(payments.resolve(order.id, "refund", by="finance-1", reason="the bank refunds it"))

    assert payments.order(order.id).status is OrderStatus.MISMATCHED
    assert again.action == "payment.refund"
    assert balance(app) == Money(0, CNY)


def test_asking_again_answers_the_waiting_request_and_the_other_outcome_is_refused_meanwhile(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    order = held(payments, clock)
    request = asked(payments.resolve(order.id, "credit", by="finance-1", reason="fine"))

    assert payments.resolve(order.id, "credit", by="finance-1", reason="fine") == request
    assert payments.resolve(order.id, "credit", by="root", reason="also fine") == request
    with pytest.raises(ResolutionWaiting):
        payments.resolve(order.id, "refund", by="root", reason="no, refund it")
    assert app.office.read(lambda tx: tx.uow.approvals.pending(10)) == [request]


def test_resolving_again_once_resolved_changes_nothing_and_the_other_outcome_is_already_decided(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    order = held(payments, clock)
    app.approvals.approve(
        asked(payments.resolve(order.id, "credit", by="finance-1", reason="fine")).id, by="finance-2"
    )
    credited = payments.order(order.id)

    assert payments.resolve(order.id, "credit", by="root", reason="again") == credited
    with pytest.raises(AlreadyDecided):
        payments.resolve(order.id, "refund", by="root", reason="refund it instead")
    assert balance(app) == Money(ARRIVED, CNY)
    assert app.ledger.audit().transfers == 1


def test_a_callback_of_a_resolved_order_is_acknowledged_and_changes_nothing(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    order = held(payments, clock)
    app.approvals.approve(
        asked(payments.resolve(order.id, "refund", by="finance-1", reason="refunded")).id, by="finance-2"
    )
    refunded = payments.order(order.id)

    assert report(payments, order, clock, amount=ORDERED, transaction="BANK-T-3") == refunded
    assert payments.order(order.id) == refunded
    assert balance(app) == Money(0, CNY)


def test_a_request_made_before_the_gateway_reported_again_cannot_be_carried_out(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    order = held(payments, clock)
    request = asked(payments.resolve(order.id, "credit", by="finance-1", reason="¥90 arrived"))
    report(payments, order, clock, amount=ORDERED, transaction="BANK-T-2")

    with pytest.raises(ReportChanged):
        app.approvals.approve(request.id, by="finance-2")
    with pytest.raises(ReportChanged):
        payments.resolve(order.id, "credit", by="finance-1", reason="¥100 arrived")

    assert app.approvals.get(request.id).status is ApprovalStatus.PENDING
    app.approvals.reject(request.id, by="finance-2", reason="the bank reported again")
    fresh = asked(payments.resolve(order.id, "credit", by="finance-1", reason="¥100 arrived"))
    app.approvals.approve(fresh.id, by="finance-2")
    assert balance(app) == Money(ORDERED, CNY)


def test_a_payment_in_another_currency_can_only_be_refunded(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    order = held(payments, clock, amount=1_500, currency="USD")
    assert told(app, ALICE_CHAT)[-1].startswith(f"Your deposit order {order.id} was for ¥100.00, but")
    assert "reports $15.00." in told(app, ALICE_CHAT)[-1]

    with pytest.raises(CannotCredit):
        payments.resolve(order.id, "credit", by="finance-1", reason="convert it")
    request = asked(payments.resolve(order.id, "refund", by="finance-1", reason="wrong currency"))

    assert request.amount is None
    app.approvals.approve(request.id, by="finance-2")
    assert payments.order(order.id).status is OrderStatus.REFUNDED
    assert balance(app) == Money(0, CNY)


def test_where_no_four_eyes_rule_covers_payments_the_maker_resolves_at_once(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    app.office.rules = tuple(r for r in DEFAULT_RULES if r.permission is not Permission.PAYMENT_RESOLVE)
    order = held(payments, clock)

    credited = payments.resolve(order.id, "credit", by="finance-1", reason="¥90 arrived")

    assert isinstance(credited, PaymentOrder)
    assert (credited.status, credited.resolved_by, credited.approved_by) == (
        OrderStatus.CREDITED,
        "finance-1",
        "",
    )
    assert balance(app) == Money(ARRIVED, CNY)


# -- refused, changing nothing


@pytest.mark.parametrize("admin", ["reviewer-1", "risk-1", "support-1", "alice", "nobody"])
def test_only_administrators_holding_payment_resolve_may_resolve(
    app: App, payments: Payments, clock: ManualClock, admin: str
) -> None:
    order = held(payments, clock)
    before = actions(app)

    with pytest.raises(PermissionDenied):
        payments.resolve(order.id, "credit", by=admin, reason="mine")

    assert payments.order(order.id) == order
    assert actions(app) == before


@pytest.mark.parametrize(
    ("resolution", "reason"),
    [("write-off", "why not"), ("credit", ""), ("credit", "   "), ("refund", "x" * 501), ("credit", None)],
    ids=["unknown-outcome", "empty-reason", "blank-reason", "too-long-reason", "no-reason"],
)
def test_a_resolution_without_a_known_outcome_or_a_reason_is_refused_and_changes_nothing(
    app: App, payments: Payments, clock: ManualClock, resolution: str, reason: str
) -> None:
    order = held(payments, clock)
    before = actions(app)

    with pytest.raises(InvalidInput):
        payments.resolve(order.id, resolution, by="finance-1", reason=reason)

    assert payments.order(order.id) == order
    assert actions(app) == before


def test_only_a_held_order_can_be_resolved(app: App, payments: Payments, clock: ManualClock) -> None:
    link = payments.start_deposit("alice", Money(ORDERED, CNY))
    unpaid = payments.order(link.order_id)
    with pytest.raises(AlreadyDecided):
        payments.resolve(unpaid.id, "credit", by="finance-1", reason="early")
    paid = report(payments, unpaid, clock, amount=ORDERED)
    with pytest.raises(AlreadyDecided):
        payments.resolve(paid.id, "refund", by="finance-1", reason="late")
    with pytest.raises(NotFound):
        payments.resolve("pay-nothing", "refund", by="finance-1", reason="ghost")

    assert balance(app) == Money(ORDERED, CNY)


# -- racing


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_administrators_racing_to_resolve_and_approve_credit_once(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    order = held(payments, clock)
    makers = ("finance-1", "finance-2", "root", "root-2")

    answers, errors = at_once(4, lambda i: payments.resolve(order.id, "credit", by=makers[i], reason="ok"))

    assert errors == []
    [request] = {asked(answer).id for answer in answers}
    maker = app.approvals.get(request).maker_id
    checkers = [admin for admin in makers if admin != maker]
    approved, refused = at_once(3, lambda i: app.approvals.approve(request, by=checkers[i]))

    assert len(approved) == 1
    assert len(refused) == 2 and all(isinstance(error, P2PStockError) for error in refused)
    assert payments.order(order.id).status is OrderStatus.CREDITED
    assert balance(app) == Money(ARRIVED, CNY)
    assert app.ledger.audit().ok


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_credit_and_a_refund_asked_for_at_once_leave_one_resolution_waiting(
    app: App, payments: Payments, clock: ManualClock
) -> None:
    order = held(payments, clock)
    asks = (("finance-1", "credit"), ("finance-2", "refund"))

    answers, errors = at_once(2, lambda i: payments.resolve(order.id, asks[i][1], by=asks[i][0], reason="x"))

    assert len(answers) == 1
    assert [type(error) for error in errors] == [ResolutionWaiting]
    assert app.office.read(lambda tx: tx.uow.approvals.pending(10)) == [asked(answers[0])]
