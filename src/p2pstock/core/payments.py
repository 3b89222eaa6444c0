"""Deposits paid through a payment gateway: the order a customer pays, and the gateway port.

A customer asks to deposit an amount; ``Payments`` (see ``core/payment_service.py``) records a
``PaymentOrder`` and asks the gateway for a link. The gateway later calls back; the callback is
verified by the gateway adapter, and the order is credited to the wallet exactly once (the wallet's
deposit id is the order id), however often the callback comes.

An order's life::

    CREATED ──callback for its amount──────────► PAID
       │
       └──callback for another amount──► MISMATCHED ──credit what arrived (four eyes)──► CREDITED
                                           (held;     └─refund through the gateway (four eyes)──► REFUNDED
                                            finance told)

A mismatched order keeps what the gateway reported (``reported_amount``, ``reported_currency`` and the
transaction); a later callback that reports something else replaces the report (each one audited), so
the administrators resolve what the gateway said last.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Protocol

import attrs

from p2pstock.core.errors import AlreadyDecided, P2PStockError, Refused


class OrderStatus(enum.StrEnum):
    CREATED = "created"
    PAID = "paid"
    MISMATCHED = "mismatched"
    """The gateway reported another amount than the order's: nothing credited, held for an administrator
    holding ``payment.resolve``."""
    CREDITED = "credited"
    """A mismatched order resolved by crediting what the gateway reported (four eyes)."""
    REFUNDED = "refunded"
    """A mismatched order resolved by returning the money through the gateway, outside p2pstock: nothing
    was ever credited, so no money moves in the ledger; the order records who decided it and why."""


class Resolution(enum.StrEnum):
    """How an administrator resolves a mismatched order."""

    CREDIT = "credit"
    REFUND = "refund"

    @property
    def status(self) -> OrderStatus:
        return OrderStatus.CREDITED if self is Resolution.CREDIT else OrderStatus.REFUNDED


class InvalidCallback(P2PStockError):
    """A gateway callback that cannot be trusted (bad or missing signature, stale timestamp, bad body)."""

    code = "invalid_callback"


class ResolutionWaiting(Refused):
    """Another resolution of this mismatched order waits for a second administrator."""

    code = "resolution_waiting"


class ReportChanged(Refused):
    """The gateway reported again since the resolution was asked for: it must be asked for afresh."""

    code = "report_changed"


class CannotCredit(Refused):
    """The gateway reported another currency than the wallets': only a refund can resolve the order."""

    code = "cannot_credit"


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
    reported_amount: int | None = None
    """What the gateway reported, in minor units of ``reported_currency``, when it disagreed."""
    reported_currency: str = ""
    resolved_by: str = ""
    """The administrator who asked for the resolution of a mismatched order (the maker)."""
    approved_by: str = ""
    """The second administrator who agreed to it (the checker; empty when no four-eyes rule applied)."""
    resolved_at: int | None = None
    reason: str = ""
    """Why the order was resolved as it was, in the maker's words."""

    def paid(self, transaction_id: str, at: int) -> PaymentOrder:
        if self.status is not OrderStatus.CREATED:
            raise AlreadyDecided(
                f"payment order {self.id} is already {self.status.value}",
                code="payment_order_decided",
                order=self.id,
            )
        return attrs.evolve(self, status=OrderStatus.PAID, transaction_id=transaction_id, paid_at=at)

    def mismatched(self, transaction_id: str, at: int, *, amount: int, currency: str) -> PaymentOrder:
        """Held: the gateway's transaction reported ``amount`` ``currency``, not the order's."""
        if self.status is not OrderStatus.CREATED:
            raise AlreadyDecided(
                f"payment order {self.id} is already {self.status.value}",
                code="payment_order_decided",
                order=self.id,
            )
        return attrs.evolve(
            self,
            status=OrderStatus.MISMATCHED,
            transaction_id=transaction_id,
            paid_at=at,
            reported_amount=amount,
            reported_currency=currency,
        )

    def reports(self, transaction_id: str, amount: int, currency: str) -> bool:
        """Whether the gateway's report held on this mismatched order is exactly this one."""
        return (self.transaction_id, self.reported_amount, self.reported_currency) == (
            transaction_id,
            amount,
            currency,
        )

    def reported_again(self, transaction_id: str, at: int, *, amount: int, currency: str) -> PaymentOrder:
        """A mismatched order whose gateway reported something else since: the latest report is kept."""
        if self.status is not OrderStatus.MISMATCHED:
            raise AlreadyDecided(
                f"payment order {self.id} is already {self.status.value}",
                code="payment_order_decided",
                order=self.id,
            )
        return attrs.evolve(
            self,
            transaction_id=transaction_id,
            paid_at=at,
            reported_amount=amount,
            reported_currency=currency,
        )

    def resolved(
        self, resolution: Resolution, *, by: str, approved_by: str, reason: str, at: int
    ) -> PaymentOrder:
        """A mismatched order credited or refunded, by ``by`` with ``approved_by`` as the second pair."""
        if self.status is not OrderStatus.MISMATCHED:
            raise AlreadyDecided(
                f"payment order {self.id} is already {self.status.value}",
                code="payment_order_decided",
                order=self.id,
            )
        return attrs.evolve(
            self,
            status=resolution.status,
            resolved_by=by,
            approved_by=approved_by,
            resolved_at=at,
            reason=reason,
        )


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

    def with_status(self, status: OrderStatus, limit: int) -> list[PaymentOrder]:
        """Orders in ``status``, oldest first (the queue of mismatched orders)."""
        ...


class UiStateRepository(Protocol):
    """Small JSON texts frontends keep between restarts (conversation state), by key."""

    def get(self, key: str) -> str | None: ...
    def put(self, key: str, value: str) -> None: ...
    def delete(self, key: str) -> None: ...
    def items(self, prefix: str) -> dict[str, str]: ...
