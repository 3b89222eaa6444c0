"""Units of work on a SQLAlchemy engine: one connection and one transaction each."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.engine import Connection, Engine

from p2pstock.adapters.sql.database import READONLY, is_database_error, translate
from p2pstock.adapters.sql.ledger import SqlLedgerSession
from p2pstock.adapters.sql.withdrawals import SqlWithdrawals


class SqlUnitOfWorkFactory:
    """Opens units of work on ``engine``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    def __call__(self, *, readonly: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.dialect, readonly)


class SqlUnitOfWork:
    ledger: SqlLedgerSession
    withdrawals: SqlWithdrawals

    def __init__(self, engine: Engine, dialect: str, readonly: bool) -> None:
        self._engine, self._dialect, self._readonly = engine, dialect, readonly
        self._connection: Connection | None = None

    def __enter__(self) -> Self:
        try:
            connection = self._engine.connect()
            if self._readonly:
                connection = connection.execution_options(**{READONLY: True})
            connection.begin()
            cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        except Exception as error:
            if is_database_error(error):
                raise translate(error) from error
            raise
        self._connection = connection
        self.ledger = SqlLedgerSession(cursor, self._dialect)
        self.withdrawals = SqlWithdrawals(cursor, self._dialect)
        return self

    def commit(self) -> None:
        if self._connection is None:
            raise RuntimeError("commit() outside the unit of work's with-block")
        self._connection.commit()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.rollback()  # a no-op after commit
        finally:
            connection.close()
        if exc is not None and is_database_error(exc):
            raise translate(exc) from exc
