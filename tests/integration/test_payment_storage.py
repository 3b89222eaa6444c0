"""Payment orders (held and resolved ones too) and UI state round-trip through every storage, a rolled-back
change leaves nothing, and the migration of held orders goes down and up again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.migrate import MIGRATIONS, current_revision, head_revision, upgrade
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.core.errors import NotFound
from p2pstock.core.payments import OrderStatus, PaymentOrder, Resolution
from p2pstock.core.ports import UnitOfWorkFactory

ORDER = PaymentOrder("o-1", "alice", 12_345, "CNY", "sandbox", 1_000)


def test_a_payment_order_round_trips_and_its_payment_is_stored(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.payments.add(ORDER)
        uow.commit()
    with uow_factory() as uow:
        uow.payments.save(ORDER.paid("txn-9", at=2_000))
        uow.commit()

    with uow_factory(readonly=True) as uow:
        stored = uow.payments.get("o-1")
        assert stored == PaymentOrder(
            "o-1", "alice", 12_345, "CNY", "sandbox", 1_000, OrderStatus.PAID, "txn-9", 2_000
        )
        assert uow.payments.of_customer("alice", 10) == [stored]
        assert uow.payments.get("o-2") is None


def test_saving_an_unknown_order_is_refused(uow_factory: UnitOfWorkFactory) -> None:
    with pytest.raises(NotFound), uow_factory() as uow:
        uow.payments.save(ORDER)


def test_ui_state_is_kept_by_key_and_listed_by_prefix(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.ui_state.put("bot:chat:1", '{"step": "phone"}')
        uow.ui_state.put("bot:chat:2", "{}")
        uow.ui_state.put("bot_chat:3", "{}")  # "_" must not act as a wildcard
        uow.ui_state.put("bot:chat:1", '{"step": "code"}')
        uow.commit()
    with uow_factory() as uow:
        uow.ui_state.delete("bot:chat:2")
        uow.commit()

    with uow_factory(readonly=True) as uow:
        assert uow.ui_state.items("bot:chat:") == {"bot:chat:1": '{"step": "code"}'}
        assert uow.ui_state.get("bot:chat:2") is None


def test_a_rolled_back_unit_of_work_keeps_no_order_or_state(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.payments.add(ORDER)
        uow.ui_state.put("k", "v")

    with uow_factory(readonly=True) as uow:
        assert uow.payments.get("o-1") is None
        assert uow.ui_state.get("k") is None


def test_a_held_order_and_its_resolution_round_trip_and_held_orders_are_listed_oldest_first(
    uow_factory: UnitOfWorkFactory,
) -> None:
    later = PaymentOrder("o-2", "bob", 500, "CNY", "bank", 3_000)
    held = ORDER.mismatched("txn-1", 2_000, amount=12_000, currency="CNY")
    with uow_factory() as uow:
        for order in (later, ORDER):
            uow.payments.add(order)
        uow.payments.save(held)
        uow.payments.save(later.mismatched("txn-2", 4_000, amount=1, currency="USD"))
        uow.commit()
    refunded = held.resolved(
        Resolution.REFUND, by="finance-1", approved_by="finance-2", reason="退回", at=5_000
    )
    with uow_factory() as uow:
        assert [o.id for o in uow.payments.with_status(OrderStatus.MISMATCHED, 10)] == ["o-1", "o-2"]
        uow.payments.save(refunded)
        uow.commit()

    with uow_factory(readonly=True) as uow:
        assert uow.payments.get("o-1") == refunded
        assert (refunded.reported_amount, refunded.reported_currency, refunded.reason) == (
            12_000,
            "CNY",
            "退回",
        )
        assert [o.id for o in uow.payments.with_status(OrderStatus.MISMATCHED, 10)] == ["o-2"]
        assert uow.payments.with_status(OrderStatus.REFUNDED, 1) == [refunded]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[sa.Engine]:
    engine = create_engine(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))
    yield engine
    engine.dispose()


@pytest.mark.own_database  # migrations run down and up on it
def test_revision_0013_can_be_downgraded_keeping_the_orders_and_upgraded_again(engine: sa.Engine) -> None:
    units = SqlUnitOfWorkFactory(engine)
    with units() as uow:
        uow.payments.add(ORDER)
        uow.commit()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine

    command.downgrade(config, "0012")  # before 0013

    assert "reported_amount" not in {c["name"] for c in sa.inspect(engine).get_columns("payment_order")}
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with units(readonly=True) as uow:
        assert uow.payments.get("o-1") == ORDER
