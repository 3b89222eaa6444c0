"""A unit of work on SQL is one transaction: its repositories exist inside its ``with`` block only, made
on the transaction's cursor when first used, and it is entered once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.uow import OutsideTheTransaction, SqlUnitOfWork, SqlUnitOfWorkFactory


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def units(request: pytest.FixtureRequest) -> Iterator[SqlUnitOfWorkFactory]:
    engine = create_engine(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))
    yield SqlUnitOfWorkFactory(engine)
    engine.dispose()


def test_a_repository_is_made_once_per_transaction_on_its_cursor(units: SqlUnitOfWorkFactory) -> None:
    with units(readonly=True) as first:
        customers = first.customers
        assert first.customers is customers
        assert first.customers.by_telegram(1) is None
    with units(readonly=True) as second:
        assert second.customers is not customers


def test_a_repository_asked_for_before_or_after_the_transaction_is_refused(
    units: SqlUnitOfWorkFactory,
) -> None:
    uow = units()
    with pytest.raises(OutsideTheTransaction):
        uow.customers  # noqa: B018 - the access is what is tested
    with uow:
        uow.customers.by_telegram(1)
    with pytest.raises(OutsideTheTransaction):
        uow.customers.by_telegram(1)
    assert not hasattr(uow, "ledger")


def test_a_unit_of_work_is_entered_once(units: SqlUnitOfWorkFactory) -> None:
    uow = units(readonly=True)
    with uow:
        pass
    with pytest.raises(RuntimeError, match="entered once"), uow:
        pass


def test_the_class_shows_its_repositories_to_introspection() -> None:
    assert hasattr(SqlUnitOfWork, "ledger") and hasattr(SqlUnitOfWork, "customers")
