"""Revision 0015 on SQLite and PostgreSQL: what the customer has in an allocation at book (its stake) is a
column of its row, filled from its text for the allocations stored before, and read into what a statement
watches."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command
from test_risk_from_statuses_storage import config_for
from test_sql_allocations import add_all, read, running

from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.migrate import upgrade
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[sa.Engine]:
    engine = create_engine(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.mark.own_database  # migrations run down and up on it
def test_revision_0015_fills_the_stake_of_allocations_stored_before_and_the_watch_reads_it(
    engine: sa.Engine,
) -> None:
    units = SqlUnitOfWorkFactory(engine)
    stored = running("a1", "S-1")
    add_all(units, stored)
    command.downgrade(config_for(engine), "0014")

    upgrade(engine)

    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT stake FROM allocation")).scalar_one() == stored.stake
    watched = read(units, lambda uow: uow.allocations.watch(["S-1"]))["S-1"]
    assert watched.stake == stored.stake > 0
