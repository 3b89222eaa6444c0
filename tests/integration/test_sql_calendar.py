"""The trading calendar's storage on SQLite and PostgreSQL: loads of a year are versions nobody can rewrite,
and a notice is marked told once however many workers race to tell it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa

from p2pstock.adapters.clock import ManualClock
from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.core.allocation.ports import YearLoad
from p2pstock.core.backoffice import Backoffice, Tx
from p2pstock.core.errors import TransientConflict
from services.racing import at_once

CLOSED = frozenset({date(2031, 1, 1), date(2031, 2, 10)})


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[sa.Engine]:
    engine = create_engine(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))
    yield engine
    engine.dispose()


@pytest.fixture
def office(engine: sa.Engine) -> Backoffice:
    return Backoffice(SqlUnitOfWorkFactory(engine), ManualClock())


def load(version: int, closed: frozenset[date] = CLOSED) -> YearLoad:
    return YearLoad(2031, version, closed, "notice", "risk-1", 1_000 + version)


def test_every_load_of_a_year_is_kept_and_the_newest_decides(office: Backoffice) -> None:
    office.run(lambda tx: tx.uow.calendar_years.add(load(1)))
    office.run(lambda tx: tx.uow.calendar_years.add(load(2, frozenset({date(2031, 1, 1)}))))

    latest = office.read(lambda tx: tx.uow.calendar_years.latest())
    versions = office.read(lambda tx: tx.uow.calendar_years.versions(2031))

    assert latest == {2031: load(2, frozenset({date(2031, 1, 1)}))}
    assert versions == [load(1), load(2, frozenset({date(2031, 1, 1)}))]


def test_a_version_stored_already_is_a_conflict(office: Backoffice) -> None:
    office.run(lambda tx: tx.uow.calendar_years.add(load(1)))

    with pytest.raises(TransientConflict):
        office.run(lambda tx: tx.uow.calendar_years.add(load(1, frozenset())))


def test_a_load_cannot_be_rewritten_or_deleted_even_by_direct_sql(
    office: Backoffice, engine: sa.Engine
) -> None:
    office.run(lambda tx: tx.uow.calendar_years.add(load(1)))

    for statement in ("UPDATE calendar_year SET closed = ''", "DELETE FROM calendar_year"):
        with pytest.raises(sa.exc.DBAPIError), engine.begin() as connection:
            connection.exec_driver_sql(statement)
    assert office.read(lambda tx: tx.uow.calendar_years.versions(2031)) == [load(1)]


def test_workers_racing_to_mark_a_notice_mark_it_once(office: Backoffice) -> None:
    def mark(tx: Tx) -> bool:
        return tx.uow.notice_marks.mark("calendar.unknown:2031:2030-W40", tx.now)

    answers, errors = at_once(6, lambda _i: office.run(mark))

    assert errors == [] and sorted(answers, key=bool) == [False] * 5 + [True]
