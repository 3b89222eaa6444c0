"""In-memory storage: the same ports as the SQL adapter, for tests, examples and embedders.

One lock serialises units of work (like SQLite's single writer); every write keeps an undo step, so a
unit of work that is not committed leaves nothing behind.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from types import TracebackType
from typing import Self, TypeVar

import attrs

from p2pstock.adapters.memory_allocations import (
    AllocationTables,
    MemoryAllocations,
    MemoryDailyStatuses,
    MemoryEvents,
    MemorySideRequests,
)
from p2pstock.adapters.memory_auto_invest import MemoryAutoInvestRules
from p2pstock.adapters.memory_debt_market import (
    DebtMarketTables,
    MemoryTransferListings,
    MemoryTransferPurchases,
)
from p2pstock.adapters.memory_leases import Lease, MemoryLeases
from p2pstock.adapters.memory_lending import (
    LendingTables,
    MemoryInstallments,
    MemoryInvestments,
    MemoryLoanProducts,
    MemoryLoans,
)
from p2pstock.adapters.memory_papers import MemoryAcknowledgements
from p2pstock.adapters.memory_people import (
    MemoryApprovals,
    MemoryAuditLog,
    MemoryCalendarOverrides,
    MemoryCalendarYears,
    MemoryCustomers,
    MemoryDocuments,
    MemoryNoticeMarks,
    MemoryOutbox,
    MemoryPaymentOrders,
    MemoryPhoneCodes,
    MemoryProducts,
    MemoryStaff,
    MemoryUiState,
    put,
)
from p2pstock.core.allocation.ports import CatalogEntry, DayOverride, YearLoad
from p2pstock.core.audit import AuditRecord
from p2pstock.core.leases import LocalLocks
from p2pstock.core.ledger.accounts import Account, Balances
from p2pstock.core.ledger.activity import OPENING
from p2pstock.core.ledger.entries import Entry, EntryKind
from p2pstock.core.ledger.ports import CodeTotal, DayRange, LedgerChanges, Period
from p2pstock.core.ledger.results import TransferResult
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.lending.auto_invest import AutoInvestRule
from p2pstock.core.notifications import Notification
from p2pstock.core.papers import Acknowledgement
from p2pstock.core.payments import PaymentOrder
from p2pstock.core.people.customers import Customer
from p2pstock.core.people.documents import CustomerDocument
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import Administrator, Role
from p2pstock.core.people.phone_codes import PhoneCodes
from p2pstock.core.wallet.withdrawals import Withdrawal, WithdrawalStatus

V = TypeVar("V")


@attrs.define
class MemoryDatabase:
    """All the tables, as dictionaries."""

    accounts: dict[str, Account] = attrs.Factory(dict)
    transfers: dict[str, Transfer] = attrs.Factory(dict)
    resolutions: dict[str, Transfer] = attrs.Factory(dict)
    failures: dict[str, TransferResult] = attrs.Factory(dict)
    entries: dict[str, list[Entry]] = attrs.Factory(lambda: defaultdict(list))
    withdrawals: dict[str, Withdrawal] = attrs.Factory(dict)
    customers: dict[str, Customer] = attrs.Factory(dict)
    phone_codes: dict[str, PhoneCodes] = attrs.Factory(dict)
    documents: dict[str, CustomerDocument] = attrs.Factory(dict)
    roles: dict[str, Role] = attrs.Factory(dict)
    administrators: dict[str, Administrator] = attrs.Factory(dict)
    approvals: dict[str, ApprovalRequest] = attrs.Factory(dict)
    audit: list[AuditRecord] = attrs.Factory(list)
    outbox: dict[str, Notification] = attrs.Factory(dict)
    payment_orders: dict[str, PaymentOrder] = attrs.Factory(dict)
    ui_state: dict[str, str] = attrs.Factory(dict)
    products: dict[str, CatalogEntry] = attrs.Factory(dict)
    calendar_overrides: dict[str, DayOverride] = attrs.Factory(dict)
    calendar_years: dict[str, YearLoad] = attrs.Factory(dict)
    notice_marks: dict[str, int] = attrs.Factory(dict)
    allocation_tables: AllocationTables = attrs.Factory(AllocationTables)
    lending_tables: LendingTables = attrs.Factory(LendingTables)
    debt_market_tables: DebtMarketTables = attrs.Factory(DebtMarketTables)
    auto_invest_rules: dict[str, AutoInvestRule] = attrs.Factory(dict)
    leases: dict[str, Lease] = attrs.Factory(dict)
    acknowledgements: dict[str, Acknowledgement] = attrs.Factory(dict)
    next_seq: int = 1
    lock: threading.RLock = attrs.Factory(threading.RLock)


class MemoryUnitOfWorkFactory:
    """Opens units of work on one ``MemoryDatabase``."""

    local_locks: LocalLocks | None = None
    """None: a turn is a lease (the memory storage is this process's alone, and its leases are cheap)."""

    def __init__(self, database: MemoryDatabase | None = None) -> None:
        self.database = database or MemoryDatabase()

    def __call__(self, *, readonly: bool = False) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self.database)


class MemoryUnitOfWork:
    def __init__(self, database: MemoryDatabase) -> None:
        self._db = database
        self._undo: list[Callable[[], None]] = []
        self.ledger = MemoryLedgerSession(database, self._undo)
        self.withdrawals = MemoryWithdrawals(database, self._undo)
        self.customers = MemoryCustomers(database.customers, self._undo)
        self.phone_codes = MemoryPhoneCodes(database.phone_codes, self._undo)
        self.documents = MemoryDocuments(database.documents, self._undo)
        self.staff = MemoryStaff(database.roles, database.administrators, self._undo)
        self.approvals = MemoryApprovals(database.approvals, self._undo)
        self.audit = MemoryAuditLog(database.audit, self._undo)
        self.outbox = MemoryOutbox(database.outbox, self._undo)
        self.payments = MemoryPaymentOrders(database.payment_orders, self._undo)
        self.ui_state = MemoryUiState(database.ui_state, self._undo)
        self.products = MemoryProducts(database.products, self._undo)
        self.calendar_overrides = MemoryCalendarOverrides(database.calendar_overrides, self._undo)
        self.calendar_years = MemoryCalendarYears(database.calendar_years, self._undo)
        self.notice_marks = MemoryNoticeMarks(database.notice_marks, self._undo)
        tables = database.allocation_tables
        self.allocations = MemoryAllocations(tables.allocations, tables.statuses, self._undo)
        self.side_requests = MemorySideRequests(tables.side_requests, self._undo)
        self.daily_statuses = MemoryDailyStatuses(tables.statuses, self._undo, tables.statements)
        self.allocation_events = MemoryEvents(tables.events, self._undo)
        lending = database.lending_tables
        self.loan_products = MemoryLoanProducts(lending.products, self._undo)
        self.loans = MemoryLoans(lending.loans, self._undo)
        self.investments = MemoryInvestments(lending.investments, self._undo, database.customers)
        self.installments = MemoryInstallments(lending.installments, self._undo)
        market = database.debt_market_tables
        self.transfer_listings = MemoryTransferListings(market.listings, self._undo)
        self.transfer_purchases = MemoryTransferPurchases(market.purchases, self._undo)
        self.auto_invest_rules = MemoryAutoInvestRules(database.auto_invest_rules, self._undo)
        self.leases = MemoryLeases(database.leases, self._undo)
        self.acknowledgements = MemoryAcknowledgements(database.acknowledgements, self._undo)

    def __enter__(self) -> Self:
        self._db.lock.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            while self._undo:
                self._undo.pop()()
        finally:
            self._db.lock.release()

    def commit(self) -> None:
        self._undo.clear()


class MemoryLedgerSession:
    def __init__(self, database: MemoryDatabase, undo: list[Callable[[], None]]) -> None:
        self._db, self._undo = database, undo

    def lock_accounts(self, ids: Collection[str]) -> dict[str, Account]:
        return self.find_accounts(ids)

    def find_accounts(self, ids: Collection[str]) -> dict[str, Account]:
        return {i: self._db.accounts[i] for i in ids if i in self._db.accounts}

    def insert_accounts(self, accounts: Sequence[Account]) -> None:
        for account in accounts:
            self._put(self._db.accounts, account.id, account)

    def find_transfers(self, ids: Collection[str]) -> dict[str, Transfer]:
        return {i: self._db.transfers[i] for i in ids if i in self._db.transfers}

    def find_failures(self, ids: Collection[str]) -> dict[str, TransferResult]:
        return {i: self._db.failures[i] for i in ids if i in self._db.failures}

    def find_resolutions(self, pending_ids: Collection[str]) -> dict[str, Transfer]:
        return {i: self._db.resolutions[i] for i in pending_ids if i in self._db.resolutions}

    def write(self, changes: LedgerChanges) -> None:
        for account, version in changes.accounts:
            if self._db.accounts[account.id].version != version:
                raise AssertionError(f"account {account.id} changed outside the lock")
            self._put(self._db.accounts, account.id, account)
        for transfer in changes.transfers:
            self._put(self._db.transfers, transfer.id, transfer)
            if transfer.flags.resolves:
                self._put(self._db.resolutions, transfer.pending_id, transfer)
        for transfer_id, result in changes.failures:
            self._put(self._db.failures, transfer_id, result)
        for entry in changes.entries:
            self._append_entry(entry)

    def expired_pending(self, now: int, limit: int) -> list[Transfer]:
        due = (
            t
            for t in self._db.transfers.values()
            if t.is_pending
            and t.expires_at is not None
            and t.expires_at <= now
            and t.id not in self._db.resolutions
        )
        return [t for _, t in zip(range(limit), due, strict=False)]

    def open_holds(self, account_id: str, code_prefix: str = "") -> list[Transfer]:
        return [
            t
            for t in self._db.transfers.values()
            if t.is_pending
            and t.debit_account_id == account_id
            and t.code.startswith(code_prefix)
            and t.id not in self._db.resolutions
        ]

    def entries(self, account_id: str, start: int, end: int, after_seq: int, limit: int) -> list[Entry]:
        rows = (
            e
            for e in self._db.entries.get(account_id, ())
            if e.seq > after_seq and start <= e.timestamp < end
        )
        return [e for _, e in zip(range(limit), rows, strict=False)]

    def movements(self, account_id: str, start: int, end: int, before_seq: int, limit: int) -> list[Entry]:
        rows = (
            e
            for e in reversed(self._db.entries.get(account_id, ()))
            if e.seq < before_seq and start <= e.timestamp < end and e.kind in OPENING
        )
        return [e for _, e in zip(range(limit), rows, strict=False)]

    def last_entry_before(self, account_id: str, moment: int) -> Entry | None:
        earlier = [e for e in self._db.entries.get(account_id, ()) if e.timestamp < moment]
        return earlier[-1] if earlier else None

    def code_totals(self, period: Period, days: DayRange, account_id: str | None) -> list[CodeTotal]:
        width = 10 if period == "day" else 7
        totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        for entry in self._posted_entries(account_id):
            if days.first <= entry.day <= days.last:
                row = totals[(entry.day[:width], entry.code)]
                row[0] += 1
                row[1 if entry.side == "debit" else 2] += entry.amount
        return [
            CodeTotal(p, c, n if account_id else n // 2, d, cr)
            for (p, c), (n, d, cr) in sorted(totals.items())
        ]

    def all_accounts(self) -> Iterable[Account]:
        return list(self._db.accounts.values())

    def all_transfers(self) -> Iterable[Transfer]:
        return list(self._db.transfers.values())

    def entry_sums(self) -> dict[str, tuple[Balances, Balances | None]]:
        sums = {}
        for account_id, entries in self._db.entries.items():
            total = Balances()
            for entry in entries:
                total = total + entry.delta
            sums[account_id] = (total, entries[-1].after if entries else None)
        return sums

    def _posted_entries(self, account_id: str | None) -> Iterable[Entry]:
        lists = [self._db.entries.get(account_id, [])] if account_id else list(self._db.entries.values())
        return (e for entries in lists for e in entries if e.kind in (EntryKind.POSTED, EntryKind.POST))

    def _append_entry(self, entry: Entry) -> None:
        entries = self._db.entries[entry.account_id]
        entries.append(attrs.evolve(entry, seq=self._db.next_seq))
        self._db.next_seq += 1
        self._undo.append(lambda: entries.__delitem__(-1))

    def _put(self, table: dict[str, V], key: str, value: V) -> None:
        put(table, key, value, self._undo)


class MemoryWithdrawals:
    def __init__(self, database: MemoryDatabase, undo: list[Callable[[], None]]) -> None:
        self._db, self._undo = database, undo

    def get(self, withdrawal_id: str) -> Withdrawal | None:
        return self._db.withdrawals.get(withdrawal_id)

    def add(self, withdrawal: Withdrawal) -> None:
        put(self._db.withdrawals, withdrawal.id, withdrawal, self._undo)

    def decide(self, withdrawal: Withdrawal) -> bool:
        stored = self._db.withdrawals.get(withdrawal.id)
        if stored is None or stored.status is not WithdrawalStatus.PENDING:
            return False
        put(self._db.withdrawals, withdrawal.id, withdrawal, self._undo)
        return True

    def list(self, status: WithdrawalStatus | None, limit: int) -> list[Withdrawal]:
        found = [w for w in self._db.withdrawals.values() if status is None or w.status is status]
        return found[:limit]
