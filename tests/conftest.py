"""Shared fixtures: the same service tests run on in-memory storage, SQLite and PostgreSQL.

PostgreSQL tests use ``P2PSTOCK_TEST_PG_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``,
an account allowed to create databases). Each test process (``pytest -n``: each worker) migrates a template
and clones one database from it that its tests share, reset to the template's state after each test;
a test marked ``own_database`` gets a clone of its own, dropped afterwards (see ``pg_databases.py``).
Without a reachable server those tests are skipped with the reason shown, except under ``CI=true``, where
an unreachable server is an error. Tests that check Chinese is drawn take the ``cjk_font`` fixture: on a
machine without a CJK font they are skipped the same way, and under ``CI=true`` they fail.
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from agreement_sketch import Sketch
from operator_environment import operator_environment
from p2pstock import fonts
from p2pstock.adapters.agreement_pdf import PdfAgreementPrinter
from p2pstock.adapters.clock import ManualClock
from p2pstock.adapters.documents import MemoryDocumentStore
from p2pstock.adapters.holidays import default_sources
from p2pstock.adapters.memory import MemoryUnitOfWorkFactory
from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.migrate import upgrade
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.bootstrap import App, bootstrap
from p2pstock.config import Settings
from p2pstock.core.allocation.calendar import HolidaySource
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.notifications import Channel
from p2pstock.core.people.staff import Staff
from p2pstock.core.ports import UnitOfWorkFactory
from p2pstock.core.wallet.service import Wallets
from pg_databases import Databases

PG_ADMIN_URL = os.environ.get("P2PSTOCK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SHANGHAI = ZoneInfo("Asia/Shanghai")
PG_SKIPPED = re.compile(r"PostgreSQL not reachable \((.*)\); set P2PSTOCK_TEST_PG_URL")
NO_CJK_FONT = "no CJK font installed: apt-get install fonts-wqy-microhei (see the README)"


def pytest_report_header() -> list[str]:
    return [f"PostgreSQL for tests: {sa.engine.make_url(PG_ADMIN_URL).render_as_string(hide_password=True)}"]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # read from the skips reported, which reach this process from every worker under ``pytest -n``
    skips = [report.longrepr for report in terminalreporter.stats.get("skipped", [])]
    problems = [m[1] for skip in skips if isinstance(skip, tuple) and (m := PG_SKIPPED.search(skip[2]))]
    if problems:
        terminalreporter.section("PostgreSQL tests SKIPPED", sep="!", red=True, bold=True)
        terminalreporter.line(f"PostgreSQL was not reachable: {problems[0]}", red=True)
        terminalreporter.line("Set P2PSTOCK_TEST_PG_URL to a server that allows CREATE DATABASE.", red=True)
    if any(isinstance(skip, tuple) and NO_CJK_FONT in skip[2] for skip in skips):
        terminalreporter.section("Chinese chart tests SKIPPED", sep="!", red=True, bold=True)
        terminalreporter.line(NO_CJK_FONT, red=True)


# -- fonts


@pytest.fixture(scope="session")
def cjk_font() -> Path:
    """The font file the charts draw Chinese with, found on this machine (or the test is skipped, loudly;
    under ``CI=true`` it fails)."""
    path = fonts.find_cjk(fonts.FONT_ROOTS)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs a CJK font: {NO_CJK_FONT}")
        pytest.skip(NO_CJK_FONT)
    return path


# -- SQLite


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database file that tests copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh, migrated SQLite database of this test's own."""
    path = tmp_path / "p2pstock.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


# -- PostgreSQL


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[sa.Engine]:
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except Exception as error:  # any failure to connect means: no server for these tests
        reason = f"{type(error).__name__}: {str(error).splitlines()[0]}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs PostgreSQL at {PG_ADMIN_URL}: {reason}")
        pytest.skip(f"PostgreSQL not reachable ({reason}); set P2PSTOCK_TEST_PG_URL")
    yield engine
    engine.dispose()


def _pg_url(name: str) -> str:
    return sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template(pg_admin: sa.Engine) -> Iterator[str]:
    name = f"p2pstock_tmpl_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with pg_admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = create_engine(_pg_url(name))
    upgrade(engine)
    engine.dispose()
    yield name
    with pg_admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_databases(pg_admin: sa.Engine, pg_template: str) -> Iterator[Databases]:
    """This process's PostgreSQL databases: the one its tests share, and clones of their own."""
    databases = Databases(pg_admin, pg_template, prefix=f"p2pstock_test_{os.getpid()}")
    yield databases
    databases.close()


@pytest.fixture
def pg_url(pg_databases: Databases, request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated PostgreSQL database holding what the template holds, for this test alone: the shared
    database, reset after the test, or with ``@pytest.mark.own_database`` a fresh clone, dropped after."""
    if request.node.get_closest_marker("own_database"):
        with pg_databases.fresh() as url:
            yield url
        return
    yield pg_databases.take_shared()
    pg_databases.reset()


# -- the backend every service test runs on


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest) -> str | None:
    """The URL of the test's database, or None for in-memory storage."""
    if backend == "memory":
        return None
    return str(request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url"))


@pytest.fixture
def uow_factory(database_url: str | None) -> Iterator[UnitOfWorkFactory]:
    if database_url is None:
        yield MemoryUnitOfWorkFactory()
        return
    engine = create_engine(database_url)
    yield SqlUnitOfWorkFactory(engine)
    engine.dispose()


@pytest.fixture
def operator_shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """The environment of a command the server's operator runs (``operator_environment``), with a
    fresh data directory under the test's temporary path."""
    with operator_environment(monkeypatch, tmp_path / "data") as data:
        yield data


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def ledger(uow_factory: UnitOfWorkFactory, clock: ManualClock) -> Ledger:
    return Ledger(uow_factory, clock, SHANGHAI)


class RecordingSender:
    """A message sender that keeps what it was asked to send; ``fail_with`` makes the next sends raise."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.fail_with: list[BaseException] = []

    async def send(self, recipient: str, text: str) -> str:
        if self.fail_with:
            raise self.fail_with.pop(0)
        self.sent.append((recipient, text))
        return f"m{len(self.sent)}"


class KnownUntil:
    """A real holiday source answering only for the years up to ``last``: a later release of the package
    that learns another year does not change what the tests see."""

    def __init__(self, source: HolidaySource, last: int) -> None:
        self.source, self.last = source, last

    @property
    def name(self) -> str:
        return self.source.name

    def holidays(self, year: int) -> frozenset[date] | None:
        return None if year > self.last else self.source.holidays(year)


HOLIDAY_SOURCES: tuple[HolidaySource, ...] = tuple(KnownUntil(source, 2026) for source in default_sources())
"""The platform's holiday sources as every ``app`` fixture reads them: the State Council's schedule and
both exchanges' calendars, up to 2026."""

TEST_ENCRYPTION_KEY = "XqitpkaFRcLFh8L7qKmbTtzHmTn24l1feqK50pV0rgs="
"""Seals sub-account passwords in every ``app`` fixture (a key for tests only)."""

STAFF = {
    "root": "super_admin",
    "root-2": "super_admin",
    "reviewer-1": "reviewer",
    "reviewer-2": "reviewer",
    "risk-1": "risk_officer",
    "finance-1": "finance",
    "finance-2": "finance",
    "support-1": "support",
}
"""The administrators (id → role) enrolled in every ``app`` fixture."""


@pytest.fixture
def app(uow_factory: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path) -> App:
    """The whole platform on the test's storage, with recording SMS/Telegram/email senders, documents in
    memory, agreements sketched rather than printed (``agreement_sketch``; ``printed_agreements``
    prints them), and the ``STAFF`` administrators enrolled."""
    senders = {channel: RecordingSender() for channel in Channel}
    app = bootstrap(
        Settings(data_dir=tmp_path, encryption_key=TEST_ENCRYPTION_KEY),
        uow_factory=uow_factory,
        clock=clock,
        documents=MemoryDocumentStore(),
        senders=dict(senders),
        holidays=HOLIDAY_SOURCES,
    )
    app.contracts.printer = app.allocation_contracts.printer = Sketch()
    for admin_id, role in STAFF.items():
        app.staff.enrol_by_operator(admin_id, [role])
    return app


@pytest.fixture
def printed_agreements(app: App, cjk_font: Path) -> App:
    """``app`` printing the agreements as PDFs, as in production (a CJK font needed)."""
    app.contracts.printer = app.allocation_contracts.printer = PdfAgreementPrinter()
    return app


FINANCE_CLERKS = ("ops", "ops-1", "ops-2", "clerk")
"""Administrators holding the finance role in every ``wallets`` fixture's storage."""


@pytest.fixture
def wallets(ledger: Ledger) -> Wallets:
    """Wallets whose storage knows the ``FINANCE_CLERKS``, so they may decide withdrawals."""
    wallets = Wallets(ledger)
    staff = Staff(wallets.office)
    for clerk in FINANCE_CLERKS:
        staff.enrol_by_operator(clerk, ["finance"])
    return wallets


@pytest.fixture(autouse=True)
def _nothing_frozen_into_the_next_test() -> Iterator[None]:
    """A test that settles a process in (``serving.settle_in`` freezes what is loaded) leaves the garbage
    collector as it found it."""
    yield
    if gc.get_freeze_count():
        gc.unfreeze()
