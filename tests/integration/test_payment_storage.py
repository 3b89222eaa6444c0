"""Payment orders and UI state round-trip through every storage, and a rolled-back change leaves nothing."""

from __future__ import annotations

import pytest

from p2pstock.core.errors import NotFound
from p2pstock.core.payments import OrderStatus, PaymentOrder
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
