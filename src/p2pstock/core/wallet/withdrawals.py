"""Withdrawal requests: frozen when asked for, paid out when approved, released when rejected."""

from __future__ import annotations

import enum

import attrs


class WithdrawalStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@attrs.frozen
class Withdrawal:
    """A customer's request to take money out of the wallet. ``id`` is the caller's idempotency key."""

    id: str
    customer_id: str
    amount: int
    currency: str
    status: WithdrawalStatus
    requested_at: int
    decided_at: int | None = None
    decided_by: str = ""
    reason: str = ""

    @property
    def hold_id(self) -> str:
        """The pending transfer that freezes the amount."""
        return f"withdrawal:{self.id}"

    def decision_id(self, status: WithdrawalStatus) -> str:
        """The transfer that posts (approved) or voids (rejected) the hold; a namespace of its own, so no
        request id can collide with another request's decision."""
        return f"withdrawal-{status}:{self.id}"

    def decide(self, status: WithdrawalStatus, *, at: int, by: str, reason: str = "") -> Withdrawal:
        return attrs.evolve(self, status=status, decided_at=at, decided_by=by, reason=reason)
