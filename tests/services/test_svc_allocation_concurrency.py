"""Allocations under real threads on SQLite and PostgreSQL: simultaneous taps and decisions have one
effect."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from allocation_world import (
    DEPOSIT,
    POOL,
    RISK_FUND,
    B,
    applied,
    assert_books_hold,
    frozen,
    open_platform,
    pool,
    running,
    verified_customer,
)
from racing import at_once

from p2pstock.bootstrap import App
from p2pstock.core.allocation.allocations import Status
from p2pstock.core.allocation.products import Component
from p2pstock.core.errors import P2PStockError
from p2pstock.core.people.four_eyes import ApprovalRequest

pytestmark = pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
THREADS = 4


@pytest.fixture(autouse=True)
def platform(app: App) -> Iterator[None]:
    open_platform(app)
    verified_customer(app)
    yield
    assert_books_hold(app)


def test_paying_one_component_from_several_devices_freezes_it_once(app: App) -> None:
    allocation = applied(app)

    _, errors = at_once(
        THREADS, lambda _: app.allocations.pay(allocation.id, Component.DEPOSIT, customer_id="alice")
    )

    assert errors == []
    assert frozen(app) == DEPOSIT


def test_two_checkers_approving_one_settlement_settle_it_once(app: App) -> None:
    allocation = running(app)
    request = app.allocations.settle(allocation.id, final_assets=B + DEPOSIT, by="risk-1")
    assert isinstance(request, ApprovalRequest)

    answers, errors = at_once(
        THREADS, lambda i: app.approvals.approve(request.id, by=("root", "root-2")[i % 2])
    )

    assert answers  # at least one checker carried it out
    assert all(isinstance(error, P2PStockError) for error in errors)
    assert app.allocations.get(allocation.id, customer_id="alice").status is Status.SETTLED
    assert (frozen(app), pool(app)) == (0, POOL)


def test_asking_for_a_top_up_from_several_devices_opens_one_request(app: App) -> None:
    allocation = running(app)

    answers, errors = at_once(
        THREADS, lambda _: app.allocations.ask(allocation.id, "top_up", customer_id="alice", amount=100_000)
    )

    assert errors == []
    assert len({request.id for request in answers}) == 1  # type: ignore[attr-defined]
    assert frozen(app) == DEPOSIT + RISK_FUND + 100_000
