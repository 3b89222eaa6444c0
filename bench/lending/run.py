"""P2P lending: investors racing to fill one loan, and one installment paid out to 1,000 investors.

    .venv/bin/python bench/lending/run.py [--backend sqlite|postgres|all] [--workload race|distribute|all]
                                          [--investors 200] [--holders 1000] [--threads 8] [--profile]

Workloads:

* ``race`` — one listed loan and ``--investors`` verified investors with funded wallets; ``--threads``
  worker threads submit one ``Lending.invest`` per investor, all at once. Four fifths of the bids fill the
  loan exactly (¥625 each: ¥100,000 for 200 investors); the rest find it full and are refused. Figures:
  wall time, bids per second (attempted and accepted), per-bid latency and the transactions retried after
  a conflict. Checks: the loan is full, funded exactly its amount, never more; the stored investments are
  exactly the accepted bids; every accepted investor has exactly its bid frozen and every refused one
  nothing; the ledger's audit replays and the trial balance balances.
* ``distribute`` — a disbursed loan held by ``--holders`` investors in equal shares (¥1,000 each); on the
  first installment's due date the borrower repays it (``Lending.repay``): one transaction that moves the
  payment through the loan's escrow to every investor (principal and interest, less the platform's fee)
  in one linked batch, updates every investment and queues a message to each. Side by side, for
  information: the ledger alone (``Ledger.create_transfers``) posting the very same transfers in one
  batch. Checks: what the investors received plus the fee is what the borrower paid, every investment
  received principal, the escrow is back to zero, the audit replays and the trial balance balances.

There is no raw-driver baseline: for the ledger's own cost against the driver, see ``bench/ledger``. The
state is built once per backend and workload (a template database); every repetition runs on its own copy
of it (a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL). A failed check ends the
benchmark with exit status 1. See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import cProfile
import gc
import logging
import os
import platform
import pstats
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import setup
import sqlalchemy as sa

from p2pstock.adapters.clock import ManualClock
from p2pstock.adapters.documents import MemoryDocumentStore
from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.migrate import upgrade
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.bootstrap import App, bootstrap
from p2pstock.config import Settings
from p2pstock.core.clock import to_micros
from p2pstock.core.errors import InvalidInput, Refused
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.service import MAX_BATCH
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.lending import repaying, repayments
from p2pstock.core.lending.loans import Investment, LoanStatus

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REQUEST_ID = "bench-repay-1"
"""The borrower's request id of the measured repayment."""
BENCH_KEY = "XqitpkaFRcLFh8L7qKmbTtzHmTn24l1feqK50pV0rgs="
"""Seals sub-account passwords (none in this benchmark; ``Settings`` wants a key)."""
BID = 62_500
"""¥625: what each racing investor bids. The loan is four fifths of the investors' bids."""
RACE_WALLET = 1_000_000
"""¥10,000 in each racing investor's wallet."""
SHARE = 100_000
"""¥1,000: what each holder of the distributed loan invested."""
MAX_THREADS = 30
"""The PostgreSQL engine's pool holds 10 connections and 20 overflow; the warm-up holds one per thread."""
CONFLICTS = "p2pstock.core.transactions"
"""The logger that says (at DEBUG) when a transaction is run again after a conflict."""


class InvariantBroken(RuntimeError):
    """A run did not do what it was asked, or left a database that does not add up."""


# -- the backends --------------------------------------------------------------------------------------------


class SqliteBackend:
    name = "sqlite"

    def __init__(self, directory: str | None, synchronous: str) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="p2pstock-bench-lending-", dir=directory))
        self.synchronous = synchronous

    def title(self) -> str:
        return f"SQLite {sqlite3.sqlite_version} (file, WAL, synchronous={self.synchronous}, {self.root})"

    def create_template(self, name: str) -> str:
        return str(self.root / f"template_{name}.db")

    def analyze(self, db: str) -> None:
        """Nothing: the library never runs ANALYZE on SQLite, so neither does the benchmark."""

    def seal_template(self, db: str) -> None:
        connection = sqlite3.connect(db)  # fold the WAL into the file before copying it
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()

    def fresh(self, template: str, tag: str) -> str:
        path = self.root / f"{tag}.db"
        shutil.copy(template, path)
        return str(path)

    def engine(self, db: str) -> sa.Engine:
        return create_engine(f"sqlite:///{db}", synchronous=self.synchronous)

    def drop(self, db: str) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(db + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class PostgresBackend:
    name = "postgres"

    def __init__(self, admin_url: str) -> None:
        self.url = sa.engine.make_url(admin_url)
        self.admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.prefix = f"p2pstock_bench_lending_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.created: list[str] = []
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

    def create_template(self, name: str) -> str:
        db = f"{self.prefix}_template_{name}"
        self._sql(f'CREATE DATABASE "{db}"')
        self.created.append(db)
        return db

    def analyze(self, db: str, statement: str = "ANALYZE") -> None:
        """Statistics, as autovacuum keeps them on a database in use (without them the planner scans
        where it should look up)."""
        admin = sa.create_engine(self._url(db), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(statement)
        admin.dispose()

    def seal_template(self, db: str) -> None:
        """Up-to-date statistics, which every copy inherits."""
        self.analyze(db, "VACUUM ANALYZE")

    def fresh(self, template: str, tag: str) -> str:
        db = f"{self.prefix}_{tag}"
        self._sql(f'CREATE DATABASE "{db}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        self.created.append(db)
        return db

    def engine(self, db: str) -> sa.Engine:
        return create_engine(self._url(db))

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


def open_app(engine: sa.Engine, clock: ManualClock) -> App:
    """The whole platform on ``engine``, as ``bootstrap`` wires it (no message senders: the outbox only
    fills, nothing is sent), except that a purchase of a debt leaves its transfer agreement to the jobs:
    printing it (a PDF with a CJK font, about a third of a second of CPU, after the purchase committed) is
    not the market's work, and ``agreement`` measures it apart."""
    app = bootstrap(
        Settings(encryption_key=BENCH_KEY, sms_provider="console"),
        uow_factory=SqlUnitOfWorkFactory(engine),
        clock=clock,
        documents=MemoryDocumentStore(),
        senders={},
    )
    app.debt_market.bought = ()
    return app


@contextlib.contextmanager
def building(backend: Backend, name: str) -> Iterator[tuple[App, str]]:
    """A new template database, migrated, and the platform on it at 10:00 on ``setup.START``; sealed
    (checkpointed or vacuumed) when the block ends."""
    db = backend.create_template(name)
    engine = backend.engine(db)
    try:
        upgrade(engine)
        yield open_app(engine, ManualClock(setup.shanghai(setup.START, 10))), db
    finally:
        engine.dispose()
    backend.seal_template(db)


@contextlib.contextmanager
def copy_of(backend: Backend, template: str, tag: str, at: datetime) -> Iterator[tuple[App, sa.Engine]]:
    """A fresh copy of ``template`` and the platform on it, its clock standing at ``at``."""
    db = backend.fresh(template, tag)
    engine = backend.engine(db)
    try:
        yield open_app(engine, ManualClock(at)), engine
    finally:
        engine.dispose()
        backend.drop(db)


@dataclass
class Timing:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, wall: float, cpu: float) -> None:
        self.wall.append(wall)
        self.cpu.append(cpu)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def best(self) -> float:
        return min(self.wall)


@contextlib.contextmanager
def timed(into: Timing) -> Iterator[None]:
    """Wall and CPU time of the block, which starts with no garbage left from before (a full collection
    of the setup's and earlier runs' objects would land in whichever side comes next)."""
    gc.collect()
    cpu, start = time.process_time(), time.perf_counter()
    yield
    into.add(time.perf_counter() - start, time.process_time() - cpu)


class ConflictCounter(logging.Handler):
    """Counts the transactions ``in_transaction`` runs again after a conflict (its DEBUG message)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith("transaction conflict"):
            self.count += 1


@contextlib.contextmanager
def counting_conflicts() -> Iterator[ConflictCounter]:
    logger = logging.getLogger(CONFLICTS)
    counter, level = ConflictCounter(), logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)


def check_books(app: App, side: str) -> int:
    """The ledger replays to what it stores and the trial balance balances; how many transfers it holds."""
    report = app.ledger.audit()
    if not report.ok:
        raise InvariantBroken(f"{side}: the ledger audit found {report.problems[:3]}")
    if not app.ledger.trial_balance().balanced:
        raise InvariantBroken(f"{side}: the trial balance does not balance")
    return report.transfers


# -- race: investors filling one loan ------------------------------------------------------------------------


@dataclass
class RaceTemplate:
    db: str
    loan_id: str
    investors: list[str]
    amount: int
    seconds: float

    @property
    def fits(self) -> int:
        return self.amount // BID


def build_race(backend: Backend, count: int) -> RaceTemplate:
    """Staff, product, borrower, ``count`` funded investors and one listed loan of ``count`` × 4/5 bids."""
    started = time.perf_counter()
    with building(backend, "race") as (app, db):
        setup.platform(app)
        investors = setup.investors(app, count, RACE_WALLET, batch=500)
        backend.analyze(db)
        amount = BID * max(1, count * 4 // 5)
        loan = setup.listed_loan(app, amount)
    return RaceTemplate(db, loan.id, investors, amount, time.perf_counter() - started)


@dataclass
class Bid:
    investor: str
    answer: Investment | Exception
    seconds: float


@dataclass
class RaceRun:
    timing: Timing = field(default_factory=Timing)
    conflicts: list[int] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    """Every bid's time, all repetitions."""
    refusals: collections.Counter[str] = field(default_factory=collections.Counter)
    """Why bids were refused (the error's message, the loan's id taken out), first repetition."""
    transfers: int = 0


def race_at() -> datetime:
    """An hour after the listing: bidding is open."""
    return setup.shanghai(setup.START, 11)


def race(backend: Backend, template: RaceTemplate, threads: int, tag: str, run: RaceRun) -> None:
    with copy_of(backend, template.db, tag, race_at()) as (app, _engine):
        with ThreadPoolExecutor(threads) as pool:
            warm_pool(app, pool, template.loan_id, threads)
            with counting_conflicts() as conflicts, timed(run.timing):
                bids = list(
                    pool.map(lambda investor: bid(app, template.loan_id, investor), template.investors)
                )
        run.conflicts.append(conflicts.count)
        run.latencies += [b.seconds for b in bids]
        if not run.refusals:
            run.refusals.update(
                _why(b.answer, template.loan_id) for b in bids if isinstance(b.answer, Exception)
            )
        run.transfers = check_race(app, template, bids)


def warm_pool(app: App, pool: ThreadPoolExecutor, loan_id: str, threads: int) -> None:
    """Every worker thread started and holding a pooled connection at the same time, before the clock
    starts, so that the timing has no thread start-up or connection opening in it."""
    together = threading.Barrier(threads)

    def hold(_: int) -> None:
        app.office.read(lambda tx: (tx.uow.loans.get(loan_id), together.wait(timeout=60)))

    list(pool.map(hold, range(threads)))


def bid(app: App, loan_id: str, investor: str) -> Bid:
    """One investor's bid; a refusal is an answer, not a failure."""
    start = time.perf_counter()
    try:
        answer: Investment | Exception = app.lending.invest(loan_id, investor_id=investor, amount=BID)
    except (Refused, InvalidInput) as refused:
        answer = refused
    return Bid(investor, answer, time.perf_counter() - start)


def _why(error: Exception, loan_id: str) -> str:
    return f"{type(error).__name__}: {str(error).replace(loan_id, '…')}"


def check_race(app: App, template: RaceTemplate, bids: list[Bid]) -> int:
    """The loan is full to the fen, its investments are the accepted bids, each frozen where it should be."""
    accepted = {b.investor: b.answer for b in bids if isinstance(b.answer, Investment)}
    loan = app.lending.get(template.loan_id)
    if (loan.status, loan.funded, loan.investors) != (LoanStatus.FULL, template.amount, len(accepted)):
        raise InvariantBroken(
            f"race: loan {loan.status.value}, funded {loan.funded} of {template.amount} "
            f"by {loan.investors} investments; {len(accepted)} bids accepted"
        )
    if len(accepted) != template.fits:
        raise InvariantBroken(f"race: {len(accepted)} bids accepted, {template.fits} fit")
    stored = app.lending.investments(template.loan_id)
    if sorted(i.id for i in stored) != sorted(i.id for i in accepted.values()):
        raise InvariantBroken("race: the stored investments are not the accepted bids")
    if sum(i.amount for i in stored) != loan.funded:
        raise InvariantBroken("race: the stored investments do not add up to the funded amount")
    for investor in template.investors:
        expected = BID if investor in accepted else 0
        balance = app.wallets.balance(investor)
        if (balance.frozen.minor, balance.available.minor) != (expected, RACE_WALLET - expected):
            raise InvariantBroken(f"race: {investor} has {balance.frozen} frozen, expected {expected} fen")
    escrow = app.ledger.account(chart.loan_escrow_id(template.loan_id)).balances
    if (escrow.credits_pending, escrow.credits_posted) != (template.amount, 0):
        raise InvariantBroken(f"race: the escrow holds {escrow.credits_pending} pending")
    return check_books(app, "race")


# -- distribute: one installment to every holder -------------------------------------------------------------


@dataclass
class DistributeTemplate:
    db: str
    loan_id: str
    holders: int
    amount: int
    due: date
    payment: int
    """What the first installment asks: its principal plus interest."""
    principal: int
    interest: int
    transfers: list[Transfer]
    """What the repayment must post: the same core functions ``Lending.repay`` calls, worked out ahead."""
    seconds: dict[str, float] = field(default_factory=dict)


def build_distribute(backend: Backend, holders: int) -> DistributeTemplate:
    """``holders`` investors fill a loan in equal shares; the risk officer's full review disburses it."""
    seconds: dict[str, float] = {}
    with building(backend, "distribute") as (app, db):
        with _stopwatch(seconds, "platform and investors"):
            setup.platform(app)
            investors = setup.investors(app, holders, SHARE, batch=500)
            backend.analyze(db)
        with _stopwatch(seconds, "investments"):
            loan = setup.listed_loan(app, SHARE * holders)
            setup.fill(app, loan, investors, SHARE, batch=500)
            backend.analyze(db)
        with _stopwatch(seconds, "full review"):
            loan = app.lending.approve_full(loan.id, by=setup.RISK_OFFICER)
        template = plan_repayment(app, db, loan.id, holders)
    template.seconds = seconds
    return template


@contextlib.contextmanager
def _stopwatch(into: dict[str, float], what: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    into[what] = time.perf_counter() - start


def plan_repayment(app: App, db: str, loan_id: str, holders: int) -> DistributeTemplate:
    """The first installment and the transfers paying it on its due date, as ``repaying.repay`` works
    them out (``repayments.apply``, ``settled_parts``, ``distribute``, ``transfers``; the payment is named
    after its request id, ``REQUEST_ID``)."""
    loan = app.lending.get(loan_id)
    first = app.lending.installments(loan_id)[0]
    total = first.principal + first.interest
    changed, _ = repayments.apply([first], total, to_micros(distribute_at(first.due)))
    settled = repayments.settled_parts([first], changed)
    out = repayments.distribute(app.lending.investments(loan_id), settled, loan.product.interest_fee_bp)
    moves = repayments.transfers(loan, repaying.payment_key(REQUEST_ID), total, out, 0)
    return DistributeTemplate(
        db, loan_id, holders, loan.amount, first.due, total, first.principal, first.interest, moves
    )


def distribute_at(due: date) -> datetime:
    return setup.shanghai(due, 12)


def distribute(backend: Backend, template: DistributeTemplate, tag: str, timing: Timing) -> None:
    at = distribute_at(template.due)
    with copy_of(backend, template.db, tag, at) as (app, engine):
        app.lending.get(template.loan_id)  # the pool's connection opened before the clock starts
        with timed(timing):
            loan = app.lending.repay(template.loan_id, customer_id=setup.BORROWER, request_id=REQUEST_ID)
        if loan.payments != 1 or not app.lending.installments(loan.id)[0].settled:
            raise InvariantBroken(f"distribute: {loan.payments} payments, the first installment open")
        check_distribution(app, template)
        told = count(engine, "SELECT count(*) FROM notification WHERE created_at = :at", at=to_micros(at))
        if told != template.holders + 1:
            raise InvariantBroken(f"distribute: {told} messages queued, {template.holders + 1} expected")


def check_distribution(app: App, template: DistributeTemplate) -> None:
    """The borrower paid what the investors received plus the fee, to the fen; every holder got principal
    and what the investments record is what the ledger moved; the escrow is empty again."""
    moved = moved_on(app, template.due)
    paid = moved.get(codes.LOAN_REPAYMENT, (0, 0))[1]
    received = sum(
        moved.get(c, (0, 0))[1] for c in (codes.LOAN_PRINCIPAL, codes.LOAN_INTEREST, codes.LOAN_PENALTY)
    )
    fee = moved.get(codes.LOAN_INTEREST_FEE, (0, 0))[1]
    if paid != template.payment or paid != received + fee:
        raise InvariantBroken(f"distribute: paid {paid}, received {received} + fee {fee}")
    posted = sum(n for n, _credits in moved.values())
    if posted != len(template.transfers):
        raise InvariantBroken(f"distribute: {posted} transfers posted, {len(template.transfers)} planned")
    investments = app.lending.investments(template.loan_id)
    if len(investments) != template.holders or min(i.principal_received for i in investments) <= 0:
        raise InvariantBroken("distribute: an investment received no principal")
    recorded = sum(i.principal_received + i.interest_received + i.penalty_received for i in investments)
    principal = sum(i.principal_received for i in investments)
    if recorded != received or principal != template.principal:
        raise InvariantBroken(f"distribute: investments record {recorded}, the ledger moved {received}")
    check_escrow_empty(app, template.loan_id, "distribute")
    check_books(app, "distribute")


def moved_on(app: App, day: date) -> dict[str, tuple[int, int]]:
    """(transfers, credits) by code on ``day``, platform-wide."""
    return {t.code: (t.count, t.credits) for t in app.ledger.statistics("day", start=day, end=day)}


def check_escrow_empty(app: App, loan_id: str, side: str) -> None:
    escrow = app.ledger.account(chart.loan_escrow_id(loan_id)).balances
    if escrow.credits_posted != escrow.debits_posted or escrow.credits_pending or escrow.debits_pending:
        raise InvariantBroken(f"{side}: the escrow is not empty: {escrow}")


def count(engine: sa.Engine, statement: str, **params: Any) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text(statement), params).scalar_one())


def ledger_alone(backend: Backend, template: DistributeTemplate, tag: str, timing: Timing) -> None:
    """The repayment's transfers, exactly, posted by ``Ledger.create_transfers`` in one batch."""
    with copy_of(backend, template.db, tag, distribute_at(template.due)) as (app, _engine):
        app.lending.get(template.loan_id)
        with timed(timing):
            outcomes = app.ledger.create_transfers(template.transfers)
        refused = [o for o in outcomes if not o.ok]
        if refused:
            raise InvariantBroken(f"ledger alone: {len(refused)} refused, first {refused[0]}")
        check_escrow_empty(app, template.loan_id, "ledger alone")
        check_books(app, "ledger alone")


# -- measuring -----------------------------------------------------------------------------------------------


@dataclass
class Results:
    race: RaceRun = field(default_factory=RaceRun)
    repay: Timing = field(default_factory=Timing)
    ledger: Timing = field(default_factory=Timing)


@dataclass
class Templates:
    race: RaceTemplate | None = None
    distribute: DistributeTemplate | None = None


def build(backend: Backend, args: argparse.Namespace, workloads: list[str]) -> Templates:
    templates = Templates()
    if "race" in workloads:
        print(f"  {backend.name}: building the race ({args.investors:,} investors) …", file=sys.stderr)
        templates.race = build_race(backend, args.investors)
    if "distribute" in workloads:
        print(f"  {backend.name}: building a loan held by {args.holders:,} …", file=sys.stderr, flush=True)
        templates.distribute = build_distribute(backend, args.holders)
    return templates


def measure(backend: Backend, templates: Templates, args: argparse.Namespace) -> Results:
    """``reps`` repetitions, each on fresh copies; the repayment and the ledger alone take turns."""
    results = Results()
    for rep in range(args.reps):
        if templates.race is not None:
            race(backend, templates.race, args.threads, f"r{rep}_race", results.race)
        if templates.distribute is not None:
            sides: list[tuple[Callable[..., None], str, Timing]] = [(distribute, "repay", results.repay)]
            if len(templates.distribute.transfers) <= MAX_BATCH:  # what create_transfers accepts
                sides.append((ledger_alone, "ledger", results.ledger))
            for side, tag, timing in sides if rep % 2 == 0 else sides[::-1]:
                side(backend, templates.distribute, f"r{rep}_{tag}", timing)
        print(f"  {backend.name}: repetition {rep + 1} of {args.reps} done", file=sys.stderr)
    return results


# -- reporting -----------------------------------------------------------------------------------------------


def _s(timing: Timing) -> str:
    return f"{timing.median:.3f} ({timing.best:.3f})"


def _yuan(fen: int) -> str:
    return f"¥{fen // 100:,}" + (f".{fen % 100:02d}" if fen % 100 else "")


def report(backend: Backend, templates: Templates, results: Results, threads: int) -> None:
    print()
    print(backend.title())
    if templates.race is not None:
        report_race(templates.race, results.race, threads)
    if templates.distribute is not None:
        report_distribute(templates.distribute, results)


def report_race(template: RaceTemplate, run: RaceRun, threads: int) -> None:
    bids, fits, timing = len(template.investors), template.fits, run.timing
    print(
        f"race: {bids:,} investors bid {_yuan(BID)} each for a {_yuan(template.amount)} loan on {threads} "
        f"threads ({fits:,} fit); setup {template.seconds:.1f} s"
    )
    print(f"  wall s, median (best) of {len(timing.wall)}: {_s(timing)}")
    print(
        f"  bids/s attempted {bids / timing.median:,.0f} (best {bids / timing.best:,.0f}), "
        f"accepted {fits / timing.median:,.0f} (best {fits / timing.best:,.0f})"
    )
    latencies = sorted(run.latencies)
    p50, p99 = latencies[len(latencies) // 2], latencies[min(len(latencies) - 1, len(latencies) * 99 // 100)]
    slowest = latencies[-1]
    print(f"  per bid ms, all repetitions: p50 {p50 * 1e3:.1f}, p99 {p99 * 1e3:.1f}, max {slowest * 1e3:.1f}")
    print(f"  client CPU s (median): {statistics.median(timing.cpu):.3f}")
    print(
        f"  accepted {fits:,}, refused {bids - fits:,}: "
        + "; ".join(f"{n} × {w}" for w, n in run.refusals.items())
    )
    print(f"  transactions run again after a conflict, per repetition: {run.conflicts}")
    print(
        f"  checks: loan full at exactly {_yuan(template.amount)}, investments = accepted bids, each "
        f"accepted bid frozen and nothing else, audit ok ({run.transfers:,} transfers), books balanced"
    )


def report_distribute(template: DistributeTemplate, results: Results) -> None:
    moves, repay, alone = len(template.transfers), results.repay, results.ledger
    print(
        f"distribute: installment 1 of a {_yuan(template.amount)} loan held by {template.holders:,} "
        f"investors, {_yuan(template.payment)} ({_yuan(template.principal)} principal, "
        f"{_yuan(template.interest)} interest) on {template.due}"
    )
    print("  setup: " + ", ".join(f"{what} {s:.1f} s" for what, s in template.seconds.items()))
    print(f"  seconds, median (best) of {len(repay.wall)}, each on a fresh copy of the template")
    header = f"  {'side':<50} {'wall s':>15} {'transfers/s':>12} {'client CPU s':>13}"
    print(header)
    print("  " + "-" * (len(header) - 2))
    for label, timing in (
        (f"library  Lending.repay ({moves:,} transfers, 1 tx)", repay),
        ("ledger   create_transfers, the same transfers", alone),
    ):
        if timing.wall:
            print(
                f"  {label:<50} {_s(timing):>15} {moves / timing.median:>12,.0f} "
                f"{statistics.median(timing.cpu):>13.3f}"
            )
    if alone.wall:
        print(f"  library ÷ ledger alone (medians): {repay.median / alone.median:.1f}×")
    else:
        print(f"  ledger alone not run: create_transfers takes at most {MAX_BATCH:,} transfers a batch")
    print(
        f"  checks: paid = received + fee, {template.holders:,} investments with principal, escrow empty, "
        f"{template.holders + 1:,} messages queued, audit ok, trial balance balanced"
    )


def print_environment() -> None:
    print("p2pstock lending benchmark")
    print(f"  Python {platform.python_version()} ({platform.python_implementation()}), {platform.platform()}")
    print(f"  CPUs: {os.cpu_count()}  ({platform.processor() or platform.machine()})")
    print(
        f"  SQLite {sqlite3.sqlite_version}, SQLAlchemy {sa.__version__}, attrs {metadata.version('attrs')}"
    )


# -- profiling -----------------------------------------------------------------------------------------------


def profile(backend: Backend, templates: Templates, threads: int) -> None:
    """cProfile over one run of each workload on a fresh copy (in the race, every worker thread's bids):
    own time grouped by component, then the top functions by own and by cumulative time."""
    if templates.race is not None:
        stats, elapsed = profile_race(backend, templates.race, threads)
        show_profile(f"{backend.title()}: race of {len(templates.race.investors):,} bids", stats, elapsed)
    if templates.distribute is not None:
        template = templates.distribute
        with copy_of(backend, template.db, "profile_repay", distribute_at(template.due)) as (app, _engine):
            app.lending.get(template.loan_id)
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.runcall(
                app.lending.repay, template.loan_id, customer_id=setup.BORROWER, request_id=REQUEST_ID
            )
            elapsed = time.perf_counter() - started
            check_distribution(app, template)
        title = f"{backend.title()}: repay to {template.holders:,} holders"
        show_profile(title, pstats.Stats(profiler), elapsed)


def profile_race(backend: Backend, template: RaceTemplate, threads: int) -> tuple[pstats.Stats, float]:
    """One profiler per worker thread (cProfile sees only its own thread), merged."""
    profilers: dict[int, cProfile.Profile] = {}

    def profiled_bid(investor: str) -> Bid:
        profiler = profilers.setdefault(threading.get_ident(), cProfile.Profile())
        return profiler.runcall(bid, app, template.loan_id, investor)

    with copy_of(backend, template.db, "profile_race", race_at()) as (app, _engine):
        with ThreadPoolExecutor(threads) as pool:
            warm_pool(app, pool, template.loan_id, threads)
            started = time.perf_counter()
            bids = list(pool.map(profiled_bid, template.investors))
            elapsed = time.perf_counter() - started
        check_race(app, template, bids)
    first, *others = profilers.values()
    stats = pstats.Stats(first)
    for other in others:
        stats.add(other)
    return stats, elapsed


def show_profile(title: str, stats: pstats.Stats, elapsed: float) -> None:
    print(f"\n{title}, {elapsed:.2f} s wall under cProfile")
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    print(
        f"own time by component, ms (of {total * 1e3:,.0f} ms profiled; cProfile inflates many small calls):"
    )
    for component, seconds_spent in _components(stats).most_common(18):
        print(f"  {seconds_spent * 1e3:9.1f}  {component}")
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(r"p2pstock|uow", 35)


def _components(stats: pstats.Stats) -> collections.Counter[str]:
    """Own time grouped by where the code lives."""
    groups: collections.Counter[str] = collections.Counter()
    for (filename, _line, function), row in stats.stats.items():  # type: ignore[attr-defined]
        own = row[2]
        if filename == "~":
            driver = "sqlite3" in function or "psycopg" in function
            component = f"C: {function}" if driver else f"C builtins: {function}"
        elif "site-packages/" in filename:
            component = filename.split("site-packages/")[1].split("/")[0]
        elif "attrs generated" in filename:
            component = "attrs (generated methods)"
        elif "/p2pstock/" in filename:
            component = "p2pstock/" + filename.split("/p2pstock/")[1]
        else:
            component = f"stdlib: {Path(filename).name}"
        groups[component] += own
    return groups


# -- main ----------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "all"), default="all")
    parser.add_argument("--workload", choices=("race", "distribute", "all"), default="all")
    parser.add_argument("--investors", type=int, default=200, help="racing investors, one bid each")
    parser.add_argument("--holders", type=int, default=1_000, help="investors the installment is paid to")
    parser.add_argument(
        "--threads", type=int, default=8, help=f"worker threads in the race (1–{MAX_THREADS})"
    )
    parser.add_argument("--reps", type=int, default=3, help="repetitions, each on fresh copies")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 20 investors, 50 holders, 1 rep")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("P2PSTOCK_BENCH_PG_URL", DEFAULT_PG_URL),
        help="an account allowed to CREATE DATABASE (default: $P2PSTOCK_BENCH_PG_URL or %(default)s)",
    )
    parser.add_argument(
        "--synchronous", choices=("FULL", "NORMAL", "OFF"), default="FULL", help="SQLite's synchronous mode"
    )
    parser.add_argument("--dir", help="where the SQLite files go (default: the system's temporary directory)")
    parser.add_argument(
        "--profile", action="store_true", help="instead of the figures: cProfile one run each"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.investors, args.holders, args.reps = 20, 50, 1
    if args.investors < 3 or args.holders < 1 or args.reps < 1:
        parser.error("--investors must be at least 3, --holders and --reps at least 1")
    if not 1 <= args.threads <= MAX_THREADS:
        parser.error(f"--threads must be 1 to {MAX_THREADS}")
    if SHARE * args.holders > setup.PRODUCT.amount_max or BID * args.investors > setup.PRODUCT.amount_max:
        parser.error(f"the loans must stay within the product's {_yuan(setup.PRODUCT.amount_max)}")
    return args


def select_backends(args: argparse.Namespace) -> list[Backend]:
    backends: list[Backend] = []
    if args.backend in ("sqlite", "all"):
        backends.append(SqliteBackend(args.dir, args.synchronous))
    if args.backend in ("postgres", "all"):
        pg = PostgresBackend(args.pg_url)
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
    workloads = ["race", "distribute"] if args.workload == "all" else [args.workload]
    started = time.perf_counter()
    try:
        for backend in select_backends(args):
            try:
                templates = build(backend, args, workloads)
                if args.profile:
                    profile(backend, templates, args.threads)
                    continue
                report(backend, templates, measure(backend, templates, args), args.threads)
            finally:
                backend.close()
    except InvariantBroken as broken:
        print(f"\nFAILED: {broken}", file=sys.stderr)
        return 1
    print(f"\nfinished in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
