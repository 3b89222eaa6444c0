"""The free trial (免息体验): one per customer.

A free-trial product (``Product.trial``) runs the same lifecycle as any daily allocation — payment, review,
start, statuses, settlement — at no fee. A customer may apply for one only while they have no other
allocation of a free-trial product that counts: every one counts except those cancelled or rejected, which
never started (a trial that ran, is running or waits for its payment or review uses the customer's trial).
A customer whose trial was cancelled or rejected may apply for one again.

Two applications by one customer at the same moment give one trial: the check reads the customer's
allocations with the customer's record locked for the transaction (``SELECT … FOR UPDATE`` on PostgreSQL;
SQLite's and the memory store's single writer serialise them already), so the second sees the first.
"""

from __future__ import annotations

from p2pstock.core.allocation.allocations import Allocation, Status
from p2pstock.core.backoffice import Tx
from p2pstock.core.errors import NotFound, Refused

NEVER_STARTED = frozenset({Status.CANCELLED, Status.REJECTED})
"""The statuses of a trial that does not use the customer's free trial."""


def uses_trial(allocation: Allocation) -> bool:
    """Whether ``allocation`` is the customer's free trial (used or on its way)."""
    return allocation.product.trial and allocation.status not in NEVER_STARTED


def require_unused(tx: Tx, customer_id: str) -> None:
    """Refuse (``trial_used``) a customer who has had their free trial; the customer's record stays locked
    until the transaction ends, so that a concurrent application waits and sees this one."""
    if tx.uow.customers.get(customer_id, lock=True) is None:
        raise NotFound(f"no customer {customer_id}", code="customer_not_found", customer=customer_id)
    used = next((a for a in tx.uow.allocations.of_customer(customer_id) if uses_trial(a)), None)
    if used is not None:
        raise Refused(
            f"the free trial is once per customer; yours is allocation {used.id}",
            code="trial_used",
            allocation=used.id,
        )
