"""Allocations: a day's statement of 10,000 running allocations imported, and the daily fee job.

    .venv/bin/python bench/allocation/run.py [--backend sqlite|postgres|all] [--count N] [--profile]

Workloads, on ``count`` running daily allocations (ten per verified customer, see ``setup.py``):

* ``import`` — ``Allocations.import_statement``: a CSV statement with one row per allocation for one
  trading day, every row validated, its risk read, and the ``--warning-pct`` that fell below the warning
  line moved to ``warning`` (their status rows carry the new state) and alerted (the customer by bot and
  SMS, the risk officer by one digest), with one audit record naming the statement and every crossing;
  side by side with the raw-driver baseline of the target (``raw.py``), which inserts the same status rows
  in one transaction on sqlite3 / psycopg, and, for information, a wider one (raw+) that writes every row
  the import writes (the audit record and the alerts too, as a library run wrote them), and the floor of a
  Python import (each line read with one regular expression, the sub-accounts looked up, then raw+'s
  writes), and that floor working out its status rows itself (each row's allocation, risk ratio and risk
  state, checked equal to the library's) rather than taking them from a library run. Each share of
  crossings given (``--warning-pct 5 0.5``, the default) is a statement of its own, measured on the same
  template;
* ``fees`` — ``Allocations.charge_fees``: one day's fee for every allocation, from its wallet; side by
  side with the raw-driver baseline of its target (``raw.py``), which posts the same fee transfers (the
  same ids, wallets and amounts) in one transaction, stored as the ledger stores them, and, for
  information, a wider one (raw+) that also writes the allocation rows, events and audit records a library
  run wrote, and the floor of a Python fee job (each allocation's text decoded and encoded, the event and
  audit JSON and hash chain computed, raw+'s writes).

The state is built once per backend (a template: migrated, then staff, product, capital pool, customers,
the allocations started, and a first day of history). Every repetition of every workload and side runs on
its own copy of the template (a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL), so
each one starts from the same state and imports the same day for the first time. After each run the
results are checked; a broken check ends the benchmark with exit status 1. See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import cProfile
import dataclasses
import gc
import json
import math
import os
import platform
import pstats
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

import setup
import sqlalchemy as sa
from raw import (
    AUDIT_COLUMNS,
    NOTIFICATION_COLUMNS,
    STATEMENT_COLUMNS,
    Extra,
    FeeExtra,
    FeeTransfer,
    RawStatuses,
    StatusRow,
    read_statement,
)

from p2pstock.adapters.clock import ManualClock
from p2pstock.adapters.documents import MemoryDocumentStore
from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.migrate import upgrade
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.bootstrap import App, bootstrap
from p2pstock.config import Settings
from p2pstock.core.allocation.allocations import Allocation, Risk, Status
from p2pstock.core.allocation.risk import read_risk
from p2pstock.core.allocation.statuses import Source
from p2pstock.core.clock import to_micros
from p2pstock.core.ledger import chart, codes

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BENCH_KEY = "XqitpkaFRcLFh8L7qKmbTtzHmTn24l1feqK50pV0rgs="
"""Seals the sub-account passwords of the benchmark's allocations (a throwaway key)."""
TARGETS = ((0.5, 3.0), (5.0, 4.0))
"""(share of crossings in per cent, at most; the import's time at most this many times the baseline's)."""
FEE_TARGETS = {"sqlite": 4.0, "postgres": 3.0}
"""The fee job may take at most this many times its baseline's time, by backend."""
CUSTOMER_ALERTS_PER_CROSSING = 2
"""Queued per allocation that crosses the warning line: the customer by bot and by SMS (the risk officer
gets one digest of them all)."""


def target_of(warning_pct: float) -> float | None:
    """The target for a share of crossings (``None`` above the largest share with one)."""
    return next((target for share, target in TARGETS if warning_pct <= share), None)


class InvariantBroken(RuntimeError):
    """A run did not do what it was asked, or left a database that does not add up."""


# -- the backends --------------------------------------------------------------------------------------------


class SqliteBackend:
    name = "sqlite"
    dialect = "sqlite"

    def __init__(self, directory: str | None, synchronous: str) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="p2pstock-bench-alloc-", dir=directory))
        self.template = str(self.root / "template.db")
        self.synchronous = synchronous

    def title(self) -> str:
        return f"SQLite {sqlite3.sqlite_version} (file, WAL, synchronous={self.synchronous}, {self.root})"

    def create_template(self) -> str:
        return self.template

    def analyze(self) -> None:
        """Nothing: the library never runs ANALYZE on SQLite, so neither does the benchmark."""

    def seal_template(self) -> None:
        connection = sqlite3.connect(self.template)  # fold the WAL into the file before copying it
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()

    def fresh(self, tag: str) -> str:
        path = self.root / f"{tag}.db"
        shutil.copy(self.template, path)
        return str(path)

    def engine(self, db: str) -> sa.Engine:
        return create_engine(f"sqlite:///{db}", synchronous=self.synchronous)

    def raw(self, db: str) -> RawStatuses:
        return RawStatuses.sqlite(db, self.synchronous)

    def drop(self, db: str) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(db + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class PostgresBackend:
    name = "postgres"
    dialect = "postgresql"

    def __init__(self, admin_url: str) -> None:
        self.url = sa.engine.make_url(admin_url)
        self.admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.prefix = f"p2pstock_bench_alloc_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.template = f"{self.prefix}_template"
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

    def create_template(self) -> str:
        self._sql(f'CREATE DATABASE "{self.template}"')
        self.created.append(self.template)
        return self.template

    def analyze(self, statement: str = "ANALYZE") -> None:
        """Statistics for the growing template, as autovacuum keeps them on a database in use: without
        them (or with those of tiny tables) the planner scans where it should look up, and the setup slows
        down as the tables grow."""
        admin = sa.create_engine(self._url(self.template), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(statement)
        admin.dispose()

    def seal_template(self) -> None:
        """Up-to-date statistics, which every copy inherits."""
        self.analyze("VACUUM ANALYZE")

    def fresh(self, tag: str) -> str:
        db = f"{self.prefix}_{tag}"
        self._sql(f'CREATE DATABASE "{db}" TEMPLATE "{self.template}" STRATEGY FILE_COPY')
        self.created.append(db)
        return db

    def engine(self, db: str) -> sa.Engine:
        return create_engine(self._url(db))

    def raw(self, db: str) -> RawStatuses:
        return RawStatuses.postgres(
            self.url.set(drivername="postgresql", database=db).render_as_string(hide_password=False)
        )

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
    fills, nothing is sent)."""
    return bootstrap(
        Settings(encryption_key=BENCH_KEY, sms_provider="console"),
        uow_factory=SqlUnitOfWorkFactory(engine),
        clock=clock,
        documents=MemoryDocumentStore(),
        senders={},
    )


# -- the template --------------------------------------------------------------------------------------------


@dataclass
class Template:
    count: int
    setup_seconds: float = 0.0
    history_seconds: float = 0.0
    allocations: list[Allocation] = field(default_factory=list)
    """As the template holds them, by number (sub-account ``HOMS-{n:06d}``)."""


def build_template(backend: Backend, count: int, mode: str, batch: int) -> Template:
    """Migrate, then build the running allocations and their first day through the library."""
    db = backend.create_template()
    engine = backend.engine(db)
    template = Template(count)
    try:
        upgrade(engine)
        clock = ManualClock(setup.shanghai(setup.START, 9, 30))
        app = open_app(engine, clock)
        started = time.perf_counter()
        setup.platform(app)
        setup.fund_pool(app, count)
        setup.customers(app, count, batch)
        backend.analyze()

        def progress(done: int) -> None:
            if done == count or done % (4 * batch) == 0:
                elapsed = time.perf_counter() - started
                print(f"  {backend.name}: {done:,} allocations started, {elapsed:.0f} s", file=sys.stderr)
            if done <= 4 * batch or done % (4 * batch) == 0 or done == count:
                backend.analyze()  # after each of the first batches, while the tables are small

        setup.allocations(app, count, mode=mode, batch=batch, progress=progress)
        template.setup_seconds = time.perf_counter() - started
        started = time.perf_counter()
        setup.history(app, clock, count)
        template.history_seconds = time.perf_counter() - started
        codes_ = [setup.sub_account(i) for i in range(count)]
        found = app.office.read(lambda tx: tx.uow.allocations.by_sub_account(codes_))
        template.allocations = [found[code] for code in codes_]
    finally:
        engine.dispose()
    backend.seal_template()
    return template


# -- the workloads -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    """What the measured import is: the statement, when it is imported and what it must leave behind."""

    warning_pct: float
    trade_date: date
    text: str
    now: int
    """The import's time (16:00 in Shanghai on ``trade_date``), in microseconds: ``entered_at``."""
    rows: list[StatusRow]
    """The status rows the import must store, sorted by allocation id: also what the baseline inserts."""
    allocation_rows: list[tuple[str, int, str]]
    """(id, version, risk) of every running allocation after the import, by id: the version unchanged, the
    risk state as its latest status gives it."""
    crossings: list[str]
    """The allocations that cross the warning line, by id."""
    extra: Extra | None = None
    """The audit record and alerts of a library run (``capture_extra``; the wider baseline inserts them)."""


def plan_day(template: Template, warning_pct: float) -> Day:
    """The statement of ``MEASURED_DAY`` and the rows it must give (from the template's allocations,
    ``read_risk``, the library's own rule)."""
    warning_every = round(100 / warning_pct) if warning_pct else 0
    day = setup.MEASURED_DAY
    now = to_micros(setup.shanghai(day, 16))
    rows: list[StatusRow] = []
    states: list[tuple[str, int, str]] = []
    crossings = []
    for i, allocation in enumerate(template.allocations):
        amounts = setup.figures_of(setup.assets_of(i, day, warning_every))
        reading = read_risk(
            allocation.risk,
            amounts[0],
            warning_line=allocation.warning_line,
            liquidation_line=allocation.liquidation_line,
            allocated=allocation.allocated,
            unpaid_fees=allocation.fees_unpaid,
        )
        if reading.changed:
            crossings.append(allocation.id)
        states.append((allocation.id, allocation.version, reading.after.value))
        rows.append(
            (
                allocation.id,
                day.isoformat(),
                1,
                *amounts,
                "",
                Source.CSV.value,
                setup.ADMIN,
                now,
                reading.ratio_bp,
                reading.before.value,
                reading.after.value,
            )
        )
    rows.sort()
    text = setup.statement(template.count, day, warning_every)
    return Day(warning_pct, day, text, now, rows, sorted(states), sorted(crossings))


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


@contextlib.contextmanager
def timed(into: Timing) -> Iterator[None]:
    gc.collect()  # what earlier runs left is not this run's to collect
    cpu, start = time.process_time(), time.perf_counter()
    yield
    into.add(time.perf_counter() - start, time.process_time() - cpu)


@contextlib.contextmanager
def library(backend: Backend, tag: str, hour: int) -> Iterator[tuple[App, str]]:
    """A fresh copy of the template and the platform on it, its clock at ``hour`` in Shanghai on the
    measured day; the pool's connection is opened (and the statement cache started) before any timing."""
    db = backend.fresh(tag)
    engine = backend.engine(db)
    try:
        app = open_app(engine, ManualClock(setup.shanghai(setup.MEASURED_DAY, hour)))
        app.allocations.queue([Status.IN_PROGRESS], by=setup.ADMIN, limit=1)
        yield app, db
    finally:
        engine.dispose()
        backend.drop(db)


ImportSide = Callable[[Backend, Day, str, Timing], None]


def import_library(backend: Backend, day: Day, tag: str, timing: Timing) -> None:
    with library(backend, tag, 16) as (app, db):
        with timed(timing):
            report = app.allocations.import_statement(day.text, by=setup.ADMIN)
        if not report.ok or report.applied != len(day.rows):
            raise InvariantBroken(f"import: applied {report.applied} of {len(day.rows)}: {report.errors[:3]}")
        raised = sorted(c[0] for c in report.changes if c[2] is Risk.WARNING)
        if len(report.changes) != len(day.crossings) or raised != day.crossings:
            raise InvariantBroken(
                f"import: {len(report.changes)} risk changes, {len(day.crossings)} expected"
            )
        raw = backend.raw(db)
        try:
            check_import(raw, day, "library", full=True)
        finally:
            raw.close()


def import_raw(backend: Backend, day: Day, tag: str, timing: Timing) -> None:
    db = backend.fresh(tag)
    raw = backend.raw(db)
    try:
        with timed(timing):
            raw.insert(day.rows)
        check_import(raw, day, "raw", full=False)
    finally:
        raw.close()
        backend.drop(db)


def import_floor(backend: Backend, day: Day, tag: str, timing: Timing, *, built: bool = False) -> None:
    """The floor: the statement read, the sub-accounts looked up and raw+'s writes, with the status rows
    of the library's run or, ``built``, worked out (``raw.status_rows``, checked equal to the library's)."""
    if day.extra is None:
        raise InvariantBroken("the floor needs the rows of a library run (capture_extra)")
    side = "floor, rows built" if built else "floor"
    db = backend.fresh(tag)
    raw = backend.raw(db)
    try:
        with timed(timing):
            read = read_statement(day.text)
            if built:
                rows = raw.import_built(read, day.extra, now=day.now, actor=setup.ADMIN)
            else:
                found = raw.write_bulk(day.rows, day.extra, look_up=[code for code, _, _, _ in read])
        if built:
            _same(f"{side}: the rows worked out", rows, day.rows)
        elif len(read) != len(day.rows) or found != len(day.rows):
            raise InvariantBroken(f"floor: {len(read)} rows read, {found} found, {len(day.rows)} expected")
        check_import(raw, day, side, full=True)
    finally:
        raw.close()
        backend.drop(db)


def import_floor_built(backend: Backend, day: Day, tag: str, timing: Timing) -> None:
    import_floor(backend, day, tag, timing, built=True)


def capture_extra(backend: Backend, day: Day) -> Day:
    """``day`` with the audit records and alerts of one library run (untimed), read back for raw+."""
    with library(backend, "capture", 16) as (app, db):
        report = app.allocations.import_statement(day.text, by=setup.ADMIN)
        if not report.ok:
            raise InvariantBroken(f"capture: {report.errors[:3]}")
        raw = backend.raw(db)
        try:
            audit = raw.rows(
                f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit_record WHERE at = ? ORDER BY seq", day.now
            )
            columns = ", ".join(NOTIFICATION_COLUMNS)
            alerts = raw.rows(f"SELECT {columns} FROM notification WHERE created_at = ? ORDER BY id", day.now)
            seq, digest = raw.rows("SELECT seq, hash FROM audit_head WHERE id = 1")[0]
            remembered = f"SELECT {', '.join(STATEMENT_COLUMNS)} FROM allocation_statement"
            statements = raw.rows(f"{remembered} WHERE imported_at = ?", day.now)
        finally:
            raw.close()
    return dataclasses.replace(day, extra=Extra(audit, alerts, (seq, digest), statements))


def import_raw_bulk(backend: Backend, day: Day, tag: str, timing: Timing) -> None:
    db = backend.fresh(tag)
    raw = backend.raw(db)
    try:
        if day.extra is None:
            raise InvariantBroken("raw+ needs the rows of a library run (capture_extra)")
        with timed(timing):
            raw.write_bulk(day.rows, day.extra)
        check_import(raw, day, "raw+", full=True)
    finally:
        raw.close()
        backend.drop(db)


_ALLOCATIONS = (
    "SELECT a.id, a.version, (SELECT s.risk_after FROM allocation_daily_status s "
    "WHERE s.allocation_id = a.id ORDER BY s.trade_date DESC, s.revision DESC LIMIT 1) "
    "FROM allocation a WHERE a.status = 'in_progress' "
    "ORDER BY a.id"
)
"""Every running allocation's version and risk state (its latest status's)."""
_EVENTS = "SELECT count(*) FROM allocation_event WHERE at = ?"
_FEE_EVENTS = (
    "SELECT allocation_id, seq, at, kind, actor, data FROM allocation_event WHERE at = ? ORDER BY 1, 2"
)
_OFFICER = str(setup.RISK_OFFICER_TELEGRAM)
_REPORTS = ("配资日报", "Your allocations today")
"""How a customer's daily report begins (``allocation.daily_report``)."""


def _same(what: str, stored: list[tuple[Any, ...]], expected: list[tuple[Any, ...]]) -> None:
    if stored != expected:
        wrong = next(((a, b) for a, b in zip(stored, expected, strict=False) if a != b), ())
        raise InvariantBroken(
            f"{what}: {len(stored)} stored, {len(expected)} expected; first difference {wrong}"
        )


def check_import(raw: RawStatuses, day: Day, side: str, *, full: bool) -> None:
    """The day's status rows are exactly the planned ones; with ``full``, also every running allocation's
    version and risk state, no timeline event, one audit record naming every crossing, each customer one daily
    report, two alerts per
    crossing to its customer and a digest to the risk officer naming each crossing once, and the statement
    remembered."""
    _same(f"{side}: status rows", raw.day(day.trade_date.isoformat()), day.rows)
    if not full:
        return
    _same(f"{side}: allocation rows", raw.rows(_ALLOCATIONS), day.allocation_rows)
    [(after,)] = raw.rows("SELECT after FROM audit_record WHERE at = ?", day.now)
    named = sorted(crossing["allocation"] for crossing in json.loads(after)["crossings"])
    _same(
        f"{side}: crossings named by the audit record", [(a,) for a in named], [(a,) for a in day.crossings]
    )
    alerts = raw.rows("SELECT recipient, text FROM notification WHERE created_at = ?", day.now)
    digest = "\n".join(text for recipient, text in alerts if recipient == _OFFICER)
    told = sorted(a for a in day.crossings if digest.count(f" {a} ") == 1)
    _same(
        f"{side}: crossings told to the risk officer once",
        [(a,) for a in told],
        [(a,) for a in day.crossings],
    )
    counts = {
        "timeline events": (raw.scalar(_EVENTS, day.now), 0),
        "customer alerts queued": (
            sum(recipient != _OFFICER and not text.startswith(_REPORTS) for recipient, text in alerts),
            CUSTOMER_ALERTS_PER_CROSSING * len(day.crossings),
        ),
        "customers sent their daily report": (
            len({recipient for recipient, text in alerts if text.startswith(_REPORTS)}),
            math.ceil(len(day.rows) / setup.PER_CUSTOMER),
        ),
        "statements remembered": (
            raw.scalar("SELECT count(*) FROM allocation_statement WHERE imported_at = ?", day.now),
            1,
        ),
    }
    for what, (found, expected) in counts.items():
        if int(found) != expected:
            raise InvariantBroken(f"{side}: {found} {what}, {expected} expected")


@dataclass(frozen=True)
class Fees:
    """What the measured fee job must do: the fee transfers (what the baseline posts) and the balances
    every account must have afterwards."""

    day: str
    now: int
    """The job's time (17:00 in Shanghai on the measured day), in microseconds."""
    transfers: list[FeeTransfer]
    """One per allocation, by allocation id: the library's transfer id, the wallet, the period's fee."""
    balances: list[tuple[Any, ...]]
    """(id, debits pending, debits posted, credits pending, credits posted) of every account after the job."""
    extra: FeeExtra | None = None
    """What a library run wrote beside the transfers (``capture_fee_rows``; the wider baseline writes it)."""


_FEE_TRANSFERS = "SELECT id, debit_account_id, amount, reference FROM transfer WHERE code = ? AND day = ?"
_BALANCES = (
    "SELECT id, debits_pending, debits_posted, credits_pending, credits_posted FROM account ORDER BY id"
)


def plan_fees(backend: Backend, template: Template, db: str) -> Fees:
    """The measured day's fee of every allocation of the template (its next period, from its wallet), and
    the balances of the template's accounts (read from ``db``, the template) moved on by them."""
    transfers = [
        (
            f"alloc:{a.id}:fee{a.periods_charged + 1}",
            chart.wallet_id(a.customer_id),
            a.fee_per_period,
            a.id,
        )
        for a in sorted(template.allocations, key=lambda a: a.id)
    ]
    raw = backend.raw(db)
    try:
        accounts = {row[0]: list(row[1:]) for row in raw.rows(_BALANCES)}
    finally:
        raw.close()
    income = chart.fee_income().id
    for _, wallet, amount, _ in transfers:
        accounts[wallet][1] += amount
        accounts[income][3] += amount
    balances = [(account, *values) for account, values in sorted(accounts.items())]
    now = to_micros(setup.shanghai(setup.MEASURED_DAY, 17))
    return Fees(setup.MEASURED_DAY.isoformat(), now, transfers, balances)


def check_fees(raw: RawStatuses, fees: Fees, side: str) -> None:
    """The day's fee transfers are exactly the planned ones, and every account's balances as planned."""
    expected = sorted((t[0], t[1], t[2], t[3]) for t in fees.transfers)
    stored = sorted(raw.rows(_FEE_TRANSFERS, codes.ALLOCATION_FEE, fees.day))
    _same(f"{side}: fee transfers", stored, expected)
    _same(f"{side}: account balances", raw.rows(_BALANCES), fees.balances)


def fee_job(backend: Backend, fees: Fees, tag: str, timing: Timing) -> None:
    count = len(fees.transfers)
    with library(backend, tag, 17) as (app, db):
        with timed(timing):
            charged = app.allocations.charge_fees(setup.MEASURED_DAY)
        if charged != count:
            raise InvariantBroken(f"fee job: {charged} allocations charged, {count} expected")
        if not app.ledger.trial_balance().balanced:
            raise InvariantBroken("fee job: the trial balance does not balance")
        raw = backend.raw(db)
        try:
            check_fees(raw, fees, "library")
            moved = raw.scalar(
                "SELECT count(*) FROM allocation WHERE status = 'in_progress' AND next_fee_date > ?", fees.day
            )
            events = raw.scalar(
                "SELECT count(*) FROM allocation_event WHERE kind = 'fee' AND at = ?", fees.now
            )
            audited = raw.scalar(
                "SELECT count(*) FROM audit_record WHERE action = 'allocation.fee' AND at = ?", fees.now
            )
            told = raw.scalar(
                "SELECT count(DISTINCT recipient) FROM notification WHERE created_at = ?", fees.now
            )
        finally:
            raw.close()
        if (int(moved), int(events), int(audited)) != (count, count, count):
            raise InvariantBroken(
                f"fee job: {moved} allocations moved on, {events} events, {audited} audit records of {count}"
            )
        if int(told) != math.ceil(count / setup.PER_CUSTOMER):
            raise InvariantBroken(f"fee job: {told} customers told of their fees")


def fee_raw(backend: Backend, fees: Fees, tag: str, timing: Timing, *, wide: bool = False) -> None:
    db = backend.fresh(tag)
    raw = backend.raw(db)
    side = "raw+" if wide else "raw"
    try:
        if wide and fees.extra is None:
            raise InvariantBroken("raw+ needs the rows of a library run (capture_fee_rows)")
        with timed(timing):
            raw.charge_fees(
                fees.transfers,
                income=chart.fee_income().id,
                code=codes.ALLOCATION_FEE,
                now=fees.now,
                day=fees.day,
                extra=fees.extra if wide else None,
            )
        check_fees(raw, fees, side)
        if wide and fees.extra is not None:
            _same(f"{side}: events", raw.rows(_FEE_EVENTS, fees.now), fees.extra.events)
            _same(f"{side}: audit records", raw.rows(_AUDITED, fees.now), fees.extra.audit)
            _same(f"{side}: fee digests", raw.rows(_TOLD, fees.now), fees.extra.notifications)
    finally:
        raw.close()
        backend.drop(db)


def fee_raw_bulk(backend: Backend, fees: Fees, tag: str, timing: Timing) -> None:
    fee_raw(backend, fees, tag, timing, wide=True)


_AUDITED = f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit_record WHERE at = ? ORDER BY seq"
_TOLD = f"SELECT {', '.join(NOTIFICATION_COLUMNS)} FROM notification WHERE created_at = ? ORDER BY id"
_CHARGED = (
    "SELECT data, next_fee_date, fees_unpaid, version, id FROM allocation WHERE status = 'in_progress' "
    "ORDER BY id"
)


def fee_floor(backend: Backend, fees: Fees, tag: str, timing: Timing) -> None:
    if fees.extra is None:
        raise InvariantBroken("the floor needs the rows of a library run (capture_fee_rows)")
    next_dates = {row[4]: row[1] for row in fees.extra.allocations}
    db = backend.fresh(tag)
    raw = backend.raw(db)
    try:
        with timed(timing):
            charged = raw.fee_floor(
                day=fees.day,
                now=fees.now,
                income=chart.fee_income().id,
                code=codes.ALLOCATION_FEE,
                next_dates=next_dates,
                notifications=fees.extra.notifications,
            )
        if charged != len(fees.transfers):
            raise InvariantBroken(f"floor: {charged} allocations charged, {len(fees.transfers)} expected")
        check_fees(raw, fees, "floor")
        _same("floor: allocation rows", raw.rows(_CHARGED), [row[:5] for row in fees.extra.allocations])
        _same("floor: events", raw.rows(_FEE_EVENTS, fees.now), fees.extra.events)
        _same("floor: audit records", raw.rows(_AUDITED, fees.now), fees.extra.audit)
        _same("floor: fee digests", raw.rows(_TOLD, fees.now), fees.extra.notifications)
    finally:
        raw.close()
        backend.drop(db)


def capture_fee_rows(backend: Backend, template: Template, fees: Fees) -> Fees:
    """``fees`` with what one library run (untimed) wrote beside its transfers, read back for raw+."""
    with library(backend, "capture_fees", 17) as (app, db):
        app.allocations.charge_fees(setup.MEASURED_DAY)
        raw = backend.raw(db)
        try:
            read = {a.id: a.version for a in template.allocations}
            allocations = [(*row, read[row[4]]) for row in raw.rows(_CHARGED)]
            events = raw.rows(_FEE_EVENTS, fees.now)
            audit = raw.rows(_AUDITED, fees.now)
            seq, digest = raw.rows("SELECT seq, hash FROM audit_head WHERE id = 1")[0]
            told = raw.rows(_TOLD, fees.now)
        finally:
            raw.close()
    return dataclasses.replace(fees, extra=FeeExtra(allocations, events, audit, (seq, digest), told))


# -- measuring -----------------------------------------------------------------------------------------------


@dataclass
class Results:
    library: Timing = field(default_factory=Timing)
    raw: Timing = field(default_factory=Timing)
    raw_bulk: Timing = field(default_factory=Timing)
    floor: Timing = field(default_factory=Timing)
    floor_built: Timing = field(default_factory=Timing)
    fees: Timing = field(default_factory=Timing)
    fees_raw: Timing = field(default_factory=Timing)
    fees_raw_bulk: Timing = field(default_factory=Timing)
    fees_floor: Timing = field(default_factory=Timing)


def measure(backend: Backend, day: Day, fees: Fees | None, reps: int, workloads: list[str]) -> Results:
    """``reps`` repetitions of the import, the library, the two baselines and the floor taking turns in an
    order that rotates; then ``reps`` of the fee job, the library and its baseline taking turns."""
    results = Results()
    sides: list[tuple[ImportSide, str, Timing]] = [
        (import_library, "lib", results.library),
        (import_raw, "raw", results.raw),
        (import_raw_bulk, "rawbulk", results.raw_bulk),
        (import_floor, "floor", results.floor),
        (import_floor_built, "built", results.floor_built),
    ]
    for rep in range(reps if "import" in workloads else 0):
        turn = rep % len(sides)
        for side, tag, timing in sides[turn:] + sides[:turn]:
            side(backend, day, f"r{rep}_{tag}", timing)
        print(f"  {backend.name}: import repetition {rep + 1} of {reps} done", file=sys.stderr)
    fee_sides = [
        (fee_job, "fees", results.fees),
        (fee_raw, "feesraw", results.fees_raw),
        (fee_raw_bulk, "feesrawbulk", results.fees_raw_bulk),
        (fee_floor, "feesfloor", results.fees_floor),
    ]
    for rep in range(reps if fees is not None else 0):  # after the imports: its writes disturb no import
        turn = rep % len(fee_sides)
        for fee_side, tag, timing in fee_sides[turn:] + fee_sides[:turn]:
            fee_side(backend, fees, f"r{rep}_{tag}", timing)  # type: ignore[arg-type]
        print(f"  {backend.name}: fee job repetition {rep + 1} of {reps} done", file=sys.stderr)
    return results


# -- reporting -----------------------------------------------------------------------------------------------


def _s(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} ({min(values):.3f})"


def report(
    backend: Backend, template: Template, day: Day, results: Results, args: argparse.Namespace
) -> list[str]:
    """Print the figures; the targets missed."""
    count = template.count
    print()
    print(backend.title())
    print(
        f"setup: {count:,} running allocations ({math.ceil(count / setup.PER_CUSTOMER):,} customers) in "
        f"{template.setup_seconds:.1f} s ({args.setup}, {args.batch} per transaction); "
        f"history day {setup.HISTORY_DAY} (statement + fee job) in {template.history_seconds:.1f} s"
    )
    missed = []
    if results.library.wall:
        crossings = len(day.crossings)
        print(
            f"import of {count:,} statuses for {day.trade_date}, {day.warning_pct:g} % crossing: "
            f"{crossings:,} cross the warning line "
            f"({CUSTOMER_ALERTS_PER_CROSSING * crossings:,} customer alerts queued)"
        )
        print(f"seconds, median (best) of {len(results.library.wall)}, each on a fresh copy of the template")
        _table(
            "rows/s",
            count,
            (
                ("library  Allocations.import_statement", results.library),
                ("raw      status rows (1 tx)", results.raw),
                ("raw+     every row the import writes", results.raw_bulk),
                ("floor    regex read, lookup, raw+'s writes", results.floor),
                ("floor    the same, its status rows worked out", results.floor_built),
            ),
        )
        ratio = results.library.median / results.raw.median
        target = target_of(day.warning_pct)
        met = target is None or ratio <= target
        if not met:
            missed.append(f"{backend.name} import at {day.warning_pct:g} % ≤ {target:g}× raw")
        verdict = "no target" if target is None else f"target ≤ {target:g}×  {'met' if met else 'NOT MET'}"
        print(f"{'library ÷ raw (medians)':<46} {math.ceil(ratio * 10) / 10:>16.1f}×   {verdict}")
        _information(
            (
                ("library ÷ raw+", results.library, results.raw_bulk),
                ("floor ÷ raw", results.floor, results.raw),
                ("floor, rows worked out ÷ raw", results.floor_built, results.raw),
            )
        )
        extra = (results.library.median - results.raw.median) / count * 1e6
        print(f"the library's extra wall time per row over raw: {extra:,.0f} µs")
    if results.fees.wall:
        target = FEE_TARGETS[backend.name]
        print(
            f"fee job: charge_fees({setup.MEASURED_DAY}) for {count:,} allocations, one period each from the "
            "wallet"
        )
        print(f"seconds, median (best) of {len(results.fees.wall)}, each on a fresh copy of the template")
        _table(
            "allocations/s",
            count,
            (
                ("library  Allocations.charge_fees", results.fees),
                ("raw      the fee transfers (1 tx)", results.fees_raw),
                ("raw+     every row the fee job writes (1 tx)", results.fees_raw_bulk),
                ("floor    read, JSON, audit chain, raw+'s writes", results.fees_floor),
            ),
        )
        ratio = results.fees.median / results.fees_raw.median
        met = ratio <= target
        if not met:
            missed.append(f"{backend.name} fee job ≤ {target:g}× raw")
        print(
            f"{'library ÷ raw (medians)':<46} {math.ceil(ratio * 10) / 10:>16.1f}× "
            f"  target ≤ {target:g}×  {'met' if met else 'NOT MET'}"
        )
        _information(
            (
                ("library ÷ raw+", results.fees, results.fees_raw_bulk),
                ("raw+ ÷ raw", results.fees_raw_bulk, results.fees_raw),
                ("floor ÷ raw", results.fees_floor, results.fees_raw),
                ("library ÷ floor", results.fees, results.fees_floor),
            )
        )
    print("checks: every run's rows, events, audit records, alerts, fee transfers and balances as expected")
    return missed


def _table(unit: str, count: int, sides: tuple[tuple[str, Timing], ...]) -> None:
    """Each side's wall time (median and best), rate and client CPU."""
    header = f"{'side':<46} {'wall s':>17} {unit:>13} {'client CPU s':>13}"
    print(header)
    print("-" * len(header))
    for label, timing in sides:
        rate, cpu = count / timing.median, statistics.median(timing.cpu)
        print(f"{label:<46} {_s(timing.wall):>17} {rate:>13,.0f} {cpu:>13.3f}")


def _information(ratios: tuple[tuple[str, Timing, Timing], ...]) -> None:
    """Ratios of medians printed beside the target's, rounded up to a tenth."""
    for label, over, under in ratios:
        ratio = math.ceil(over.median / under.median * 10) / 10
        print(f"{label + ' (for information)':<46} {ratio:>16.1f}×")


def print_environment() -> None:
    print("p2pstock allocation benchmark")
    print(f"  Python {platform.python_version()} ({platform.python_implementation()}), {platform.platform()}")
    print(f"  CPUs: {os.cpu_count()}  ({platform.processor() or platform.machine()})")
    print(
        f"  SQLite {sqlite3.sqlite_version}, SQLAlchemy {sa.__version__}, attrs {metadata.version('attrs')}"
    )


# -- profiling -----------------------------------------------------------------------------------------------


def profile(backend: Backend, template: Template, day: Day, workloads: list[str]) -> None:
    """cProfile over one library run of each workload on a fresh copy: the top costs by own time and by
    cumulative time."""
    for workload in workloads:
        hour = 16 if workload == "import" else 17
        with library(backend, f"profile_{workload}", hour) as (app, _db):
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            if workload == "import":
                report = app.allocations.import_statement(day.text, by=setup.ADMIN)
                done = report.applied
            else:
                done = app.allocations.charge_fees(setup.MEASURED_DAY)
            profiler.disable()
            elapsed = time.perf_counter() - started
        if done != template.count:
            raise InvariantBroken(f"profile {workload}: {done} of {template.count} done")
        print(f"\n{backend.title()}: {workload} of {done:,} allocations, {elapsed:.2f} s under cProfile")
        stats = pstats.Stats(profiler)
        print("own time by component, µs per allocation (cProfile inflates many small calls):")
        for component, seconds_spent in _components(stats).most_common(16):
            print(f"  {seconds_spent / done * 1e6:8.1f}  {component}")
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
            package = filename.split("site-packages/")[1].split("/")[0]
            component = package
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
    parser.add_argument("--count", type=int, default=10_000, help="running allocations (statement rows)")
    parser.add_argument("--reps", type=int, default=3, help="repetitions, each on fresh copies")
    parser.add_argument("--workload", choices=("import", "fees", "all"), default="all")
    parser.add_argument(
        "--warning-pct",
        type=float,
        nargs="+",
        default=[5.0, 0.5],
        help="per cent of the allocations whose assets fall below the warning line: one import measured "
        "for each (default %(default)s)",
    )
    parser.add_argument(
        "--setup",
        choices=("batched", "services"),
        default="batched",
        help="build the allocations with the core steps in large transactions, or one service call each",
    )
    parser.add_argument("--batch", type=int, default=500, help="allocations per setup transaction")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("P2PSTOCK_BENCH_PG_URL", DEFAULT_PG_URL),
        help="an account allowed to CREATE DATABASE (default: $P2PSTOCK_BENCH_PG_URL or %(default)s)",
    )
    parser.add_argument(
        "--synchronous",
        choices=("FULL", "NORMAL", "OFF"),
        default="FULL",
        help="SQLite's synchronous mode for both sides",
    )
    parser.add_argument("--dir", help="where the SQLite files go (default: the system's temporary directory)")
    parser.add_argument(
        "--profile", action="store_true", help="instead of the comparison: cProfile the library's side"
    )
    args = parser.parse_args(argv)
    if args.count < 1 or args.reps < 1 or args.batch < 1:
        parser.error("--count, --reps and --batch must be at least 1")
    if not all(0 <= pct <= 100 for pct in args.warning_pct):
        parser.error("--warning-pct must be between 0 and 100")
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
    workloads = ["import", "fees"] if args.workload == "all" else [args.workload]
    started = time.perf_counter()
    missed: list[str] = []
    try:
        for backend in select_backends(args):
            try:
                print(f"  {backend.name}: building {args.count:,} allocations …", file=sys.stderr, flush=True)
                template = build_template(backend, args.count, args.setup, args.batch)
                days = [plan_day(template, pct) for pct in args.warning_pct]
                if "import" in workloads:
                    days = [capture_extra(backend, day) for day in days]
                fees = None
                if "fees" in workloads:
                    fees = capture_fee_rows(backend, template, plan_fees(backend, template, backend.template))
                gc.collect()
                gc.freeze()  # the template and the planned rows: the benchmark's, not any side's to scan
                for n, day in enumerate(days):
                    todo = [w for w in workloads if w == "import" or n == 0]  # the fee job once
                    if args.profile:
                        profile(backend, template, day, todo)
                        continue
                    results = measure(backend, day, fees if "fees" in todo else None, args.reps, todo)
                    missed += report(backend, template, day, results, args)
            finally:
                gc.unfreeze()
                backend.close()
    except InvariantBroken as broken:
        print(f"\nFAILED: {broken}", file=sys.stderr)
        return 1
    if missed:
        print(f"\ntarget missed: {', '.join(missed)}")
    print(f"finished in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
