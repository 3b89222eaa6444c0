"""Revision 0014 on SQLite and PostgreSQL: the risk state stored on the allocation row and the ``risk`` events
stored for statuses become what the statuses tell — each allocation reads the state it had, each change
is told once — and a downgrade puts the column and the events back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import attrs
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from test_sql_allocations import MONDAY, add_all, daily_status, read, running, write

from p2pstock.adapters.sql.allocations import _STATUS_COLUMNS, _status_row
from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.migrate import MIGRATIONS, current_revision, head_revision, upgrade
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.core.allocation.allocations import Risk
from p2pstock.core.allocation.ports import Event
from p2pstock.core.allocation.statuses import DailyStatus

TUESDAY = MONDAY + timedelta(days=1)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[sa.Engine]:
    engine = create_engine(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))
    upgrade(engine)
    yield engine
    engine.dispose()


def config_for(engine: sa.Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def risk_told(before: Risk, after: Risk, day: object, revision: int) -> str:
    """A ``risk`` event's data as versions before 0014 stored it."""
    change = {"before": before.value, "after": after.value, "day": str(day), "revision": revision}
    return json.dumps(change, sort_keys=True)


def risk_of(units: SqlUnitOfWorkFactory, allocation_id: str) -> Risk:
    found = read(units, lambda uow: uow.allocations.get(allocation_id))
    assert found is not None
    return found.risk


def stored_before_0020(engine: sa.Engine, statuses: list[DailyStatus]) -> None:
    """Statuses as versions before revision 0020 stored them: its first 17 columns, without the review."""
    columns = _STATUS_COLUMNS[:17]
    insert = f"INSERT INTO allocation_daily_status ({', '.join(columns)}) VALUES (:{', :'.join(columns)})"
    with engine.begin() as connection:
        for status in statuses:
            connection.execute(sa.text(insert), dict(zip(columns, _status_row(status)[:17], strict=True)))


def rows(engine: sa.Engine, statement: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(statement))]


@pytest.mark.own_database  # migrations run down and up on it
def test_revision_0014_reads_each_state_and_change_from_the_statuses_and_can_be_downgraded(
    engine: sa.Engine,
) -> None:
    units = SqlUnitOfWorkFactory(engine)
    add_all(units, running("a1", "SUB-1"), running("a2", "SUB-2"), running("a3", "SUB-3"))  # as stored now
    command.downgrade(config_for(engine), "0013")
    statuses = [
        daily_status("a1", MONDAY),  # normal → warning
        attrs.evolve(daily_status("a1", TUESDAY), risk_before=Risk.WARNING),  # stays in warning
        daily_status("a2", MONDAY),  # normal → warning, but the row was set to liquidation by hand: the
        # status takes the row's state, and its stored event, telling another change, stays
    ]
    stored_before_0020(engine, statuses)
    events = [
        Event("a1", 1, "paid", "alice", "{}"),
        Event("a1", 2, "risk", "risk-1", risk_told(Risk.NORMAL, Risk.WARNING, MONDAY, 1)),
        Event("a1", 3, "risk", "risk-1", risk_told(Risk.WARNING, Risk.NORMAL, "2025-12-31", 1)),  # no status
        Event("a2", 1, "risk", "risk-1", risk_told(Risk.NORMAL, Risk.WARNING, MONDAY, 1)),
    ]
    write(units, lambda uow: uow.allocation_events.add(events))
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE allocation SET risk = 'warning' WHERE id = 'a1'"))
        connection.execute(sa.text("UPDATE allocation SET risk = 'liquidation' WHERE id = 'a2'"))

    upgrade(engine)

    assert current_revision(engine) == head_revision()
    assert "risk" not in {c["name"] for c in sa.inspect(engine).get_columns("allocation")}
    assert [risk_of(units, a) for a in ("a1", "a2", "a3")] == [Risk.WARNING, Risk.LIQUIDATION, Risk.NORMAL]
    kept = rows(engine, "SELECT allocation_id, seq, kind FROM allocation_event ORDER BY allocation_id, seq")
    assert kept == [("a1", 1, "paid"), ("a1", 3, "risk"), ("a2", 1, "risk")]  # a2's no longer its status's

    command.downgrade(config_for(engine), "0013")

    stored = rows(engine, "SELECT id, risk FROM allocation ORDER BY id")
    assert stored == [("a1", "warning"), ("a2", "liquidation"), ("a3", "normal")]
    told = rows(
        engine,
        "SELECT allocation_id, data FROM allocation_event WHERE kind = 'risk' ORDER BY allocation_id, seq",
    )
    assert [(a, json.loads(str(data))) for a, data in told] == [
        ("a1", json.loads(risk_told(Risk.WARNING, Risk.NORMAL, "2025-12-31", 1))),
        ("a1", json.loads(risk_told(Risk.NORMAL, Risk.WARNING, MONDAY, 1))),
        ("a2", json.loads(risk_told(Risk.NORMAL, Risk.WARNING, MONDAY, 1))),
    ]
    upgrade(engine)
    assert current_revision(engine) == head_revision()
