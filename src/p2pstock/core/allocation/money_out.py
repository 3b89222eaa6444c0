"""What must hold before money leaves a running allocation's sub-account on a side request (a profit
withdrawal, a reduction) or its size changes (an expansion), when it is asked and again when it is
approved:

- no daily status of it is held for a second administrator (``plausibility``): until it is decided, what
  the sub-account holds is not known, and what may leave is judged on the figures in effect;
- no settlement of it waits for a second administrator: its final assets were entered before, and money
  leaving (or entering) meanwhile would be paid out (or lost) again when it is carried out.
"""

from __future__ import annotations

from p2pstock.core.allocation.allocations import Allocation
from p2pstock.core.allocation.statuses import Review
from p2pstock.core.backoffice import Tx
from p2pstock.core.errors import Refused

SETTLE = "allocation.settle"
"""The four-eyes action of a settlement (``settlement``)."""


def require_known_figures(tx: Tx, allocation: Allocation) -> None:
    held = [s for s in tx.uow.daily_statuses.history(allocation.id) if s.review is Review.HELD]
    if held:
        day = held[0].trade_date
        raise Refused(
            f"the status of {day} waits for a second administrator; decide it first",
            code="status_held",
            day=day,
        )
    if tx.uow.approvals.pending(1, action=SETTLE, target=allocation.id):
        raise Refused(
            "a settlement of this allocation waits for a second administrator", code="settlement_waiting"
        )
