"""A writer killed with SIGKILL at a random moment leaves whole batches only, and loses none it acknowledged.

A child process applies batches of 50 transfers in a loop and prints each batch's number once
``create_transfers`` has returned (committed). The test lets it acknowledge a few batches, kills it, reopens
the database and checks it; three times over, each writer carrying on where the database says the last one
stopped. At the end every batch is submitted again with the same ids: nothing may take effect twice.
"""

from __future__ import annotations

import importlib.util
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa

from p2pstock.adapters.memory import MemoryUnitOfWorkFactory
from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.core.ledger.results import TransferResult
from p2pstock.core.ledger.service import Ledger

ROUNDS = 5
BATCH = 50
WAIT = 30.0

WRITER = '''
"""Apply batch after batch of 50 transfers until killed; print each batch number once it is committed."""

import random
import sys

import attrs

from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.core.ledger.accounts import Account
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.ledger.transfers import Transfer

ACCOUNTS = [f"crash:{n}" for n in range(6)]


def accounts():
    return [Account.open(account, code="crash") for account in ACCOUNTS]


def batch(number):
    """The 50 transfers of batch ``number``, the same every time: 40 payments and 5 holds, each posted in
    part or voided later in the batch. All carry the reference ``batch-<number>``."""
    rng, label = random.Random(number), f"batch-{number:06d}"
    transfers = []
    for k in range(40):
        debit, credit = rng.sample(ACCOUNTS, 2)
        amount = rng.randint(1, 10_000)
        payment = Transfer.single(f"{label}-{k}", debit=debit, credit=credit, amount=amount, code="crash")
        transfers.append(attrs.evolve(payment, reference=label))
    for k in range(5):
        debit, credit = rng.sample(ACCOUNTS, 2)
        held = rng.randint(2, 10_000)
        hold = Transfer.pending(f"{label}-hold-{k}", debit=debit, credit=credit, amount=held, code="crash")
        hold = attrs.evolve(hold, reference=label)
        if k % 2:
            part = rng.randint(1, held)
            resolve = Transfer.post(f"{label}-post-{k}", pending_id=hold.id, amount=part, reference=label)
        else:
            resolve = Transfer.void(f"{label}-void-{k}", pending_id=hold.id, reference=label)
        transfers.insert(rng.randint(0, len(transfers)), hold)
        transfers.insert(rng.randint(transfers.index(hold) + 1, len(transfers)), resolve)
    return transfers


def main(url, number):
    ledger = Ledger(SqlUnitOfWorkFactory(create_engine(url)))
    while True:
        refused = [o for o in ledger.create_transfers(batch(number)) if o.result != "created"]
        if refused:
            print(f"batch {number} refused: {refused}", file=sys.stderr, flush=True)
            sys.exit(3)
        print(number, flush=True)
        number += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
'''


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))


@pytest.fixture
def writer(tmp_path: Path) -> ModuleType:
    """The writer's module, written to a file the child runs and imported here to know its batches."""
    path = tmp_path / "crash_writer.py"
    path.write_text(WRITER)
    spec = importlib.util.spec_from_file_location("crash_writer", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def reopened(url: str) -> Iterator[tuple[Ledger, sa.Engine]]:
    engine = create_engine(url)
    try:
        yield Ledger(SqlUnitOfWorkFactory(engine)), engine
    finally:
        engine.dispose()


def run_until_killed(
    writer: ModuleType, url: str, *, first: int, acknowledgements: int, delay: float, log: Path
) -> list[int]:
    """Start a writer at batch ``first``, let it acknowledge ``acknowledgements`` batches, wait ``delay``
    seconds more (a random moment in its cycle), SIGKILL it; return every batch number it acknowledged."""
    with log.open("a") as stderr:
        child = subprocess.Popen(
            [sys.executable, str(writer.__file__), url, str(first)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            lines.put(line)
        lines.put(None)

    reader = threading.Thread(target=read, name="writer-stdout", daemon=True)
    reader.start()
    acknowledged: list[int] = []
    try:
        deadline = time.monotonic() + WAIT
        while len(acknowledged) < acknowledgements:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            assert line is not None, f"the writer stopped by itself: {log.read_text()}"
            acknowledged.append(int(line))
        time.sleep(delay)  # not synchronisation: only moves the kill to a random point of the next batch
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=WAIT)
        reader.join(timeout=WAIT)
    assert not reader.is_alive()
    assert child.returncode == -signal.SIGKILL
    while (line := lines.get_nowait()) is not None:  # printed before the kill: acknowledged too
        acknowledged.append(int(line))
    return acknowledged


def wait_until_only_we_are_connected(engine: sa.Engine) -> None:
    """On PostgreSQL the killed writer's server process may still be ending its transaction (a commit it
    had sent, or a rollback): wait, bounded, until it has gone, so what we read is final."""
    if engine.dialect.name != "postgresql":
        return
    others = sa.text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
    )
    deadline = time.monotonic() + WAIT
    with engine.connect() as connection:
        while connection.execute(others).scalar_one():
            assert time.monotonic() < deadline, "the killed writer's session never ended"
            time.sleep(0.02)
            connection.rollback()


def batch_sizes(engine: sa.Engine) -> dict[int, int]:
    """How many transfers of each batch are stored, by batch number."""
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT reference, count(*) FROM transfer GROUP BY reference").all()
    return {int(reference.removeprefix("batch-")): count for reference, count in rows}


def assert_database_sound(ledger: Ledger, engine: sa.Engine) -> None:
    audit = ledger.audit()
    assert audit.ok, audit.problems
    assert ledger.trial_balance().balanced
    with engine.connect() as connection:
        transfers = connection.exec_driver_sql("SELECT count(*) FROM transfer").scalar_one()
        entries = connection.exec_driver_sql("SELECT count(*) FROM entry").scalar_one()
        failures = connection.exec_driver_sql("SELECT count(*) FROM failed_transfer").scalar_one()
    assert (entries, failures) == (2 * transfers, 0)
    if engine.dialect.name == "sqlite":
        database = sqlite3.connect(str(engine.url.database))
        try:
            assert database.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            database.close()


@pytest.mark.slow
@pytest.mark.own_database  # processes killed while writing to it
def test_a_killed_writer_leaves_whole_batches_and_keeps_every_acknowledged_one(
    url: str, writer: ModuleType, tmp_path: Path
) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    with reopened(url) as (ledger, _engine):
        assert all(outcome.result.ok for outcome in ledger.create_accounts(writer.accounts()))

    acknowledged: set[int] = set()
    next_batch = 0
    for round_ in range(ROUNDS):
        killed_at = f"seed {seed}, round {round_}"
        acknowledged.update(
            run_until_killed(
                writer,
                url,
                first=next_batch,
                acknowledgements=rng.randint(3, 20),
                delay=rng.uniform(0, 0.05),
                log=tmp_path / "writer.log",
            )
        )
        with reopened(url) as (ledger, engine):
            wait_until_only_we_are_connected(engine)
            sizes = batch_sizes(engine)
            assert set(sizes.values()) == {BATCH}, f"{killed_at}: a batch was stored in part: {sizes}"
            assert acknowledged <= sizes.keys(), f"{killed_at}: acknowledged batches lost"
            assert sorted(sizes) == list(range(len(sizes))), f"{killed_at}: batches are not a prefix"
            assert_database_sound(ledger, engine)
        next_batch = len(sizes)

    replay = Ledger(MemoryUnitOfWorkFactory())
    replay.create_accounts(writer.accounts())
    with reopened(url) as (ledger, engine):
        for number in range(next_batch + 1):  # every stored batch, and the one lost at the last kill
            batch = writer.batch(number)
            stored = {outcome.result for outcome in ledger.create_transfers(batch)}
            expected = {TransferResult.EXISTS} if number < next_batch else {TransferResult.CREATED}
            assert stored == expected, f"seed {seed}: batch {number} resubmitted: {stored}"
            assert {outcome.result for outcome in replay.create_transfers(batch)} == {TransferResult.CREATED}
        assert batch_sizes(engine) == dict.fromkeys(range(next_batch + 1), BATCH)
        for account in writer.ACCOUNTS:
            assert ledger.account(account).balances == replay.account(account).balances, f"seed {seed}"
        assert_database_sound(ledger, engine)
