"""Engines for the embedded default (SQLite) and production (PostgreSQL), and what their errors mean.

SQLite is a file in WAL mode with ``synchronous=FULL``; pysqlite's own transaction handling is switched
off so that every write transaction starts with ``BEGIN IMMEDIATE`` (it takes the write lock at once and
waits up to the busy timeout, instead of failing when a read would have to become a write).
"""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from p2pstock.core.errors import StorageError, TransientConflict

READONLY = "p2pstock_readonly"
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
        return sa.create_engine(url, echo=echo, pool_size=10, max_overflow=20, pool_pre_ping=True)
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
        readonly = connection.get_execution_options().get(READONLY, False)
        driver = connection.connection.dbapi_connection
        if driver is None:
            raise StorageError("connection closed while beginning a transaction")
        driver.execute("BEGIN" if readonly else "BEGIN IMMEDIATE")


def is_retryable(error: BaseException) -> bool:
    """True for errors after which running the whole transaction again is the right answer."""
    original = error.orig if isinstance(error, sa.exc.DBAPIError) else error
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate in _RETRYABLE_SQLSTATES:
        return True
    return isinstance(original, sqlite3.OperationalError) and "locked" in str(original)


def translate(error: BaseException) -> StorageError:
    """The core error for a database error."""
    if is_retryable(error):
        return TransientConflict(f"the database asked to retry: {type(error).__name__}")
    return StorageError(f"storage failure: {type(error).__name__}: {str(error).splitlines()[0][:200]}")


def is_database_error(error: BaseException) -> bool:
    if isinstance(error, sa.exc.DBAPIError | sqlite3.Error):
        return True
    module = type(error).__module__
    return module.startswith("psycopg")
