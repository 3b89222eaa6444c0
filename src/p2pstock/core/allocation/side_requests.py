"""What a customer may ask for while an allocation runs, each pending until an administrator decides it.

::

    top_up       more margin into the sub-account: raises the assets, not the lines (frozen while pending,
                 and frozen with the deposit once approved)
    extension    more periods: their fees are frozen while pending and become prepaid periods on approval
    profit       cash above 110 % of the initial capital, paid to the wallet on approval
    termination  end the allocation: an administrator then settles it
    expansion    more deposit and so more B at the same leverage, the lines recomputed (the deposit and its
                 risk fund frozen while pending; see ``resizing``)
    reduction    less deposit and so less B, while the assets clear the new lines (``resizing``)
"""

from __future__ import annotations

import enum

import attrs

PROFIT_FLOOR_PCT = 110
"""Profit may be withdrawn only from assets above this share of the initial capital B + D."""


class Kind(enum.StrEnum):
    TOP_UP = "top_up"
    EXTENSION = "extension"
    PROFIT = "profit"
    TERMINATION = "termination"
    EXPANSION = "expansion"
    REDUCTION = "reduction"


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@attrs.frozen
class SideRequest:
    id: str
    allocation_id: str
    customer_id: str
    kind: Kind = attrs.field(converter=Kind)
    amount: int
    """Money asked for or frozen (0 for a termination; the change of the deposit, ΔD, for a resize)."""
    periods: int
    """Extra periods (extensions only)."""
    hold_id: str
    """The ledger hold freezing ``amount`` while pending ("" when nothing is frozen in the wallet)."""
    requested_at: int
    status: RequestStatus = attrs.field(default=RequestStatus.PENDING, converter=RequestStatus)
    decided_by: str = ""
    decided_at: int = 0
    reason: str = ""

    def decided(self, status: RequestStatus, by: str, at: int, reason: str = "") -> SideRequest:
        return attrs.evolve(self, status=status, decided_by=by, decided_at=at, reason=reason)
