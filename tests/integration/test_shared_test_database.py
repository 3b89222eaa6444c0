"""The PostgreSQL database the tests of a process share (``tests/pg_databases.py``): after a reset it holds
exactly what the migrated template holds, the immutable tables' guards are on again, and a test that
changed the schema is named while the database is replaced."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import attrs
import pytest
import sqlalchemy as sa

from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.money import Money
from p2pstock.core.people.staff import Staff
from p2pstock.core.wallet.service import Wallets
from pg_databases import SCHEMA, Databases, SchemaChanged, contents

pytestmark = pytest.mark.postgres


@contextmanager
def connected(url: str) -> Iterator[sa.Connection]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


@attrs.frozen
class Everything:
    """Every table's rows (as a hash), every sequence's state and the schema (as a hash)."""

    rows: dict[str, str]
    sequences: list[tuple[str, int | None]]
    schema: str


def everything_in(url: str) -> Everything:
    with connected(url) as connection:
        tables = sa.inspect(connection).get_table_names()
        rows = {
            table: connection.exec_driver_sql(f"SELECT {contents(table)}").scalar_one() for table in tables
        }
        sequences = connection.exec_driver_sql("SELECT sequencename, last_value FROM pg_sequences").all()
        schema = connection.exec_driver_sql(SCHEMA).scalar_one()
    return Everything(rows, sorted((name, value) for name, value in sequences), schema)


def work_on(url: str) -> None:
    """What tests do: money moved, staff enrolled (audited), and rows written straight into the immutable
    and the seeded tables, every sequence advanced."""
    engine = create_engine(url)
    wallets = Wallets(Ledger(SqlUnitOfWorkFactory(engine)))
    wallets.open("c1")
    wallets.confirm_deposit("c1", gateway="bank", transaction_id="T1", amount=Money.parse("100"))
    Staff(wallets.office).enrol_by_operator("root", ["super_admin"])
    engine.dispose()
    with connected(url) as connection:
        connection.exec_driver_sql("INSERT INTO calendar_year VALUES (2031, 1, '[]', 'test', 'root', 0)")
        connection.exec_driver_sql(
            "INSERT INTO failed_transfer (id, result) VALUES ('t9', 'exceeds_credits')"
        )
        connection.exec_driver_sql("UPDATE allocation_status_turn SET id = 2")
        connection.exec_driver_sql("SELECT nextval(sequencename::regclass) FROM pg_sequences")


def test_after_a_reset_the_shared_database_holds_exactly_what_the_template_holds(
    pg_databases: Databases,
) -> None:
    template = everything_in(pg_databases.url(pg_databases.template))
    url = pg_databases.take_shared()
    assert everything_in(url) == template

    work_on(url)
    worked = everything_in(url)
    pg_databases.reset()

    changed = {table for table, rows in worked.rows.items() if rows != template.rows[table]}
    assert {"transfer", "entry", "audit_record", "audit_head", "calendar_year", "failed_transfer"} <= changed
    assert worked.sequences != template.sequences
    assert everything_in(url) == template


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE transfer, entry",
        "TRUNCATE audit_record",
        "DELETE FROM entry",
        "UPDATE calendar_year SET note = ''",
    ],
)
def test_after_a_reset_the_immutable_tables_still_refuse_to_be_emptied_or_changed(
    pg_databases: Databases, statement: str
) -> None:
    url = pg_databases.take_shared()
    work_on(url)
    pg_databases.reset()
    work_on(url)  # rows for the guards to keep

    with pytest.raises(sa.exc.DBAPIError, match="rows are immutable"), connected(url) as connection:
        connection.exec_driver_sql(statement)
    pg_databases.reset()


def test_a_test_that_switches_a_guard_off_is_named_and_the_database_replaced(pg_databases: Databases) -> None:
    url = pg_databases.take_shared()
    with connected(url) as connection:
        connection.exec_driver_sql("ALTER TABLE transfer DISABLE TRIGGER transfer_immutable")

    with pytest.raises(SchemaChanged, match=r"must be marked @pytest\.mark\.own_database"):
        pg_databases.reset()

    replaced = pg_databases.take_shared()
    assert replaced != url
    assert everything_in(replaced) == everything_in(pg_databases.url(pg_databases.template))
    pg_databases.reset()
