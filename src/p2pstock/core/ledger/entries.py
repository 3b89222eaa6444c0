"""Fund dynamics (资金动态): one entry per change to an account, with the balances after it."""

from __future__ import annotations

import enum

import attrs

from p2pstock.core.ledger.accounts import Balances


class EntryKind(enum.StrEnum):
    """Which kind of transfer changed the account."""

    POSTED = "posted"
    PENDING = "pending"
    POST = "post"
    VOID = "void"
    EXPIRE = "expire"


class Side(enum.StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"


@attrs.frozen
class Entry:
    """One change to one account. ``delta`` is the change to the four totals and ``after`` the totals
    after it, so a statement or a balance at any moment needs no recomputation. ``seq`` orders entries
    (assigned by the storage; 0 before)."""

    transfer_id: str
    account_id: str
    timestamp: int
    day: str
    code: str
    kind: EntryKind
    side: Side
    amount: int
    delta: Balances
    after: Balances
    reference: str = ""
    seq: int = 0

    @property
    def before(self) -> Balances:
        return self.after - self.delta
