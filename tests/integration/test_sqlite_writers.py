"""Writers of one process on one SQLite file take turns on a lock of the process (``adapters/sql/writers.py``)
instead of sleeping in SQLite's busy handler; other processes are still kept out by SQLite's own lock.

Most tests set SQLite's busy timeout to zero on their engine: a writer that reached SQLite while another
held the database would then fail at once with "database is locked", so a writer that succeeds waited for
the lock of the process instead.
"""

from __future__ import annotations

import multiprocessing
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.core.errors import StorageError, TransientConflict
from p2pstock.core.ledger.accounts import Account
from p2pstock.core.ledger.results import AccountResult
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.ledger.transfers import Transfer

THREADS = 8
JOIN_TIMEOUT = 60.0
HOLD_SECONDS = 0.5
"""How long a writer keeps the database while another tries to write (longer makes the tests more likely
to catch a writer reaching SQLite too early; never part of what they assert)."""


@pytest.fixture
def engines(sqlite_url: str) -> Iterator[Callable[..., sa.Engine]]:
    """Engines on the test's SQLite file; ``impatient=True`` gives one whose busy timeout is zero."""
    made: list[sa.Engine] = []

    def engine(*, impatient: bool = False) -> sa.Engine:
        made.append(create_engine(sqlite_url))
        if impatient:
            event.listen(
                made[-1], "connect", lambda connection, _record: connection.execute("PRAGMA busy_timeout=0")
            )
        return made[-1]

    yield engine
    for each in made:
        each.dispose()


def open_account(factory: SqlUnitOfWorkFactory, account_id: str) -> None:
    """One write transaction of its own: the account ``account_id`` opened."""
    with factory() as uow:
        uow.ledger.insert_accounts([Account.open(account_id, code="bank")])
        uow.commit()


def accounts(factory: SqlUnitOfWorkFactory) -> set[str]:
    with factory(readonly=True) as uow:
        return {account.id for account in uow.ledger.all_accounts()}


def in_threads(count: int, work: Callable[[int], None]) -> None:
    """``work(0) … work(count - 1)`` on as many threads at once; any error or a thread that never ends
    fails the test."""
    start, errors = threading.Barrier(count), []

    def run(n: int) -> None:
        try:
            start.wait(timeout=JOIN_TIMEOUT)
            work(n)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT)
    assert not [thread for thread in threads if thread.is_alive()], "a writer never finished (deadlock?)"
    assert not errors, errors


def while_writing(factory: SqlUnitOfWorkFactory, other_writer: Callable[[], None]) -> None:
    """Run ``other_writer`` on a thread of its own while ``factory`` holds a write transaction (which opens
    the account ``first``), until it is done or ``HOLD_SECONDS`` passed; then commit."""
    done = threading.Event()
    errors: list[BaseException] = []

    def other() -> None:
        try:
            other_writer()
        except BaseException as error:
            errors.append(error)
        finally:
            done.set()

    thread = threading.Thread(target=other, daemon=True)
    with factory() as uow:
        uow.ledger.insert_accounts([Account.open("first", code="bank")])
        thread.start()
        done.wait(timeout=HOLD_SECONDS)
        uow.commit()
    thread.join(timeout=JOIN_TIMEOUT)
    assert not thread.is_alive(), "the second writer never finished (deadlock?)"
    assert not errors, errors


def test_a_writer_waits_for_the_writer_before_it_instead_of_finding_the_database_locked(
    engines: Callable[..., sa.Engine],
) -> None:
    factory = SqlUnitOfWorkFactory(engines(impatient=True))

    while_writing(factory, lambda: open_account(factory, "second"))

    assert accounts(factory) == {"first", "second"}


def test_two_engines_on_one_file_take_turns_too(engines: Callable[..., sa.Engine]) -> None:
    first, second = SqlUnitOfWorkFactory(engines()), SqlUnitOfWorkFactory(engines(impatient=True))

    while_writing(first, lambda: open_account(second, "second"))

    assert accounts(first) == {"first", "second"}


def test_eight_threads_writing_at_once_never_find_the_database_locked(
    engines: Callable[..., sa.Engine],
) -> None:
    factory = SqlUnitOfWorkFactory(engines(impatient=True))

    def writer(n: int) -> None:
        for k in range(25):
            open_account(factory, f"w{n}-{k}")

    in_threads(THREADS, writer)

    assert len(accounts(factory)) == THREADS * 25


def test_a_reader_reads_while_a_writer_of_its_own_thread_writes(engines: Callable[..., sa.Engine]) -> None:
    factory = SqlUnitOfWorkFactory(engines())

    with factory() as writer, factory(readonly=True) as reader:
        writer.ledger.insert_accounts([Account.open("a", code="bank")])
        assert reader.ledger.find_accounts(["a"]) == {}
        writer.commit()

    assert accounts(factory) == {"a"}


def test_the_next_writer_gets_in_after_a_writer_failed_in_its_work(engines: Callable[..., sa.Engine]) -> None:
    factory = SqlUnitOfWorkFactory(engines(impatient=True))
    open_account(factory, "a")

    with pytest.raises(ValueError, match="the work failed"), factory() as uow:
        uow.ledger.insert_accounts([Account.open("b", code="bank")])
        raise ValueError("the work failed")
    with pytest.raises(StorageError), factory() as uow:
        uow.ledger.insert_accounts([Account.open("a", code="bank")])  # a duplicate key: the statement fails

    in_threads(2, lambda n: open_account(factory, f"after-{n}"))
    assert accounts(factory) == {"a", "after-0", "after-1"}


def test_the_next_writer_gets_in_after_one_found_the_file_locked_by_another_process(
    engines: Callable[..., sa.Engine], sqlite_url: str
) -> None:
    factory = SqlUnitOfWorkFactory(engines(impatient=True))
    elsewhere = sqlite3.connect(sa.engine.make_url(sqlite_url).database or "", isolation_level=None)
    elsewhere.execute("BEGIN IMMEDIATE")  # another process writing

    with pytest.raises(TransientConflict):
        open_account(factory, "refused")
    elsewhere.execute("COMMIT")
    elsewhere.close()

    in_threads(2, lambda n: open_account(factory, f"after-{n}"))
    assert accounts(factory) == {"after-0", "after-1"}


def test_writers_waiting_for_another_process_all_get_in_once_it_commits(
    engines: Callable[..., sa.Engine], sqlite_url: str
) -> None:
    factory = SqlUnitOfWorkFactory(engines())  # the busy timeout as deployed
    path = sa.engine.make_url(sqlite_url).database or ""
    elsewhere = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    elsewhere.execute("BEGIN IMMEDIATE")  # another process writing, until the timer commits
    commit = threading.Timer(HOLD_SECONDS, lambda: elsewhere.execute("COMMIT"))
    commit.start()

    # one writer waits on SQLite's lock (holding the process's), the others on the process's lock
    in_threads(4, lambda n: open_account(factory, f"w{n}"))

    commit.join()
    elsewhere.close()
    assert accounts(factory) == {"w0", "w1", "w2", "w3"}


def test_opening_accounts_that_exist_answers_while_another_process_writes(
    engines: Callable[..., sa.Engine], sqlite_url: str
) -> None:
    ledger = Ledger(SqlUnitOfWorkFactory(engines(impatient=True)))
    wallet = Account.open("wallet", code="wallet")
    ledger.create_accounts([wallet, Account.open("bank", code="bank")])
    elsewhere = sqlite3.connect(sa.engine.make_url(sqlite_url).database or "", isolation_level=None)
    elsewhere.execute("BEGIN IMMEDIATE")  # a writer of another process: no write could start now

    again = ledger.create_accounts([wallet, Account.open("bank", code="fees")])

    elsewhere.execute("ROLLBACK")
    elsewhere.close()
    assert [(o.result, o.account) for o in again] == [
        (AccountResult.EXISTS, ledger.account("wallet")),
        (AccountResult.EXISTS_WITH_DIFFERENT_CODE, None),
    ]


# -- several processes


PROCESSES = 2
TRANSFERS = 40


def transfer_in_a_process(*, url: str, worker: int, start: Any, answers: multiprocessing.Queue[Any]) -> None:
    """Run in a fresh interpreter: four threads on one engine, ``TRANSFERS`` transfers each."""
    engine = create_engine(url)
    ledger = Ledger(SqlUnitOfWorkFactory(engine))
    errors: list[str] = []

    def transfers(thread: int) -> None:
        for n in range(TRANSFERS):
            transfer = Transfer.single(
                f"p{worker}-{thread}-{n}", debit="bank", credit="wallet", amount=1, code="t"
            )
            try:
                assert ledger.create_transfer(transfer).result == "created"
            except BaseException as error:
                errors.append(f"{type(error).__name__}: {error}")

    try:
        start.wait(timeout=JOIN_TIMEOUT)
        threads = [threading.Thread(target=transfers, args=(t,)) for t in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=JOIN_TIMEOUT)
        answers.put(errors + [f"thread {t} stuck" for t, th in enumerate(threads) if th.is_alive()])
    finally:
        engine.dispose()


@pytest.mark.slow
def test_threads_of_two_processes_writing_at_once_all_land(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    ledger = Ledger(SqlUnitOfWorkFactory(engine))
    ledger.create_accounts([Account.open("bank", code="bank"), Account.open("wallet", code="wallet")])
    spawn = multiprocessing.get_context("spawn")
    start, answers = spawn.Barrier(PROCESSES), spawn.Queue()
    processes = [
        spawn.Process(
            target=transfer_in_a_process,
            kwargs={"url": sqlite_url, "worker": w, "start": start, "answers": answers},
        )
        for w in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    try:
        errors = [error for _ in processes for error in answers.get(timeout=JOIN_TIMEOUT)]
        for process in processes:
            process.join(timeout=JOIN_TIMEOUT)
    except queue.Empty:
        pytest.fail(f"a process gave no answer within {JOIN_TIMEOUT} s (deadlock?)")
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()

    assert errors == []
    assert ledger.account("wallet").balances.credits_posted == PROCESSES * 4 * TRANSFERS
    assert ledger.audit().ok
    engine.dispose()


# -- PostgreSQL


@pytest.mark.postgres
def test_postgresql_writers_of_one_process_are_not_made_to_take_turns(pg_url: str) -> None:
    engine = create_engine(pg_url)
    factory = SqlUnitOfWorkFactory(engine)

    with factory() as first, factory() as second:  # both write at once: rows are locked, not the database
        first.ledger.insert_accounts([Account.open("a", code="bank")])
        second.ledger.insert_accounts([Account.open("b", code="bank")])
        second.commit()
        first.commit()

    assert accounts(factory) == {"a", "b"}
    engine.dispose()
