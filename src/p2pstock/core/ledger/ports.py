"""What the ledger needs from storage. Adapters implement it; the rules stay in core.

A ``LedgerSession`` lives inside one database transaction (a unit of work). ``lock_accounts`` must hold the
returned accounts against concurrent writers until the transaction ends (``SELECT … FOR UPDATE`` in id
order on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already holds the whole database).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Literal, Protocol

import attrs

from p2pstock.core.ledger.accounts import Account, Balances
from p2pstock.core.ledger.entries import Entry
from p2pstock.core.ledger.results import TransferResult
from p2pstock.core.ledger.transfers import Transfer

Period = Literal["day", "month"]


@attrs.frozen
class LedgerChanges:
    """Everything one batch writes: new account states (with the version they replace), new transfers,
    their entries, and the ids of requests that failed in a way worth remembering."""

    accounts: Sequence[tuple[Account, int]] = ()
    transfers: Sequence[Transfer] = ()
    entries: Sequence[Entry] = ()
    failures: Sequence[tuple[str, TransferResult]] = ()
    day: str = ""
    """The business day of every transfer in the batch."""


@attrs.frozen
class DayRange:
    """Business days ``first`` to ``last`` (inclusive, ISO dates), and the same span as microseconds
    ``[start, end)`` in the platform's time zone."""

    first: str
    last: str
    start: int
    end: int


@attrs.frozen
class CodeTotal:
    """Posted money moved under one code in one period: platform-wide, or on one account."""

    period: str
    code: str
    count: int
    debits: int
    credits: int


class LedgerSession(Protocol):
    """The ledger's view of one open transaction."""

    def lock_accounts(self, ids: Collection[str]) -> dict[str, Account]: ...
    def find_accounts(self, ids: Collection[str]) -> dict[str, Account]: ...
    def insert_accounts(self, accounts: Sequence[Account]) -> None: ...
    def find_transfers(self, ids: Collection[str]) -> dict[str, Transfer]: ...
    def find_failures(self, ids: Collection[str]) -> dict[str, TransferResult]: ...
    def find_resolutions(self, pending_ids: Collection[str]) -> dict[str, Transfer]: ...
    def write(self, changes: LedgerChanges) -> None: ...
    def expired_pending(self, now: int, limit: int) -> list[Transfer]: ...
    def open_holds(self, account_id: str, code_prefix: str = "") -> list[Transfer]: ...
    def entries(self, account_id: str, start: int, end: int, after_seq: int, limit: int) -> list[Entry]: ...
    def movements(self, account_id: str, start: int, end: int, before_seq: int, limit: int) -> list[Entry]:
        """The account's entries that open a movement (posted transfers and holds; not the posts, voids
        and expiries that resolve a hold), newest first, before ``before_seq``."""
        ...

    def last_entry_before(self, account_id: str, moment: int) -> Entry | None: ...
    def code_totals(self, period: Period, days: DayRange, account_id: str | None) -> list[CodeTotal]: ...
    def all_accounts(self) -> Iterable[Account]: ...
    def all_transfers(self) -> Iterable[Transfer]: ...
    def entry_sums(self) -> dict[str, tuple[Balances, Balances | None]]:
        """Per account: the sum of its entries' deltas, and the ``after`` of its last entry."""
        ...
