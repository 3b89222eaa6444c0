"""Units of work on a SQLAlchemy engine's connection pool: one driver connection and one transaction each.

The pool, dialect and connection settings are SQLAlchemy's; the transaction itself is driven on the
driver connection (``BEGIN IMMEDIATE`` on SQLite; psycopg begins implicitly) because the ledger's hot path
runs plain SQL on the driver's cursor (see ``statements.py``).
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any, Self

from sqlalchemy.engine import Engine

from p2pstock.adapters.sql.allocations import SqlAllocations, SqlDailyStatuses, SqlEvents, SqlSideRequests
from p2pstock.adapters.sql.audit import SqlAuditLog
from p2pstock.adapters.sql.database import is_database_error, is_disconnect, translate
from p2pstock.adapters.sql.leases import SqlLeases
from p2pstock.adapters.sql.ledger import SqlLedgerSession
from p2pstock.adapters.sql.lending import SqlInstallments, SqlInvestments, SqlLoanProducts, SqlLoans
from p2pstock.adapters.sql.local_locks import local_locks
from p2pstock.adapters.sql.outbox import SqlOutbox
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
    ledger: SqlLedgerSession
    withdrawals: SqlWithdrawals
    customers: SqlCustomers
    phone_codes: SqlPhoneCodes
    documents: SqlDocuments
    staff: SqlStaff
    approvals: SqlApprovals
    audit: SqlAuditLog
    outbox: SqlOutbox
    payments: SqlPaymentOrders
    ui_state: SqlUiState
    products: SqlProducts
    calendar_overrides: SqlCalendarOverrides
    calendar_years: SqlCalendarYears
    notice_marks: SqlNoticeMarks
    allocations: SqlAllocations
    side_requests: SqlSideRequests
    daily_statuses: SqlDailyStatuses
    allocation_events: SqlEvents
    loan_products: SqlLoanProducts
    loans: SqlLoans
    investments: SqlInvestments
    installments: SqlInstallments
    leases: SqlLeases

    def __init__(
        self, engine: Engine, dialect: str, readonly: bool, writer_lock: threading.Lock | None = None
    ) -> None:
        self._engine, self._dialect, self._readonly = engine, dialect, readonly
        self._connection: Any = None
        self._writer_lock = writer_lock
        self._held: threading.Lock | None = None

    def __enter__(self) -> Self:
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
        self.ledger = SqlLedgerSession(cursor, self._dialect)
        self.withdrawals = SqlWithdrawals(cursor, self._dialect)
        self.customers = SqlCustomers(cursor, self._dialect)
        self.phone_codes = SqlPhoneCodes(cursor, self._dialect)
        self.documents = SqlDocuments(cursor, self._dialect)
        self.staff = SqlStaff(cursor, self._dialect)
        self.approvals = SqlApprovals(cursor, self._dialect)
        self.audit = SqlAuditLog(cursor, self._dialect, readonly=self._readonly)
        self.outbox = SqlOutbox(cursor, self._dialect)
        self.payments = SqlPaymentOrders(cursor, self._dialect)
        self.ui_state = SqlUiState(cursor, self._dialect)
        self.products = SqlProducts(cursor, self._dialect)
        self.calendar_overrides = SqlCalendarOverrides(cursor, self._dialect)
        self.calendar_years = SqlCalendarYears(cursor, self._dialect)
        self.notice_marks = SqlNoticeMarks(cursor, self._dialect)
        self.allocations = SqlAllocations(cursor, self._dialect)
        self.side_requests = SqlSideRequests(cursor, self._dialect)
        self.daily_statuses = SqlDailyStatuses(cursor, self._dialect)
        self.allocation_events = SqlEvents(cursor, self._dialect)
        self.loan_products = SqlLoanProducts(cursor, self._dialect)
        self.loans = SqlLoans(cursor, self._dialect)
        self.investments = SqlInvestments(cursor, self._dialect)
        self.installments = SqlInstallments(cursor, self._dialect)
        self.leases = SqlLeases(cursor, self._dialect)
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
        connection, self._connection = self._connection, None
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
