"""Storage failures the platform recovers from by itself."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.core.ledger.accounts import Account
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.ledger.transfers import Transfer


@pytest.mark.postgres
def test_connections_dropped_by_the_server_are_replaced_and_the_transfer_still_lands_once(
    pg_url: str, pg_admin: sa.Engine
) -> None:
    engine = create_engine(pg_url)
    ledger = Ledger(SqlUnitOfWorkFactory(engine))
    ledger.create_accounts([Account.open("a", code="bank"), Account.open("b", code="wallet")])
    database = sa.engine.make_url(pg_url).database
    with pg_admin.connect() as admin:
        killed = admin.exec_driver_sql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %(db)s",
            {"db": database},
        ).scalar_one()
    assert killed >= 1  # the pooled connection is gone

    outcome = ledger.create_transfer(Transfer.single("t1", debit="a", credit="b", amount=100, code="deposit"))

    assert outcome.result == "created"
    assert ledger.account("b").balances.credits_posted == 100
    assert ledger.audit().ok
    engine.dispose()


def test_a_readonly_unit_of_work_on_sqlite_does_not_take_the_write_lock(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    factory = SqlUnitOfWorkFactory(engine)
    with factory(readonly=True) as reader, factory() as writer:  # a writer can start while a reader reads
        assert reader.ledger.find_accounts(["a"]) == {}
        writer.ledger.insert_accounts([Account.open("a", code="bank")])
        writer.commit()
    engine.dispose()
