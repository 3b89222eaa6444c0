"""The database holds the ledger's rules on its own: even SQL that bypasses the library cannot overdraw a
wallet, resolve a hold twice, duplicate a transfer id or rewrite history."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.core.ledger import chart
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.money import Money
from p2pstock.core.wallet.service import Wallets

WALLET = chart.wallet_id("c1")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[sa.Engine]:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    engine = create_engine(url)
    wallets = Wallets(Ledger(SqlUnitOfWorkFactory(engine)))
    wallets.open("c1")
    wallets.confirm_deposit("c1", gateway="bank", transaction_id="T1", amount=Money.parse("100"))
    hold = Transfer.pending(
        "h1", debit=WALLET, credit=chart.gateway_clearing("bank").id, amount=1000, code="fee"
    )
    wallets.ledger.transfer(hold)
    wallets.ledger.transfer(Transfer.void("h1:void", pending_id="h1"))
    yield engine
    engine.dispose()


def _refused(engine: sa.Engine, statement: str) -> None:
    with pytest.raises(sa.exc.DBAPIError), engine.begin() as connection:
        connection.exec_driver_sql(statement)


def test_a_wallet_cannot_be_overdrawn_even_by_direct_sql(engine: sa.Engine) -> None:
    _refused(engine, f"UPDATE account SET debits_posted = credits_posted + 1 WHERE id = '{WALLET}'")


def test_a_pending_debit_counts_against_the_overdraft_guard(engine: sa.Engine) -> None:
    _refused(engine, f"UPDATE account SET debits_pending = credits_posted + 1 WHERE id = '{WALLET}'")


def test_running_totals_can_never_be_negative(engine: sa.Engine) -> None:
    _refused(
        engine, "UPDATE account SET credits_pending = -1 WHERE id = 'platform:CNY:gateway_clearing:bank'"
    )


def test_transfers_can_never_be_updated(engine: sa.Engine) -> None:
    _refused(engine, "UPDATE transfer SET amount = 1 WHERE id = 'deposit:bank:T1'")


def test_transfers_can_never_be_deleted(engine: sa.Engine) -> None:
    _refused(engine, "DELETE FROM transfer WHERE id = 'h1:void'")


def test_fund_dynamics_entries_can_never_be_changed(engine: sa.Engine) -> None:
    _refused(engine, "UPDATE entry SET amount = 1")
    _refused(engine, "DELETE FROM entry")


_COLUMNS = (
    "debit_account_id, credit_account_id, amount, code, currency, flags, pending_id, timeout, reference, ts, "
    "expires_at, day"
)


def _copy_of(transfer_id: str, new_id: str) -> str:
    copy = f"SELECT {new_id}, {_COLUMNS} FROM transfer WHERE id = '{transfer_id}'"
    return f"INSERT INTO transfer (id, {_COLUMNS}) {copy}"


def test_a_pending_transfer_can_be_resolved_only_once(engine: sa.Engine) -> None:
    _refused(engine, _copy_of("h1:void", "'h1:void-again'"))


def test_a_transfer_id_exists_only_once(engine: sa.Engine) -> None:
    _refused(engine, _copy_of("deposit:bank:T1", "id"))


def test_a_transfer_amount_must_be_positive(engine: sa.Engine) -> None:
    _refused(
        engine,
        "INSERT INTO transfer (id, debit_account_id, credit_account_id, amount, code, currency, flags, "
        f"timeout, reference, ts, day) VALUES ('z', '{WALLET}', 'platform:CNY:gateway_clearing:bank', "
        "0, 'fee', 'CNY', 0, 0, '', 0, '2026-01-01')",
    )


def test_the_guards_leave_the_ledger_sound(engine: sa.Engine) -> None:
    _refused(engine, "DELETE FROM transfer")
    assert Ledger(SqlUnitOfWorkFactory(engine)).audit().ok
