"""The one composition root: builds storage, clock and services. Nothing is built at import time.

Tests and embedders pass overrides::

    app = bootstrap(uow_factory=MemoryUnitOfWorkFactory(), clock=ManualClock())
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import attrs
from sqlalchemy.engine import Engine

from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.migrate import upgrade_if_needed
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.config import Settings
from p2pstock.core.clock import Clock, SystemClock
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.money import Currency
from p2pstock.core.ports import UnitOfWorkFactory
from p2pstock.core.wallet.service import Wallets, WithdrawalPolicy


@attrs.define
class App:
    """The wired services of one p2pstock instance."""

    settings: Settings
    ledger: Ledger
    wallets: Wallets
    engine: Engine | None = None

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


def bootstrap(
    settings: Settings | None = None,
    *,
    uow_factory: UnitOfWorkFactory | None = None,
    clock: Clock | None = None,
) -> App:
    """Build p2pstock from ``settings`` (default: the environment). The embedded SQLite default is created
    and migrated on first use; other databases are migrated with ``p2pstock db upgrade``."""
    settings = settings or Settings.from_env()
    engine = None
    if uow_factory is None:
        engine = open_database(settings)
        uow_factory = SqlUnitOfWorkFactory(engine)
    ledger = Ledger(uow_factory, clock or SystemClock(), ZoneInfo(settings.timezone))
    policy = WithdrawalPolicy(
        refuse_while_allocation_frozen=settings.refuse_withdrawal_while_allocation_frozen
    )
    wallets = Wallets(ledger, policy, Currency.of(settings.currency))
    return App(settings, ledger, wallets, engine)


def open_database(settings: Settings) -> Engine:
    """The engine for the configured database; the embedded default is created and migrated here."""
    if settings.is_embedded and not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.effective_database_url, synchronous=settings.sqlite_synchronous)
    if settings.is_embedded:
        upgrade_if_needed(engine)
    return engine
