"""Deposits paid through a payment gateway: the order a customer pays, and the gateway port.

A customer asks to deposit an amount; ``Payments`` (see ``core/payment_service.py``) records a
``PaymentOrder`` and asks the gateway for a link. The gateway later calls back; the callback is
verified by the gateway adapter, and the order is credited to the wallet exactly once (the wallet's
deposit id is the order id), however often the callback comes.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Protocol

import attrs

from p2pstock.core.errors import AlreadyDecided, P2PStockError


class OrderStatus(enum.StrEnum):
    CREATED = "created"
    PAID = "paid"
    MISMATCHED = "mismatched"
    """The gateway reported another amount than the order's: nothing credited, administrators told."""


class InvalidCallback(P2PStockError):
    """A gateway callback that cannot be trusted (bad or missing signature, stale timestamp, bad body)."""


@attrs.frozen
class PaymentOrder:
    """A deposit a customer asked to pay through ``provider``; ``amount`` in minor units."""

    id: str
    customer_id: str
    amount: int
    currency: str
    provider: str
    created_at: int
    status: OrderStatus = attrs.field(default=OrderStatus.CREATED, converter=OrderStatus)
    transaction_id: str = ""
    """The gateway's own id for the payment, once it called back."""
    paid_at: int | None = None

    def paid(self, transaction_id: str, at: int) -> PaymentOrder:
        if self.status is not OrderStatus.CREATED:
            raise AlreadyDecided(f"payment order {self.id} is already {self.status.value}")
        return attrs.evolve(self, status=OrderStatus.PAID, transaction_id=transaction_id, paid_at=at)

    def mismatched(self, transaction_id: str, at: int) -> PaymentOrder:
        return attrs.evolve(self, status=OrderStatus.MISMATCHED, transaction_id=transaction_id, paid_at=at)


@attrs.frozen
class PaymentLink:
    """Where the payer goes to pay an order."""

    order_id: str
    url: str


@attrs.frozen
class PaymentCallback:
    """What a verified gateway callback says: the order, the gateway's transaction id and the amount paid."""

    order_id: str
    transaction_id: str
    amount: int
    currency: str


class PaymentGateway(Protocol):
    """A payment provider: issues links for orders and verifies its own callbacks."""

    name: str

    def payment_link(self, order: PaymentOrder) -> PaymentLink: ...

    def verify_callback(self, headers: Mapping[str, str], body: bytes, now: int) -> PaymentCallback:
        """The callback's content, if it is authentic; ``InvalidCallback`` otherwise."""
        ...


class PaymentOrderRepository(Protocol):
    def get(self, order_id: str, *, lock: bool = False) -> PaymentOrder | None: ...
    def add(self, order: PaymentOrder) -> None: ...
    def save(self, order: PaymentOrder) -> None: ...
    def of_customer(self, customer_id: str, limit: int) -> list[PaymentOrder]:
        """The customer's orders, newest first."""
        ...


class UiStateRepository(Protocol):
    """Small JSON texts frontends keep between restarts (conversation state), by key."""

    def get(self, key: str) -> str | None: ...
    def put(self, key: str, value: str) -> None: ...
    def delete(self, key: str) -> None: ...
    def items(self, prefix: str) -> dict[str, str]: ...
