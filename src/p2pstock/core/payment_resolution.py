"""Mismatched payment orders: how one is held, and how administrators resolve it (four eyes).

A gateway's signed callback that reports another amount or currency than its order's holds the order
``MISMATCHED``; nothing is credited. The gateway is answered that its callback arrived (there is nothing
for it to retry: the order now waits for people), the customer is told the payment is being checked, and
every administrator holding ``payment.resolve`` who uses the bot is told, once.

An administrator holding ``payment.resolve`` asks for one of two outcomes, with a reason::

    credit   the wallet is credited with what the gateway reported (in the wallets' currency only) by the
             order's own deposit transfer (``deposit:{provider}:{order id}``), which can exist once
    refund   the money goes back to the payer through the gateway, outside p2pstock. Nothing was credited,
             so nothing moves in the ledger: the payment never reached p2pstock's books (the gateway
             clearing account was never debited for it), and booking it in and straight out again would
             leave every balance as it is. The order records the refund, who asked for it, who agreed
             and why; the audit trail keeps the same.

Either waits for a second administrator holding the same permission (an approval request with the action
``payment.credit`` or ``payment.refund`` and the reported amount; the default four-eyes rule), who
approves it — which carries it out — or rejects it. The order is locked while a resolution is asked for
or carried out, so administrators take turns: asking again returns the waiting request, asking for the
other outcome while one waits is refused (``ResolutionWaiting``), and carrying out a resolution of an
order already resolved changes nothing. A request pins the report it was asked about: if the gateway
reports something else meanwhile, it can no longer be carried out (``ReportChanged``).
"""

from __future__ import annotations

import json

import attrs

from p2pstock.core.backoffice import Command, Tx
from p2pstock.core.errors import AlreadyDecided, NotFound
from p2pstock.core.money import Currency, Money, MoneyError
from p2pstock.core.payments import (
    CannotCredit,
    OrderStatus,
    PaymentOrder,
    ReportChanged,
    Resolution,
    ResolutionWaiting,
)
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import Administrator, Permission
from p2pstock.core.validation import check_id
from p2pstock.core.wallet.service import Wallets, deposit_of

ACTIONS = {Resolution.CREDIT: "payment.credit", Resolution.REFUND: "payment.refund"}
"""The approval action of each resolution."""
RESOLUTIONS = {action: resolution for resolution, action in ACTIONS.items()}


@attrs.frozen
class OrderToResolve:
    """A mismatched order in the queue, with the resolution already asked for, if one waits."""

    order: PaymentOrder
    waiting: ApprovalRequest | None = None

    @property
    def asked(self) -> Resolution | None:
        """The resolution waiting for a second administrator."""
        return RESOLUTIONS.get(self.waiting.action) if self.waiting else None

    @property
    def reason(self) -> str:
        """Why the waiting resolution was asked for, in its maker's words."""
        try:
            payload = json.loads(self.waiting.payload) if self.waiting and self.waiting.payload else {}
        except ValueError:
            return ""
        return str(payload.get("reason", "")) if isinstance(payload, dict) else ""


def shown(amount: int, currency: str) -> str:
    """An amount in minor units of ``currency`` as people read it (``¥900.00``); a currency p2pstock does
    not know is shown as its code and minor units."""
    try:
        return str(Money(amount, Currency.of(currency)))
    except MoneyError:
        return f"{amount} {currency} (minor units)"


def hold(tx: Tx, order: PaymentOrder, transaction_id: str, amount: int, currency: str) -> PaymentOrder:
    """Hold ``order``: its gateway reported ``amount`` ``currency``. The customer and the administrators
    who resolve it are told, once (a held order is never held again)."""
    held = order.mismatched(transaction_id, tx.now, amount=amount, currency=currency)
    tx.uow.payments.save(held)
    asked, paid = shown(order.amount, order.currency), shown(amount, currency)
    tx.tell(tx.uow.customers.get(order.customer_id), "payment.held", order=order.id, asked=asked, paid=paid)
    tx.tell_staff(
        Permission.PAYMENT_RESOLVE,
        "payment.held.staff",
        order=order.id,
        customer=order.customer_id,
        provider=order.provider,
        asked=asked,
        paid=paid,
    )
    return held


def queue(tx: Tx, by: str, limit: int) -> list[OrderToResolve]:
    """The mismatched orders, oldest first, each with the resolution waiting for it."""
    tx.admin(by, Permission.PAYMENT_RESOLVE)
    held = tx.uow.payments.with_status(OrderStatus.MISMATCHED, limit)
    return [OrderToResolve(order, waiting_for(tx, order.id)) for order in held]


def entry(tx: Tx, by: str, order_id: str) -> OrderToResolve:
    """The order ``order_id`` (held or not), with the resolution waiting for it."""
    tx.admin(by, Permission.PAYMENT_RESOLVE)
    order = tx.uow.payments.get(check_id(order_id, "order id"))
    if order is None:
        raise NotFound(f"no payment order {order_id}", code="payment_order_not_found", order=order_id)
    return OrderToResolve(order, waiting_for(tx, order.id))


def waiting_for(tx: Tx, order_id: str) -> ApprovalRequest | None:
    """The resolution of ``order_id`` waiting for a second administrator (not yet expired), if any."""
    for action in ACTIONS.values():
        for request in tx.uow.approvals.pending(1, action=action, target=order_id):
            if not request.is_expired(tx.now):
                return request
    return None


def ask(
    tx: Tx, wallets: Wallets, order_id: str, resolution: Resolution, *, by: str, reason: str
) -> PaymentOrder | ApprovalRequest:
    """Resolve ``order_id`` as ``resolution`` for ``by``: done now, or the request waiting for a second
    administrator."""
    order = locked(tx, order_id)
    tx.admin(by, Permission.PAYMENT_RESOLVE)
    if order.status is resolution.status:
        return order  # resolved so already: a double tap
    if order.status is not OrderStatus.MISMATCHED:
        raise AlreadyDecided(
            f"payment order {order.id} is {order.status.value}; there is nothing to resolve",
            code="payment_order_settled",
            order=order.id,
        )
    check_resolution(order, resolution, wallets)
    report = _report(order)
    waiting = waiting_for(tx, order.id)
    if waiting is not None and waiting.action != ACTIONS[resolution]:
        raise ResolutionWaiting(f"another resolution of payment order {order.id} waits for a checker")
    if waiting is not None and not waiting.carries(**report):
        raise ReportChanged(f"the gateway reported again since {waiting.id} was asked for; reject it first")
    credit = order.reported_currency == wallets.currency.code
    command = Command(
        ACTIONS[resolution],
        Permission.PAYMENT_RESOLVE,
        order.id,
        {**report, "reason": reason, "maker": by},
        amount=order.reported_amount if credit else None,
    )
    return tx.act(by, command, PaymentOrder)


def carry_out(tx: Tx, command: Command, admin: Administrator, wallets: Wallets) -> PaymentOrder:
    """The executor of ``payment.credit`` and ``payment.refund``: the resolution asked for, carried out
    with ``admin``'s authority (the checker's, after an approval)."""
    resolution = RESOLUTIONS[command.action]
    order = locked(tx, command.target)
    if order.status is resolution.status:
        return order
    if order.status is not OrderStatus.MISMATCHED:
        raise AlreadyDecided(
            f"payment order {order.id} is already {order.status.value}",
            code="payment_order_decided",
            order=order.id,
        )
    payload = command.payload
    if {name: payload.get(name) for name in ("transaction", "amount", "currency")} != _report(order):
        raise ReportChanged(f"the gateway reported again on payment order {order.id}; ask again")
    check_resolution(order, resolution, wallets)
    maker = str(payload.get("maker") or admin.id)
    resolved = order.resolved(
        resolution,
        by=maker,
        approved_by="" if admin.id == maker else admin.id,
        reason=str(payload.get("reason", "")),
        at=tx.now,
    )
    if resolution is Resolution.CREDIT:
        _credit(tx, order, wallets)
    tx.uow.payments.save(resolved)
    tx.audit(admin.id, command.action, order.id, before=order_state(order), after=order_state(resolved))
    if resolution is Resolution.REFUND:
        tx.tell(
            tx.uow.customers.get(order.customer_id),
            "payment.refunded",
            order=order.id,
            paid=shown(order.reported_amount or 0, order.reported_currency),
            reason=resolved.reason,
        )
    return resolved


def check_resolution(order: PaymentOrder, resolution: Resolution, wallets: Wallets) -> None:
    """Only what arrived in the wallets' currency can be credited."""
    if resolution is Resolution.CREDIT and order.reported_currency != wallets.currency.code:
        raise CannotCredit(
            f"payment order {order.id} was paid in {order.reported_currency}; only a refund can resolve it"
        )


def locked(tx: Tx, order_id: str) -> PaymentOrder:
    order = tx.uow.payments.get(check_id(order_id, "order id"), lock=True)
    if order is None:
        raise NotFound(f"no payment order {order_id}", code="payment_order_not_found", order=order_id)
    return order


def _credit(tx: Tx, order: PaymentOrder, wallets: Wallets) -> None:
    amount = Money(order.reported_amount or 0, wallets.currency)
    outcome = wallets.credit_deposit(
        tx, order.customer_id, gateway=order.provider, transaction_id=order.id, amount=amount
    )
    deposit_of(outcome, order.id)  # raises (and rolls back) unless credited now (or by this very order)


def _report(order: PaymentOrder) -> dict[str, object]:
    """The gateway's report a resolution is asked about."""
    return {
        "transaction": order.transaction_id,
        "amount": order.reported_amount,
        "currency": order.reported_currency,
    }


def order_state(order: PaymentOrder) -> dict[str, object]:
    """What the audit trail keeps of a payment order."""
    state: dict[str, object] = {
        "customer": order.customer_id,
        "amount": order.amount,
        "currency": order.currency,
        "provider": order.provider,
        "status": order.status.value,
        "transaction": order.transaction_id,
    }
    if order.reported_amount is not None:
        state |= {"reported_amount": order.reported_amount, "reported_currency": order.reported_currency}
    if order.resolved_at is not None:
        state |= {"resolved_by": order.resolved_by, "approved_by": order.approved_by, "reason": order.reason}
    return state
