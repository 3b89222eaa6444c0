"""Ledger throughput: transfers per second through the library vs the same SQL on the raw driver.

    .venv/bin/python bench/ledger/run.py [--seconds N] [--backend sqlite|postgres|all] [--profile]

Workloads, each between random pairs of funded customer wallets flagged DEBITS_MUST_NOT_EXCEED_CREDITS:

* ``single``  — ``Ledger.create_transfer``: one transfer per transaction;
* ``freeze``  — a pending transfer in one transaction and its post in another (2 transfers per pair);
* ``batch``   — ``Ledger.create_transfers`` with batches of linked pairs (linked + plain) in one transaction.

The baseline (``raw.py``) issues the library's SQL text on sqlite3 / psycopg directly. Both sides start
from copies of the same migrated and funded database with a history of transfers (analyzed, on PostgreSQL),
warm up, then run for a fixed time per repetition, cut into short slices in which library and raw take
turns. After every repetition the trial balance of both databases is checked; after the last one the
library's audit runs on both. A broken invariant stops the benchmark with exit status 1. See
``bench/README.md`` for the method and the figures.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import cProfile
import math
import os
import platform
import pstats
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from raw import LINKED, PENDING, BaselineError, RawLedger

from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.migrate import upgrade
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.core.ledger.accounts import Account, AccountFlags
from p2pstock.core.ledger.results import TransferResult
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.ledger.transfers import Transfer

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CODE = "p2p"
FUNDING = 10**12  # minor units per wallet: the workloads never come near it
CREATED = TransferResult.CREATED
TARGETS = {"sqlite": 0.5, "postgresql": 0.8}
BATCH_TARGET = 5.0


class InvariantBroken(RuntimeError):
    """A run left a database that does not add up, or a transfer the benchmark asked for was refused."""


# -- the accounts and the pairs ------------------------------------------------------------------------------


def wallet(i: int) -> str:
    return f"wallet:CNY:c{i:05d}"


def make_pairs(wallets: int, seed: int = 20260105, size: int = 1 << 14) -> list[tuple[str, str, int]]:
    """A fixed sequence of (debit, credit, amount), the same for library and raw."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(size):
        a, b = rng.sample(range(wallets), 2)
        pairs.append((wallet(a), wallet(b), rng.randint(1, 10_000)))
    return pairs


def seed_ledger(ledger: Ledger, wallets: int, history: int) -> int:
    """The bank, the funded wallets and ``history`` earlier transfers between them (a ledger in use, so that
    tables and indexes are not tiny); returns how many transfers that took."""
    flags = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS
    accounts = [Account.open("bank:CNY", code="bank")]
    accounts += [Account.open(wallet(i), code="wallet", flags=flags) for i in range(wallets)]
    if not all(o.result.ok for o in ledger.create_accounts(accounts)):
        raise InvariantBroken("could not create the accounts")
    funding = [
        Transfer.single(f"fund:{i}", debit="bank:CNY", credit=wallet(i), amount=FUNDING, code="deposit")
        for i in range(wallets)
    ]
    past = make_pairs(wallets, seed=1)
    requests = funding + [
        Transfer.single(f"h:{k}", debit=d, credit=c, amount=a, code=CODE)
        for k, (d, c, a) in ((k, past[k % len(past)]) for k in range(history))
    ]
    for start in range(0, len(requests), 1000):
        if not all(o.result is CREATED for o in ledger.create_transfers(requests[start : start + 1000])):
            raise InvariantBroken("could not seed the ledger")
    return len(requests)


# -- the workloads -------------------------------------------------------------------------------------------

Step = Callable[[Any, str, int], None]


@dataclass(frozen=True)
class Workload:
    key: str
    label: str
    per_step: int
    """Transfers per step."""
    library: Step
    raw: Step


def _refused(what: str, outcomes: list[Any]) -> InvariantBroken:
    bad = [(o.id, str(o.result)) for o in outcomes if o.result is not CREATED][:3]
    return InvariantBroken(f"{what} refused: {bad}")


def workloads(pairs: list[tuple[str, str, int]], batch: int) -> list[Workload]:
    mask = len(pairs) - 1

    def lib_single(ledger: Ledger, prefix: str, k: int) -> None:
        debit, credit, amount = pairs[k & mask]
        outcome = ledger.create_transfer(
            Transfer.single(f"{prefix}{k}", debit=debit, credit=credit, amount=amount, code=CODE)
        )
        if outcome.result is not CREATED:
            raise _refused("single transfer", [outcome])

    def raw_single(raw: RawLedger, prefix: str, k: int) -> None:
        debit, credit, amount = pairs[k & mask]
        raw.move([(f"{prefix}{k}", debit, credit, amount, 0)])

    def lib_freeze(ledger: Ledger, prefix: str, k: int) -> None:
        debit, credit, amount = pairs[k & mask]
        hold = f"{prefix}{k}:hold"
        frozen = ledger.create_transfer(
            Transfer.pending(hold, debit=debit, credit=credit, amount=amount, code=CODE)
        )
        posted = ledger.create_transfer(Transfer.post(f"{prefix}{k}:post", pending_id=hold))
        if frozen.result is not CREATED or posted.result is not CREATED:
            raise _refused("freeze/post", [frozen, posted])

    def raw_freeze(raw: RawLedger, prefix: str, k: int) -> None:
        debit, credit, amount = pairs[k & mask]
        hold = f"{prefix}{k}:hold"
        raw.move([(hold, debit, credit, amount, PENDING)])
        raw.post(f"{prefix}{k}:post", hold)

    def lib_batch(ledger: Ledger, prefix: str, k: int) -> None:
        base = k * batch
        requests = []
        for i in range(batch):
            debit, credit, amount = pairs[(base + i) & mask]
            requests.append(
                Transfer.single(
                    f"{prefix}{k}.{i}",
                    debit=debit,
                    credit=credit,
                    amount=amount,
                    code=CODE,
                    linked=i % 2 == 0,
                )
            )
        outcomes = ledger.create_transfers(requests)
        if any(o.result is not CREATED for o in outcomes):
            raise _refused("batch", outcomes)

    def raw_batch(raw: RawLedger, prefix: str, k: int) -> None:
        base = k * batch
        requests = []
        for i in range(batch):
            debit, credit, amount = pairs[(base + i) & mask]
            requests.append((f"{prefix}{k}.{i}", debit, credit, amount, LINKED if i % 2 == 0 else 0))
        raw.move(requests)

    return [
        Workload("single", "single transfer (1 per tx)", 1, lib_single, raw_single),
        Workload("freeze", "freeze + post (2 tx per pair)", 2, lib_freeze, raw_freeze),
        Workload("batch", f"linked batch of {batch} (1 tx)", batch, lib_batch, raw_batch),
    ]


def run_for(step: Step, target: Any, prefix: str, seconds: float, first: int = 0) -> tuple[int, float, float]:
    """Repeat ``step`` (numbered from ``first``) until ``seconds`` have passed; returns (steps, elapsed
    seconds, CPU seconds of this process: Python, the drivers and, for SQLite, the database engine itself)."""
    clock = time.perf_counter
    k = first
    cpu = time.process_time()
    start = clock()
    deadline = start + seconds
    while True:
        step(target, prefix, k)
        k += 1
        now = clock()
        if now >= deadline:
            return k - first, now - start, time.process_time() - cpu


# -- the backends --------------------------------------------------------------------------------------------


class SqliteBackend:
    name = "sqlite"
    dialect = "sqlite"

    def __init__(
        self, wallets: int, history: int, directory: str | None = None, synchronous: str = "FULL"
    ) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="p2pstock-bench-", dir=directory))
        self.template = self.root / "template.db"
        self.seeded = 0
        self.wallets, self.history = wallets, history
        self.synchronous = synchronous

    def title(self) -> str:
        return f"SQLite {sqlite3.sqlite_version} (file, WAL, synchronous={self.synchronous}, {self.root})"

    def setup(self) -> None:
        engine = create_engine(f"sqlite:///{self.template}")
        upgrade(engine)
        self.seeded = seed_ledger(Ledger(SqlUnitOfWorkFactory(engine)), self.wallets, self.history)
        engine.dispose()
        connection = sqlite3.connect(self.template)  # fold the WAL into the file before copying it
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()

    def fresh(self, tag: str) -> str:
        path = self.root / f"{tag}.db"
        shutil.copy(self.template, path)
        return str(path)

    def engine(self, db: str) -> sa.Engine:
        return create_engine(f"sqlite:///{db}", synchronous=self.synchronous)

    def raw(self, db: str) -> RawLedger:
        return RawLedger.sqlite(db, self.synchronous)

    def drop(self, db: str) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(db + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class PostgresBackend:
    name = "postgres"
    dialect = "postgresql"

    def __init__(self, admin_url: str, wallets: int, history: int) -> None:
        self.url = sa.engine.make_url(admin_url)
        self.admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.prefix = f"p2pstock_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.template = f"{self.prefix}_template"
        self.created: list[str] = []
        self.seeded = 0
        self.wallets, self.history = wallets, history
        self.version = ""

    def reachable(self) -> str | None:
        """None when the server answers, otherwise why not."""
        try:
            with self.admin.connect() as connection:
                self.version = str(connection.exec_driver_sql("SHOW server_version").scalar())
        except Exception as error:  # any failure to connect means: no PostgreSQL run
            return f"{type(error).__name__}: {str(error).splitlines()[0]}"
        return None

    def title(self) -> str:
        return f"PostgreSQL {self.version} (psycopg {metadata.version('psycopg')}, {self.where()})"

    def where(self) -> str:
        return f"{self.url.username or ''}@{self.url.host or 'localhost'}:{self.url.port or 5432}"

    def _url(self, db: str) -> str:
        return self.url.set(database=db).render_as_string(hide_password=False)

    def setup(self) -> None:
        self._sql(f'CREATE DATABASE "{self.template}"')
        self.created.append(self.template)
        engine = create_engine(self._url(self.template))
        upgrade(engine)
        self.seeded = seed_ledger(Ledger(SqlUnitOfWorkFactory(engine)), self.wallets, self.history)
        engine.dispose()
        # Statistics, as autovacuum keeps them on a database in use (the copies inherit them). Without them
        # (reltuples = -1) the planner answers ``transfer.id IN (…100 keys…)`` with a sequential scan that
        # grows with the table; with statistics of a tiny table, the foreign-key checks cached per
        # connection scan ``transfer`` sequentially as it grows. Hence the history, then ANALYZE.
        admin = sa.create_engine(self._url(self.template), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        admin.dispose()

    def fresh(self, tag: str) -> str:
        db = f"{self.prefix}_{tag}"
        self._sql(f'CREATE DATABASE "{db}" TEMPLATE "{self.template}" STRATEGY FILE_COPY')
        self.created.append(db)
        return db

    def engine(self, db: str) -> sa.Engine:
        return create_engine(self._url(db))

    def raw(self, db: str) -> RawLedger:
        return RawLedger.postgres(self.url.set(drivername="postgresql", database=db).render_as_string(False))

    def drop(self, db: str) -> None:
        self._sql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        self.created.remove(db)

    def close(self) -> None:
        for db in list(self.created):
            self.drop(db)
        self.admin.dispose()

    def _sql(self, statement: str) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(statement)


Backend = SqliteBackend | PostgresBackend


# -- measuring -----------------------------------------------------------------------------------------------


@dataclass
class Result:
    workload: Workload
    library: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    cpu: dict[str, list[float]] = field(default_factory=lambda: {"library": [], "raw": []})
    """Client CPU µs per transfer, per repetition."""
    audited: str = ""

    @property
    def lib_median(self) -> float:
        return statistics.median(self.library)

    @property
    def raw_median(self) -> float:
        return statistics.median(self.raw)

    @property
    def ratio(self) -> float:
        return self.lib_median / self.raw_median

    @property
    def overhead_us(self) -> float:
        """The library's extra time per transfer, in microseconds."""
        return (1 / self.lib_median - 1 / self.raw_median) * 1e6


def check_library(ledger: Ledger, expected: int, *, full: bool) -> str:
    balance = ledger.trial_balance()
    if not balance.balanced:
        raise InvariantBroken(f"library database: trial balance off: {balance.totals}")
    if not full:
        return ""
    audit = ledger.audit()
    if not audit.ok:
        raise InvariantBroken(f"library database: audit failed: {audit.problems[:5]}")
    if audit.transfers != expected:
        raise InvariantBroken(f"library database: {audit.transfers} transfers, expected {expected}")
    return f"audit ok ({audit.transfers} transfers, {audit.accounts} accounts)"


def check_raw(raw: RawLedger, expected: int) -> None:
    count, _totals, problems = raw.totals()
    if problems:
        raise InvariantBroken(f"raw database: {problems[:5]}")
    if count != expected:
        raise InvariantBroken(f"raw database: {count} transfers, expected {expected}")


@dataclass
class Side:
    """One workload on one side (library or raw) with its own database."""

    workload: Workload
    name: str
    target: Any
    done: int
    """Transfers in its database."""
    prefix: str = ""
    next_k: int = 0
    steps: int = 0
    elapsed: float = 0.0
    cpu: float = 0.0

    def run(self, prefix: str, seconds: float) -> None:
        if prefix != self.prefix:
            self.prefix, self.next_k = prefix, 0
        step = self.workload.library if self.name == "library" else self.workload.raw
        steps, elapsed, cpu = run_for(step, self.target, prefix, seconds, self.next_k)
        self.next_k += steps
        self.steps += steps
        self.elapsed += elapsed
        self.cpu += cpu
        self.done += steps * self.workload.per_step

    def take(self) -> tuple[float, float]:
        """Transfers per second and client CPU µs per transfer since the last call."""
        transfers = self.steps * self.workload.per_step
        figures = transfers / self.elapsed, self.cpu / transfers * 1e6
        self.steps, self.elapsed, self.cpu = 0, 0.0, 0.0
        return figures

    def check(self) -> None:
        if isinstance(self.target, Ledger):
            check_library(self.target, self.done, full=False)
        else:
            check_raw(self.target, self.done)


@dataclass(frozen=True)
class Plan:
    seconds: float
    """Timed seconds per side, workload and repetition."""
    reps: int
    warmup: float
    slice: float


def measure(backend: Backend, chosen: list[Workload], plan: Plan) -> list[Result]:
    """Every workload on both sides, each with a fresh copy of the template database. A repetition is cut
    into slices; in every slice each workload runs on library and raw in turn (the order alternating), so
    that all of them see the same disk and CPU conditions."""
    engines: dict[str, sa.Engine] = {}
    raws: dict[str, RawLedger] = {}
    pairs: list[tuple[Side, Side, str]] = []
    try:
        for workload in chosen:
            lib_db, raw_db = backend.fresh(f"{workload.key}_lib"), backend.fresh(f"{workload.key}_raw")
            engines[lib_db] = backend.engine(lib_db)
            raws[raw_db] = backend.raw(raw_db)
            ledger = Ledger(SqlUnitOfWorkFactory(engines[lib_db]))
            lib = Side(workload, "library", ledger, backend.seeded)
            pairs.append((lib, Side(workload, "raw", raws[raw_db], backend.seeded), raw_db))
        results = _run(pairs, plan)
        for result, (lib, raw, raw_db) in zip(results, pairs, strict=True):
            result.audited = check_library(lib.target, lib.done, full=True)
            raws.pop(raw_db).close()
            # The library's own audit on the baseline's database: the raw SQL wrote a ledger just as sound.
            raw_engine = engines[raw_db] = backend.engine(raw_db)
            raw_audit = Ledger(SqlUnitOfWorkFactory(raw_engine)).audit()
            if not raw_audit.ok or raw_audit.transfers != raw.done:
                raise InvariantBroken(f"raw database: audit failed: {raw_audit.problems[:5]}")
            result.audited += f"; raw: audit ok ({raw_audit.transfers} transfers)"
        return results
    finally:
        for db, engine in engines.items():
            engine.dispose()
            backend.drop(db)
        for db, raw_ledger in raws.items():
            with contextlib.suppress(Exception):
                raw_ledger.close()
            backend.drop(db)


def _run(pairs: list[tuple[Side, Side, str]], plan: Plan) -> list[Result]:
    results = [Result(lib.workload) for lib, _raw, _db in pairs]
    for lib, raw, _db in pairs:
        for side in (lib, raw):
            side.run("w:", plan.warmup)
            side.take()
    slices = max(1, round(plan.seconds / plan.slice))
    for rep in range(plan.reps):
        for n in range(slices):
            for lib, raw, _db in pairs:
                for side in (lib, raw) if (rep + n) % 2 == 0 else (raw, lib):
                    side.run(f"r{rep}:", plan.seconds / slices)
        for result, (lib, raw, _db) in zip(results, pairs, strict=True):
            for side, rates in ((lib, result.library), (raw, result.raw)):
                rate, cpu = side.take()
                rates.append(rate)
                result.cpu[side.name].append(cpu)
                side.check()
    return results


# -- reporting -----------------------------------------------------------------------------------------------


def _down(value: float, digits: int) -> float:
    """Rounded down, so that a figure shown at the target means the target is met."""
    return math.floor(value * 10**digits) / 10**digits


def _rate(values: list[float]) -> str:
    return f"{statistics.median(values):>8,.0f} ({max(values):,.0f})"


def report(backend: Backend, results: list[Result], seconds: float, reps: int) -> list[tuple[str, bool]]:
    target = TARGETS[backend.dialect]
    print()
    print(backend.title())
    print(f"transfers per second, median (best) of {reps} × {seconds:g} s per side")
    header = (
        f"{'workload':<31} {'library tx/s':>19} {'raw tx/s':>19} {'lib/raw':>8} "
        f"{'target':>8} {'met':>4} {'overhead':>12}"
    )
    print(header)
    print("-" * len(header))
    verdicts: list[tuple[str, bool]] = []
    for r in results:
        met = r.ratio >= target
        verdicts.append((f"{backend.name} {r.workload.key} lib/raw ≥ {target}×", met))
        print(
            f"{r.workload.label:<31} {_rate(r.library):>19} {_rate(r.raw):>19} {_down(r.ratio, 2):>7.2f}× "
            f"{'≥ ' + format(target, 'g') + '×':>8} {'yes' if met else 'NO':>4} {r.overhead_us:>8,.0f} µs"
        )
    by_key = {r.workload.key: r for r in results}
    if "single" in by_key and "batch" in by_key:
        lib = by_key["batch"].lib_median / by_key["single"].lib_median
        raw = by_key["batch"].raw_median / by_key["single"].raw_median
        met = lib >= BATCH_TARGET
        verdicts.append((f"{backend.name} batch ≥ {BATCH_TARGET:g}× single", met))
        print(
            f"{'batch ÷ single (library)':<31} {_down(lib, 1):>18.1f}× {_down(raw, 1):>18.1f}× {'':>8} "
            f"{'≥ ' + format(BATCH_TARGET, 'g') + '×':>8} {'yes' if met else 'NO':>4}"
        )
    print("overhead = 1/library − 1/raw (medians): the library's extra wall time per transfer")
    print("client CPU per transfer (this process: Python, driver and for SQLite the engine; medians):")
    for r in results:
        lib, raw = statistics.median(r.cpu["library"]), statistics.median(r.cpu["raw"])
        print(
            f"  {r.workload.key:<7} library {lib:6,.0f} µs   raw {raw:6,.0f} µs   extra {lib - raw:+6,.0f} µs"
        )
    print("checks after the runs:")
    for r in results:
        print(f"  {r.workload.key:<7} {r.audited}")
    return verdicts


def print_environment() -> None:
    print("p2pstock ledger benchmark")
    print(f"  Python {platform.python_version()} ({platform.python_implementation()}), {platform.platform()}")
    print(f"  CPUs: {os.cpu_count()}  ({platform.processor() or platform.machine()})")
    print(
        f"  SQLite {sqlite3.sqlite_version}, SQLAlchemy {sa.__version__}, attrs {metadata.version('attrs')}"
    )


# -- profiling -----------------------------------------------------------------------------------------------


def profile(backend: Backend, workload: Workload, seconds: float) -> None:
    """cProfile over the library's side of ``workload`` (after a warm-up), top costs by own time."""
    db = backend.fresh(f"{workload.key}_profile")
    engine = backend.engine(db)
    ledger = Ledger(SqlUnitOfWorkFactory(engine))
    try:
        run_for(workload.library, ledger, "w:", 0.5)
        profiler = cProfile.Profile()
        profiler.enable()
        steps, elapsed, _ = run_for(workload.library, ledger, "p:", seconds)
        profiler.disable()
        rate = steps * workload.per_step / elapsed
        print(f"\n{backend.title()}: {workload.label}, {rate:,.0f} tx/s under cProfile")
        stats = pstats.Stats(profiler)
        transfers = steps * workload.per_step
        print("own time by component, µs per transfer (cProfile inflates many small calls):")
        for component, seconds_spent in _components(stats).most_common(14):
            print(f"  {seconds_spent / transfers * 1e6:7.1f}  {component}")
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(r"p2pstock|uow|pool/base", 30)
    finally:
        engine.dispose()
        backend.drop(db)


def _components(stats: pstats.Stats) -> collections.Counter[str]:
    """Own time grouped by where the code lives."""
    groups: collections.Counter[str] = collections.Counter()
    for (filename, _line, function), row in stats.stats.items():  # type: ignore[attr-defined]
        own = row[2]
        if filename == "~":
            driver = "sqlite3" in function or "psycopg" in function
            component = f"C: {function}" if driver else "C builtins (re.fullmatch, getattr, isinstance …)"
        elif "site-packages/" in filename:
            package = filename.split("site-packages/")[1].split("/")[0]
            component = "attrs (evolve)" if package == "attr" else package
        elif "attrs generated" in filename:
            component = "attrs (generated __init__ with validators)"
        elif "/p2pstock/" in filename:
            component = "p2pstock/" + filename.split("/p2pstock/")[1]
        else:
            component = Path(filename).name
        groups[component] += own
    return groups


# -- main ----------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def opened(backend: Backend) -> Iterator[Backend]:
    try:
        backend.setup()
        yield backend
    finally:
        backend.close()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="timed seconds per side and repetition")
    parser.add_argument("--reps", type=int, default=3, help="repetitions, library and raw alternating")
    parser.add_argument("--slice", type=float, default=0.25, help="seconds per turn when interleaving")
    parser.add_argument("--warmup", type=float, default=0.3, help="warm-up seconds per side and workload")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "all"), default="all")
    parser.add_argument("--wallets", type=int, default=100, help="funded customer wallets")
    parser.add_argument(
        "--history", type=int, default=20_000, help="transfers already in the ledger before the runs"
    )
    parser.add_argument("--batch", type=int, default=100, help="transfers per linked batch (even)")
    parser.add_argument("--workload", choices=("single", "freeze", "batch", "all"), default="all")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("P2PSTOCK_BENCH_PG_URL", DEFAULT_PG_URL),
        help="an account allowed to CREATE DATABASE (default: $P2PSTOCK_BENCH_PG_URL or %(default)s)",
    )
    parser.add_argument(
        "--synchronous",
        choices=("FULL", "NORMAL", "OFF"),
        default="FULL",
        help="SQLite's synchronous mode for both sides (OFF leaves the CPU cost alone, for profiling)",
    )
    parser.add_argument("--dir", help="where the SQLite files go (default: the system's temporary directory)")
    parser.add_argument(
        "--profile", action="store_true", help="instead of the comparison: cProfile the library's side"
    )
    args = parser.parse_args(argv)
    if args.batch < 2 or args.batch % 2:
        parser.error("--batch must be an even number ≥ 2 (linked pairs)")
    if args.wallets < 2:
        parser.error("--wallets must be at least 2")
    return args


def select_backends(args: argparse.Namespace) -> list[Backend]:
    backends: list[Backend] = []
    if args.backend in ("sqlite", "all"):
        backends.append(SqliteBackend(args.wallets, args.history, args.dir, args.synchronous))
    if args.backend in ("postgres", "all"):
        pg = PostgresBackend(args.pg_url, args.wallets, args.history)
        problem = pg.reachable()
        if problem is None:
            print(f"  PostgreSQL {pg.version} (server), psycopg {metadata.version('psycopg')}")
            backends.append(pg)
        else:
            print(f"\nNOTE: PostgreSQL skipped, not reachable at {pg.where()}: {problem}")
    return backends


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print_environment()
    chosen = workloads(make_pairs(args.wallets), args.batch)
    if args.workload != "all":
        chosen = [w for w in chosen if w.key == args.workload]
    elif args.profile:
        chosen = chosen[:1]
    backends = select_backends(args)
    started = time.perf_counter()
    verdicts: list[tuple[str, bool]] = []
    try:
        for backend in backends:
            with opened(backend):
                if args.profile:
                    for workload in chosen:
                        profile(backend, workload, args.seconds)
                    continue
                print(f"  {backend.name}: measuring …", file=sys.stderr, flush=True)
                plan = Plan(args.seconds, args.reps, args.warmup, args.slice)
                results = measure(backend, chosen, plan)
                verdicts += report(backend, results, args.seconds, args.reps)
    except (InvariantBroken, BaselineError) as broken:
        print(f"\nFAILED: {type(broken).__name__}: {broken}", file=sys.stderr)
        return 1
    if verdicts:
        missed = [name for name, met in verdicts if not met]
        print(f"\ntargets met: {len(verdicts) - len(missed)} of {len(verdicts)}", end="")
        print(f"; missed: {', '.join(missed)}" if missed else "")
    print(f"finished in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
