"""Deposits paid through a payment gateway, from the customer's request to the credited wallet.

::

    Payments.start_deposit(customer, amount)   records a ``PaymentOrder``; answers the gateway's link
    Payments.confirm(provider, headers, body)  a gateway's callback: verified by the gateway, then the
                                               order is credited to the wallet exactly once, or held
    Payments.order(order_id), .orders(customer)
    Payments.to_resolve(by=…), .to_resolve_one  the held (mismatched) orders, for ``payment.resolve``
    Payments.resolve(order, credit|refund, …)  resolve a held order (four eyes; payment_resolution.py)

A callback is handled in one transaction: the order is locked, the wallet credited through the ledger
with the order id as the deposit's transaction id (``deposit:{provider}:{order id}``), and the order
marked paid. However often a gateway repeats its callback, and however many copies arrive at once, the
wallet is credited once. A callback whose amount or currency disagrees with the order holds the order
``mismatched`` (committed and audited, nothing credited; the customer and the administrators holding
``payment.resolve`` told once) and is acknowledged like any callback that arrived: the gateway has nothing
to retry. Later callbacks of a held or resolved order are acknowledged too and credit nothing.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping

import attrs

from p2pstock.core import payment_resolution as resolutions
from p2pstock.core.backoffice import Backoffice, Command, Tx
from p2pstock.core.clock import to_micros
from p2pstock.core.errors import AlreadyDecided, DepositMismatch, InvalidInput, NotFound
from p2pstock.core.money import MAX_MINOR, Money
from p2pstock.core.payment_resolution import OrderToResolve, order_state
from p2pstock.core.payments import (
    InvalidCallback,
    OrderStatus,
    PaymentCallback,
    PaymentGateway,
    PaymentLink,
    PaymentOrder,
    Resolution,
)
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import Administrator
from p2pstock.core.validation import check_id, check_reason
from p2pstock.core.wallet.service import Wallets, deposit_of

log = logging.getLogger(__name__)

MAX_ORDERS = 200
"""The most orders ``orders`` answers at once."""

_CALLBACK_ID = re.compile(r"[A-Za-z0-9_.:@/+=-]{1,120}")


@attrs.frozen
class _Refusal:
    """What a callback transaction answers when it committed a refusal that must be raised afterwards."""

    error: Exception


class Payments:
    """Deposits through payment gateways. ``gateways`` maps a provider name (the one in the callback URL
    ``/payments/{provider}/callback``) to its gateway; ``default_provider`` is the one ``start_deposit``
    uses when none is named."""

    def __init__(
        self,
        office: Backoffice,
        wallets: Wallets,
        gateways: Mapping[str, PaymentGateway],
        default_provider: str,
    ) -> None:
        if default_provider not in gateways:
            known = ", ".join(sorted(gateways)) or "none"
            raise InvalidInput(
                f"unknown payment provider {default_provider!r}; known: {known}",
                code="unknown_provider",
                provider=default_provider,
            )
        self.office = office
        self.wallets = wallets
        self.gateways: Mapping[str, PaymentGateway] = dict(gateways)
        self.default_provider = default_provider
        for action in resolutions.ACTIONS.values():
            office.register(action, self._carry_out)

    def __repr__(self) -> str:
        return f"Payments(providers={sorted(self.gateways)}, default={self.default_provider!r})"

    @property
    def providers(self) -> frozenset[str]:
        """The names of the gateways callbacks may come from."""
        return frozenset(self.gateways)

    def now(self) -> int:
        """The service's time in microseconds: what callback timestamps are checked against."""
        return to_micros(self.office.clock.now())

    # -- the customer's side

    def start_deposit(self, customer_id: str, amount: Money, *, provider: str | None = None) -> PaymentLink:
        """Record an order for ``amount`` and answer where the customer pays it.

        ``amount`` must be positive ``Money`` in the wallets' currency; the customer must exist. The link
        is asked of the gateway after the order is committed, so a gateway that answers slowly holds no
        database lock (an order whose link failed is simply never paid)."""
        name = self.default_provider if provider is None else provider
        gateway = self._gateway(name)
        self._check_amount(amount)
        check_id(customer_id, "customer id")

        def record(tx: Tx) -> PaymentOrder:
            if tx.uow.customers.get(customer_id) is None:
                raise NotFound(f"no customer {customer_id}", code="customer_not_found", customer=customer_id)
            order = PaymentOrder(
                f"pay-{uuid.uuid4().hex[:24]}",
                customer_id,
                amount.minor,
                amount.currency.code,
                name,
                tx.now,
            )
            tx.uow.payments.add(order)
            tx.audit(customer_id, "payment.order", order.id, after=order_state(order))
            return order

        order = self.office.run(record)
        return gateway.payment_link(order)

    def order(self, order_id: str) -> PaymentOrder:
        """The order ``order_id``; ``NotFound`` when there is none."""
        check_id(order_id, "order id")
        order = self.office.read(lambda tx: tx.uow.payments.get(order_id))
        if order is None:
            raise NotFound(f"no payment order {order_id}", code="payment_order_not_found", order=order_id)
        return order

    def orders(self, customer_id: str, limit: int = 20) -> list[PaymentOrder]:
        """The customer's orders, newest first (at most ``limit``, up to ``MAX_ORDERS``)."""
        check_id(customer_id, "customer id")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_ORDERS:
            raise InvalidInput(
                f"limit must be a whole number from 1 to {MAX_ORDERS}", code="limit_invalid", most=MAX_ORDERS
            )
        return self.office.read(lambda tx: tx.uow.payments.of_customer(customer_id, limit))

    # -- the gateway's side

    def confirm(self, provider: str, headers: Mapping[str, str], body: bytes) -> PaymentOrder:
        """Apply a gateway's callback: ``headers`` and the raw ``body`` exactly as they arrived.

        The gateway verifies them first (``InvalidCallback``: nothing changes). Then, in one transaction:
        an unknown order raises ``NotFound``; an order already paid by the same transaction is returned
        as it is (the callback is acknowledged, the wallet was credited once); a callback whose amount or
        currency disagrees with the order holds it (``mismatched``, nothing credited, the customer and the
        administrators holding ``payment.resolve`` told) and returns it; a callback of an order held or
        resolved already is returned the order as it is (a held order keeps the gateway's latest report,
        each new one audited); otherwise the wallet is credited, the order marked paid, audited, and the
        customer told. A paid order reported again with another amount or by another transaction is
        refused (``DepositMismatch``, ``AlreadyDecided``) and changes nothing."""
        gateway = self._gateway(provider, missing=NotFound)
        try:
            callback = gateway.verify_callback(headers, body, self.now())
            _check_callback(callback)
        except InvalidCallback as error:
            log.warning("a %s payment callback was refused: %s", provider, error)
            raise

        def settle(tx: Tx) -> PaymentOrder | _Refusal:
            order = tx.uow.payments.get(callback.order_id, lock=True)
            if order is None or order.provider != provider:
                raise NotFound(
                    f"no {provider} payment order {callback.order_id}",
                    code="payment_order_not_found",
                    order=callback.order_id,
                )
            if order.status is OrderStatus.PAID:
                return _already_paid(order, callback)
            if order.status is OrderStatus.MISMATCHED:
                return _reported_again(tx, order, callback)
            if order.status is not OrderStatus.CREATED:
                log.warning("payment order %s is %s; a callback was acknowledged", order.id, order.status)
                return order
            if (callback.amount, callback.currency) != (order.amount, order.currency):
                return self._mismatch(tx, order, callback)
            return self._credit(tx, order, callback)

        result = self.office.run(settle)
        if isinstance(result, _Refusal):
            raise result.error
        return result

    def _credit(self, tx: Tx, order: PaymentOrder, callback: PaymentCallback) -> PaymentOrder:
        amount = Money(order.amount, self.wallets.currency)
        outcome = self.wallets.credit_deposit(
            tx, order.customer_id, gateway=order.provider, transaction_id=order.id, amount=amount
        )
        deposit_of(outcome, order.id)  # raises (and rolls back) unless credited now or before
        paid = order.paid(callback.transaction_id, tx.now)
        tx.uow.payments.save(paid)
        tx.audit(
            f"gateway:{order.provider}",
            "payment.paid",
            order.id,
            before=order_state(order),
            after=order_state(paid),
        )
        return paid

    def _mismatch(self, tx: Tx, order: PaymentOrder, callback: PaymentCallback) -> PaymentOrder:
        marked = resolutions.hold(tx, order, callback.transaction_id, callback.amount, callback.currency)
        tx.audit(
            f"gateway:{order.provider}",
            "payment.mismatch",
            order.id,
            before=order_state(order),
            after=order_state(marked),
        )
        log.warning(
            "payment order %s: %s reported %d %s for an order of %d %s; marked mismatched, nothing credited",
            order.id,
            order.provider,
            callback.amount,
            callback.currency,
            order.amount,
            order.currency,
        )
        return marked

    # -- the administrators' side: held orders

    def to_resolve(self, *, by: str, limit: int = 50) -> list[OrderToResolve]:
        """The held (mismatched) orders, oldest first, each with the resolution waiting for a second
        administrator, if any; ``by`` must hold ``payment.resolve``."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_ORDERS:
            raise InvalidInput(
                f"limit must be a whole number from 1 to {MAX_ORDERS}", code="limit_invalid", most=MAX_ORDERS
            )
        return self.office.read(lambda tx: resolutions.queue(tx, by, limit))

    def to_resolve_one(self, order_id: str, *, by: str) -> OrderToResolve:
        """The order ``order_id`` (held or not) with the resolution waiting for it, if any; ``by`` must
        hold ``payment.resolve``."""
        return self.office.read(lambda tx: resolutions.entry(tx, by, order_id))

    def resolve(
        self, order_id: str, resolution: Resolution | str, *, by: str, reason: str
    ) -> PaymentOrder | ApprovalRequest:
        """Resolve a held order: ``credit`` the wallet with what the gateway reported, or record its
        ``refund`` through the gateway (nothing credited), saying why. ``by`` must hold ``payment.resolve``;
        the answer is the ``ApprovalRequest`` that waits for a second administrator (four eyes), or the
        order once resolved. Asking again answers the same request; see ``payment_resolution``."""
        how = _resolution(resolution)
        why = check_reason(reason)
        return self.office.run(lambda tx: resolutions.ask(tx, self.wallets, order_id, how, by=by, reason=why))

    def _carry_out(self, tx: Tx, command: Command, admin: Administrator) -> PaymentOrder:
        return resolutions.carry_out(tx, command, admin, self.wallets)

    def _gateway(self, name: str, *, missing: type[Exception] = InvalidInput) -> PaymentGateway:
        gateway = self.gateways.get(name) if isinstance(name, str) else None
        if gateway is None:
            raise missing(f"unknown payment provider {name!r:.40}")
        return gateway

    def _check_amount(self, amount: Money) -> None:
        if not isinstance(amount, Money):
            raise InvalidInput(
                "amount must be Money (use Money.parse for what people type)", code="wrong_type"
            )
        if amount.currency != self.wallets.currency:
            raise InvalidInput(
                f"deposits are in {self.wallets.currency.code}, not {amount.currency.code}",
                code="currency_not_accepted",
                currency=amount.currency.code,
                expected=self.wallets.currency.code,
            )
        if amount.minor <= 0:
            raise InvalidInput("amount must be positive", code="amount_not_positive")
        if amount.minor > MAX_MINOR:
            raise InvalidInput(
                f"amount must be at most {Money(MAX_MINOR, amount.currency)}",
                code="amount_too_large",
                most=Money(MAX_MINOR, amount.currency),
            )


def _reported_again(tx: Tx, order: PaymentOrder, callback: PaymentCallback) -> PaymentOrder:
    """A callback of a held order: acknowledged; a report other than the one held replaces it, audited."""
    if order.reports(callback.transaction_id, callback.amount, callback.currency):
        return order  # the gateway repeating itself
    again = order.reported_again(
        callback.transaction_id, tx.now, amount=callback.amount, currency=callback.currency
    )
    tx.uow.payments.save(again)
    actor = f"gateway:{order.provider}"
    tx.audit(actor, "payment.report", order.id, before=order_state(order), after=order_state(again))
    log.warning("payment order %s: %s reported again on a held order; kept for review", order.id, actor)
    return again


def _resolution(value: Resolution | str) -> Resolution:
    try:
        return Resolution(value)
    except ValueError:
        raise InvalidInput("a payment is resolved by credit or refund", code="resolution_kind") from None


def _already_paid(order: PaymentOrder, callback: PaymentCallback) -> PaymentOrder | _Refusal:
    if order.transaction_id == callback.transaction_id:
        if (callback.amount, callback.currency) == (order.amount, order.currency):
            return order  # a repeated callback: acknowledged, credited once
        log.warning("payment order %s: a repeated callback reports another amount; refused", order.id)
        return _Refusal(DepositMismatch(f"payment order {order.id} was paid with another amount"))
    log.warning("payment order %s: paid again by another %s transaction; refused", order.id, order.provider)
    return _Refusal(
        AlreadyDecided(
            f"payment order {order.id} was already paid by another transaction",
            code="payment_order_paid",
            order=order.id,
        )
    )


def _check_callback(callback: object) -> None:
    """A gateway's answer, checked again: a plugin's gateway must not smuggle odd values into storage."""
    if not isinstance(callback, PaymentCallback):
        raise InvalidCallback("the gateway answered something that is not a PaymentCallback")
    for value, what in ((callback.order_id, "order id"), (callback.transaction_id, "transaction id")):
        if not isinstance(value, str) or not _CALLBACK_ID.fullmatch(value):
            raise InvalidCallback(f"the callback's {what} is malformed")
    amount = callback.amount
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_MINOR:
        raise InvalidCallback("the callback's amount must be a positive whole number of minor units")
    if not isinstance(callback.currency, str) or not re.fullmatch(r"[A-Z]{3}", callback.currency):
        raise InvalidCallback("the callback's currency must be three capital letters")
