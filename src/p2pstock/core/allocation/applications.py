"""Applying for an allocation and paying for it, component by component.

A term the trading calendar cannot count (it needs a year nobody has published yet) is refused when the
customer applies and before each payment, so money is never frozen for an allocation that cannot start
(``terms.require_countable``). A free-trial product is refused to a customer who has had their trial
(``trials.require_unused``).

Each component (deposit, risk fund, prepaid fee) is paid from the wallet's available balance and frozen at
once as a ledger hold named after the allocation and the component, so paying twice freezes once. An
application not fully paid by its deadline is cancelled by ``p2pstock jobs run``; the customer may cancel
it until an administrator has phoned them. Cancelling releases every hold.
"""

from __future__ import annotations

import attrs

from p2pstock.core.acknowledging import acknowledged
from p2pstock.core.allocation import terms, trials
from p2pstock.core.allocation.allocations import Allocation, Hold, Status
from p2pstock.core.allocation.desk import Desk
from p2pstock.core.allocation.products import Component
from p2pstock.core.backoffice import SYSTEM, Tx
from p2pstock.core.errors import (
    IdempotencyConflict,
    InvalidInput,
    NotFound,
    Refused,
)
from p2pstock.core.identifiers import record_id
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.service import wallet_short
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.money import Money
from p2pstock.core.papers import ALLOCATION_RISK
from p2pstock.core.people.customers import KycStatus

HOLD_CODES = {
    Component.DEPOSIT: codes.ALLOCATION_DEPOSIT,
    Component.RISK_FUND: codes.ALLOCATION_RISK_FUND,
    Component.PREPAID_FEE: codes.ALLOCATION_PREPAID_FEE,
}


def hold_id(allocation_id: str, component: Component) -> str:
    return f"alloc:{allocation_id}:{component.value}"


def allocation_id(customer_id: str, request_id: str | None) -> str:
    """A new allocation's id: named by the caller's request id (so that applying again answers the same
    allocation), or random."""
    return record_id("a", customer_id, request_id, digits=11)


def apply(
    desk: Desk,
    tx: Tx,
    customer_id: str,
    product_code: str,
    *,
    deposit: int,
    leverage: int,
    term: int,
    request_id: str | None = None,
) -> Allocation:
    new_id = allocation_id(customer_id, request_id)
    known = tx.uow.allocations.get(new_id)
    if known is not None:
        asked = (customer_id, product_code, deposit, leverage, term)
        if (known.customer_id, known.product.code, known.deposit, known.leverage, known.term) != asked:
            raise IdempotencyConflict(
                f"request {request_id} was used for another application", code="request_reused"
            )
        return known
    customer = tx.uow.customers.get(customer_id)
    if customer is None:
        raise NotFound(f"no customer {customer_id}", code="customer_not_found", customer=customer_id)
    if customer.status is not KycStatus.VERIFIED:
        raise Refused("verify your identity before applying for an allocation", code="verify_identity_first")
    if not acknowledged(tx, customer.id, ALLOCATION_RISK):
        raise Refused(
            "read and accept the allocation agreement and risk disclosure before applying",
            code="allocation_risk_first",
        )
    entry = tx.uow.products.latest(product_code)
    if entry is None or not entry.offered:
        raise NotFound(f"no product {product_code} on offer", code="product_not_found", product=product_code)
    product = entry.product
    quote = product.quote(deposit, leverage, term)
    terms.require_countable(desk, tx, product, term)
    if product.trial:
        trials.require_unused(tx, customer_id)  # once per customer (``trials.py``)
    allocation = Allocation(
        id=new_id,
        customer_id=customer_id,
        product=product,
        deposit=deposit,
        leverage=leverage,
        term=term,
        allocated=quote.allocated,
        fee_per_period=quote.fee_per_period,
        due=quote.due,
        created_at=tx.now,
        deadline=tx.now + product.payment_deadline_minutes * 60_000_000,
    )
    tx.uow.allocations.add(allocation)
    desk.open_accounts(tx, allocation)
    desk.event(tx, allocation.id, "applied", customer_id, product=f"{product.code}@{product.version}")
    tx.audit(customer_id, "allocation.apply", allocation.id, after={"allocated": quote.allocated})
    tx.tell(customer, "allocation.applied", id=allocation.id, amount=Money(quote.total_due))
    return allocation


def pay(desk: Desk, tx: Tx, allocation_id: str, component: Component, customer_id: str) -> Allocation:
    """Freeze ``component`` from the wallet; paying a paid component again changes nothing."""
    allocation = _own(desk, tx, allocation_id, customer_id)
    if component in allocation.holds:
        return allocation
    allocation.require(Status.APPLIED, Status.PARTIALLY_PAID)
    if component not in allocation.due:
        raise InvalidInput(
            f"this allocation has no {component.value.replace('_', ' ')} to pay", code="nothing_to_pay"
        )
    if tx.now >= allocation.deadline:
        raise Refused("the payment deadline has passed", code="payment_deadline_passed")
    terms.require_countable(desk, tx, allocation.product, allocation.term)
    amount = allocation.due[component]
    credit = (
        chart.fee_income().id
        if component is Component.PREPAID_FEE
        else chart.allocation_account_id(allocation.id)
    )
    hold = Transfer.pending(
        hold_id(allocation.id, component),
        debit=chart.wallet_id(allocation.customer_id),
        credit=credit,
        amount=amount,
        code=HOLD_CODES[component],
        reference=allocation.id,
    )
    desk.move(tx, [hold], short=wallet_short(amount))
    holds = {**allocation.holds, component: Hold(hold.id, amount)}
    paid = attrs.evolve(allocation, holds=holds)
    paid = attrs.evolve(paid, status=Status.PARTIALLY_PAID if paid.outstanding else Status.UNDER_REVIEW)
    saved = desk.change(
        tx, allocation, paid, actor=customer_id, kind="paid", component=component.value, amount=amount
    )
    if saved.status is Status.UNDER_REVIEW:
        tx.tell(tx.uow.customers.get(customer_id), "allocation.paid", id=saved.id)
    return saved


def cancel(desk: Desk, tx: Tx, allocation_id: str, customer_id: str) -> Allocation:
    """The customer withdraws the application before an administrator has phoned them."""
    allocation = _own(desk, tx, allocation_id, customer_id)
    if allocation.status is Status.CANCELLED:
        return allocation
    allocation.require(Status.APPLIED, Status.PARTIALLY_PAID, Status.UNDER_REVIEW)
    if allocation.calls:
        raise Refused(
            "the review has started; ask the reviewer to reject the application instead",
            code="review_started",
        )
    return close(
        desk, tx, allocation, Status.CANCELLED, actor=customer_id, reason="cancelled by the customer"
    )


def expire_unpaid(desk: Desk, tx: Tx, limit: int) -> int:
    """Cancel applications whose payment deadline has passed; how many."""
    cancelled = 0
    for allocation in tx.uow.allocations.unpaid_past(tx.now, limit):
        locked = desk.load(tx, allocation.id)
        if locked.status.awaiting_payment and locked.deadline <= tx.now:
            reason = "not paid by the deadline"
            closed = close(desk, tx, locked, Status.CANCELLED, actor=SYSTEM, reason=reason)
            tx.tell(tx.uow.customers.get(closed.customer_id), "allocation.expired", id=closed.id)
            cancelled += 1
    return cancelled


def close(
    desk: Desk, tx: Tx, allocation: Allocation, status: Status, *, actor: str, reason: str
) -> Allocation:
    """Cancel or reject: every hold released."""
    voids = [
        Transfer.void(f"{h.transfer_id}:void", pending_id=h.transfer_id) for h in allocation.holds.values()
    ]
    desk.move(tx, voids)
    closed = attrs.evolve(allocation, status=status, reason=reason)
    return desk.change(tx, allocation, closed, actor=actor, kind=status.value, reason=reason)


def _own(desk: Desk, tx: Tx, allocation_id: str, customer_id: str) -> Allocation:
    allocation = desk.load(tx, allocation_id)
    if allocation.customer_id != customer_id:
        raise NotFound(
            f"no allocation {allocation_id}", code="allocation_not_found", allocation=allocation_id
        )
    return allocation
