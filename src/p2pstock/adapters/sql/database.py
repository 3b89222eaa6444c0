"""Engines for the embedded default (SQLite) and production (PostgreSQL), and what their errors mean.

SQLite is a file in WAL mode with ``synchronous=FULL``; pysqlite's own transaction handling is switched
off so that the unit of work starts every write transaction with ``BEGIN IMMEDIATE`` (it takes the write
lock at once and waits up to the busy timeout, instead of failing when a read would have to become a write).
Other SQLAlchemy users of the engine (migrations) get a plain ``BEGIN`` from the ``begin`` event.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from p2pstock.core.errors import StorageError, TransientConflict

BUSY_TIMEOUT_MS = 30_000
_RETRYABLE_SQLSTATES = {"40001", "40P01", "23505"}  # serialization failure, deadlock, concurrent duplicate


def create_engine(url: str, *, synchronous: str = "FULL", echo: bool = False) -> Engine:
    """An engine for ``sqlite:///path`` or ``postgresql+psycopg://…`` with the settings p2pstock needs."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise StorageError("SQLite storage needs a file (sqlite:///path/to/p2pstock.db)")
        engine = sa.create_engine(
            url, echo=echo, pool_size=20, max_overflow=20, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}
        )
        _configure_sqlite(engine, synchronous)
        return engine
    if parsed.get_backend_name() == "postgresql":
        # No pre-ping (a round trip per transaction): a connection the server dropped fails its first
        # statement, is thrown away, and the whole transaction runs again on a fresh one.
        return sa.create_engine(url, echo=echo, pool_size=10, max_overflow=20)
    raise StorageError(f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql")


def _configure_sqlite(engine: Engine, synchronous: str) -> None:
    if synchronous not in ("FULL", "NORMAL", "EXTRA", "OFF"):
        raise StorageError(f"unknown SQLite synchronous mode {synchronous!r}")

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun explicitly below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        driver = connection.connection.dbapi_connection
        if driver is None:
            raise StorageError("connection closed while beginning a transaction")
        driver.execute("BEGIN")


def is_retryable(error: BaseException) -> bool:
    """True for errors after which running the whole transaction again is the right answer: conflicts
    with other transactions, and a pooled connection the server dropped (every operation that writes is
    idempotent, so repeating one whose commit may have landed is safe)."""
    original = error.orig if isinstance(error, sa.exc.DBAPIError) else error
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate in _RETRYABLE_SQLSTATES or is_disconnect(error):
        return True
    return isinstance(original, sqlite3.OperationalError) and "locked" in str(original)


def is_disconnect(error: BaseException) -> bool:
    """True when the server closed the connection (a restart, an idle timeout)."""
    original = error.orig if isinstance(error, sa.exc.DBAPIError) else error
    if type(original).__module__.startswith("psycopg"):
        sqlstate = getattr(original, "sqlstate", None)
        lost = sqlstate is None or sqlstate.startswith("08") or sqlstate in ("57P01", "57P02", "57P03")
        return isinstance(original, _psycopg_operational_error()) and lost
    return False


def translate(error: BaseException) -> StorageError:
    """The core error for a database error."""
    if is_retryable(error):
        return TransientConflict(f"the database asked to retry: {type(error).__name__}")
    return StorageError(f"storage failure: {type(error).__name__}: {str(error).splitlines()[0][:200]}")


def _psycopg_operational_error() -> type[Exception]:
    import psycopg  # noqa: PLC0415 - only PostgreSQL deployments have it

    return psycopg.OperationalError


def is_database_error(error: BaseException) -> bool:
    if isinstance(error, sa.exc.DBAPIError | sqlite3.Error):
        return True
    module = type(error).__module__
    return module.startswith("psycopg")
