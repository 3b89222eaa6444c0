"""Units of work on a SQLAlchemy engine's connection pool: one driver connection and one transaction each.

The pool, dialect and connection settings are SQLAlchemy's; the transaction itself is driven on the
driver connection (``BEGIN IMMEDIATE`` on SQLite; psycopg begins implicitly) because the ledger's hot path
runs plain SQL on the driver's cursor (see ``statements.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, Generic, Self, TypeVar, overload

from sqlalchemy.engine import Engine

from p2pstock.adapters.sql.allocations import SqlAllocations, SqlDailyStatuses, SqlEvents, SqlSideRequests
from p2pstock.adapters.sql.audit import SqlAuditLog
from p2pstock.adapters.sql.auto_invest import SqlAutoInvestRules
from p2pstock.adapters.sql.database import is_database_error, is_disconnect, translate
from p2pstock.adapters.sql.debt_market import SqlTransferListings, SqlTransferPurchases
from p2pstock.adapters.sql.leases import SqlLeases
from p2pstock.adapters.sql.ledger import SqlLedgerSession
from p2pstock.adapters.sql.lending import SqlInstallments, SqlInvestments, SqlLoanProducts, SqlLoans
from p2pstock.adapters.sql.local_locks import local_locks
from p2pstock.adapters.sql.outbox import SqlOutbox
from p2pstock.adapters.sql.papers import SqlAcknowledgements
from p2pstock.adapters.sql.payments import SqlPaymentOrders, SqlUiState
from p2pstock.adapters.sql.people import SqlCustomers, SqlDocuments, SqlPhoneCodes
from p2pstock.adapters.sql.products import (
    SqlCalendarOverrides,
    SqlCalendarYears,
    SqlNoticeMarks,
    SqlProducts,
)
from p2pstock.adapters.sql.staff import SqlApprovals, SqlStaff
from p2pstock.adapters.sql.withdrawals import SqlWithdrawals
from p2pstock.adapters.sql.writers import take, writer_lock

R = TypeVar("R")


class _Repository(Generic[R]):
    """A repository of a unit of work, made on the transaction's cursor the first time it is used in the
    ``with`` block; outside it there is none (``OutsideTheTransaction``)."""

    def __init__(self, kind: Callable[..., R], *, knows_readonly: bool = False) -> None:
        self.kind, self.knows_readonly = kind, knows_readonly

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, uow: None, owner: type) -> _Repository[R]: ...
    @overload
    def __get__(self, uow: SqlUnitOfWork, owner: type | None = None) -> R: ...
    def __get__(self, uow: SqlUnitOfWork | None, owner: type | None = None) -> R | _Repository[R]:
        if uow is None:
            return self
        if uow._cursor is None:
            raise OutsideTheTransaction(f"{self.name} is used outside the unit of work's with-block")
        extra = {"readonly": uow._readonly} if self.knows_readonly else {}
        made = uow.__dict__[self.name] = self.kind(uow._cursor, uow._dialect, **extra)
        return made


class OutsideTheTransaction(AttributeError):
    """A repository asked for before the unit of work's ``with`` block or after it."""


class SqlUnitOfWorkFactory:
    """Opens units of work on ``engine``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.writer_lock = writer_lock(engine)  # SQLite: one writer at a time in the process (writers.py)
        self.local_locks = local_locks(
            engine
        )  # SQLite: a chat's turn is a lock of the machine (local_locks.py)

    def __call__(self, *, readonly: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.dialect, readonly, None if readonly else self.writer_lock)


class SqlUnitOfWork:
    """One transaction on one driver connection; each repository is made on first use (a transaction
    touches two or three of the two dozen)."""

    ledger = _Repository(SqlLedgerSession)
    withdrawals = _Repository(SqlWithdrawals)
    customers = _Repository(SqlCustomers)
    phone_codes = _Repository(SqlPhoneCodes)
    documents = _Repository(SqlDocuments)
    staff = _Repository(SqlStaff)
    approvals = _Repository(SqlApprovals)
    audit = _Repository(SqlAuditLog, knows_readonly=True)
    outbox = _Repository(SqlOutbox)
    payments = _Repository(SqlPaymentOrders)
    ui_state = _Repository(SqlUiState)
    products = _Repository(SqlProducts)
    calendar_overrides = _Repository(SqlCalendarOverrides)
    calendar_years = _Repository(SqlCalendarYears)
    notice_marks = _Repository(SqlNoticeMarks)
    allocations = _Repository(SqlAllocations)
    side_requests = _Repository(SqlSideRequests)
    daily_statuses = _Repository(SqlDailyStatuses)
    allocation_events = _Repository(SqlEvents)
    loan_products = _Repository(SqlLoanProducts)
    loans = _Repository(SqlLoans)
    investments = _Repository(SqlInvestments)
    installments = _Repository(SqlInstallments)
    transfer_listings = _Repository(SqlTransferListings)
    transfer_purchases = _Repository(SqlTransferPurchases)
    auto_invest_rules = _Repository(SqlAutoInvestRules)
    leases = _Repository(SqlLeases)
    acknowledgements = _Repository(SqlAcknowledgements)

    def __init__(
        self, engine: Engine, dialect: str, readonly: bool, writer_lock: threading.Lock | None = None
    ) -> None:
        self._engine, self._dialect, self._readonly = engine, dialect, readonly
        self._connection: Any = None
        self._cursor: Any = None
        self._entered = False
        self._writer_lock = writer_lock
        self._held: threading.Lock | None = None

    def __enter__(self) -> Self:
        if self._entered:
            raise RuntimeError("a unit of work is entered once")
        self._entered = True
        try:
            self._connection = self._engine.raw_connection()
            cursor = self._connection.cursor()
            if self._writer_lock is not None:
                take(self._writer_lock)
                self._held = self._writer_lock
            if self._dialect == "sqlite":
                cursor.execute("BEGIN" if self._readonly else "BEGIN IMMEDIATE")
        except BaseException as error:  # an interrupted begin leaves neither the connection nor the lock held
            self._release(error)
            if is_database_error(error):
                raise translate(error) from error
            raise
        self._cursor = cursor
        return self

    def commit(self) -> None:
        if self._connection is None:
            raise RuntimeError("commit() outside the unit of work's with-block")
        self._connection.commit()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._release(exc)
        if exc is not None and is_database_error(exc):
            raise translate(exc) from exc

    def _release(self, error: BaseException | None) -> None:
        """Roll back whatever was not committed, hand the connection back (or drop it if it broke) and let
        the next writer of the process in."""
        connection, self._connection, self._cursor = self._connection, None, None
        for name in _REPOSITORIES.intersection(self.__dict__):
            del self.__dict__[name]  # made on this transaction's cursor: no use after it
        if connection is None:
            return
        try:
            if error is not None and is_disconnect(error):
                connection.invalidate()
                return
            connection.rollback()  # nothing to undo after a commit
        except Exception as rollback_error:
            if not is_database_error(rollback_error):
                raise
            connection.invalidate()  # a connection that cannot roll back is not handed out again
        finally:
            self._let_writers_in()  # the transaction is over: the next writer need not wait for the pool
            connection.close()

    def _let_writers_in(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            held.release()


_REPOSITORIES = frozenset(
    name for name, value in vars(SqlUnitOfWork).items() if isinstance(value, _Repository)
)
