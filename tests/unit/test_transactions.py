"""A transaction that collides with another runs again from the start; anything else is not retried."""

from __future__ import annotations

import sqlite3
from types import TracebackType
from typing import Self

import psycopg.errors
import pytest

from p2pstock.adapters.memory import MemoryUnitOfWorkFactory
from p2pstock.adapters.sql.database import is_retryable, translate
from p2pstock.core import transactions
from p2pstock.core.errors import InsufficientFunds, StorageError, TransientConflict
from p2pstock.core.ports import UnitOfWork
from p2pstock.core.transactions import in_transaction


class CountingFactory:
    """Units of work on a memory database that count how often they were committed."""

    def __init__(self) -> None:
        self.inner = MemoryUnitOfWorkFactory()
        self.opened = self.committed = 0

    def __call__(self, *, readonly: bool = False) -> CountingUnitOfWork:
        self.opened += 1
        return CountingUnitOfWork(self, self.inner(readonly=readonly))


class CountingUnitOfWork:
    def __init__(self, factory: CountingFactory, inner: UnitOfWork) -> None:
        self.factory, self.inner = factory, inner
        self.ledger, self.withdrawals = inner.ledger, inner.withdrawals

    def __enter__(self) -> Self:
        self.inner.__enter__()
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.inner.__exit__(t, e, tb)

    def commit(self) -> None:
        self.factory.committed += 1
        self.inner.commit()


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transactions.time, "sleep", lambda _seconds: None)


def test_a_conflict_runs_the_whole_transaction_again_and_commits_once() -> None:
    factory, calls = CountingFactory(), []

    def work(_uow: UnitOfWork) -> str:
        calls.append(1)
        if len(calls) < 3:
            raise TransientConflict("serialization failure")
        return "done"

    assert in_transaction(factory, work) == "done"
    assert (len(calls), factory.opened, factory.committed) == (3, 3, 1)


def test_a_conflict_that_never_clears_is_raised_after_the_last_attempt() -> None:
    factory = CountingFactory()

    def work(_uow: UnitOfWork) -> None:
        raise TransientConflict("deadlock")

    with pytest.raises(TransientConflict):
        in_transaction(factory, work)
    assert (factory.opened, factory.committed) == (transactions.ATTEMPTS, 0)


def test_a_business_refusal_is_not_retried_and_commits_nothing() -> None:
    factory = CountingFactory()

    def work(_uow: UnitOfWork) -> None:
        raise InsufficientFunds("no")

    with pytest.raises(InsufficientFunds):
        in_transaction(factory, work)
    assert (factory.opened, factory.committed) == (1, 0)


@pytest.mark.parametrize(
    "error",
    [
        psycopg.errors.SerializationFailure("40001"),
        psycopg.errors.DeadlockDetected("40P01"),
        psycopg.errors.UniqueViolation("23505"),
        psycopg.errors.AdminShutdown("57P01"),
        sqlite3.OperationalError("database is locked"),
    ],
    ids=["serialization", "deadlock", "concurrent-duplicate", "server-dropped-connection", "sqlite-busy"],
)
def test_database_errors_that_mean_try_again_become_transient_conflicts(error: Exception) -> None:
    assert is_retryable(error)
    assert isinstance(translate(error), TransientConflict)


@pytest.mark.parametrize(
    "error",
    [
        psycopg.errors.CheckViolation("23514"),
        sqlite3.IntegrityError("CHECK constraint failed"),
        sqlite3.OperationalError("no such table: x"),
    ],
    ids=["pg-check", "sqlite-check", "sqlite-schema"],
)
def test_other_database_errors_are_storage_errors_that_are_not_retried(error: Exception) -> None:
    assert not is_retryable(error)
    translated = translate(error)
    assert isinstance(translated, StorageError) and not isinstance(translated, TransientConflict)
