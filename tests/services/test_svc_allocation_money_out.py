"""Money leaves a running allocation's sub-account (a profit withdrawal, a reduction) or enters it (an
expansion) only on known figures: not while a daily status is held for a second administrator, not while a
settlement waits for one — asked and approved alike — so the same money never leaves twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from allocation_world import (
    DAILY_FEE,
    DEPOSIT,
    POOL,
    RISK_FUND,
    B,
    assert_books_hold,
    available,
    figures,
    frozen,
    move_to,
    open_platform,
    pool,
    running,
    verified_customer,
)

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.allocation.side_requests import RequestStatus
from p2pstock.core.errors import Refused
from p2pstock.core.people.four_eyes import ApprovalRequest

MONDAY, TUESDAY = date(2026, 1, 5), date(2026, 1, 6)
RICH = 7_000_000
"""Total assets well above the lines, with cash to take out."""


@pytest.fixture(autouse=True)
def platform(app: App) -> Iterator[None]:
    open_platform(app)
    verified_customer(app)
    yield
    assert_books_hold(app)


def rich_on_monday(app: App, clock: ManualClock) -> str:
    allocation = running(app)
    move_to(clock, MONDAY)
    app.allocations.record_status(allocation.id, MONDAY, figures(RICH), by="risk-1")
    return allocation.id


def refused(work: object) -> str:
    assert callable(work)
    with pytest.raises(Refused) as caught:
        work()
    return caught.value.code


def test_a_status_held_for_a_second_administrator_holds_every_money_request_off(
    app: App, clock: ManualClock
) -> None:
    aid = rich_on_monday(app, clock)
    move_to(clock, TUESDAY)
    held = app.allocations.record_status(aid, TUESDAY, figures(RICH * 2), by="risk-1")  # a jump: held
    ask = app.allocations.ask

    codes = [
        refused(lambda: ask(aid, "profit", customer_id="alice", amount=100_000)),
        refused(lambda: ask(aid, "reduction", customer_id="alice", amount=DEPOSIT // 10)),
        refused(lambda: ask(aid, "expansion", customer_id="alice", amount=DEPOSIT // 10)),
    ]
    app.allocations.reject_status(aid, TUESDAY, held.revision, by="root", reason="a typo")
    allowed = ask(aid, "profit", customer_id="alice", amount=100_000)

    assert codes == ["status_held"] * 3
    assert allowed.status is RequestStatus.PENDING


def test_a_profit_withdrawal_asked_before_a_status_was_held_is_not_approved_until_it_is_decided(
    app: App, clock: ManualClock
) -> None:
    aid = rich_on_monday(app, clock)
    request = app.allocations.ask(aid, "profit", customer_id="alice", amount=100_000)
    move_to(clock, TUESDAY)
    held = app.allocations.record_status(aid, TUESDAY, figures(RICH * 2), by="risk-1")
    before = available(app)

    code = refused(lambda: app.allocations.decide(request.id, by="root", approve=True))
    app.allocations.confirm_status(aid, TUESDAY, held.revision, by="root")
    app.allocations.decide(request.id, by="root", approve=True)

    assert code == "status_held"
    assert available(app) - before == 100_000


def test_a_reduction_is_not_approved_while_a_settlement_waits_so_nothing_is_paid_twice(
    app: App, clock: ManualClock
) -> None:
    aid = rich_on_monday(app, clock)
    reduction = app.allocations.ask(aid, "reduction", customer_id="alice", amount=DEPOSIT // 10)
    waiting = app.allocations.settle(aid, final_assets=RICH, by="risk-1")
    assert isinstance(waiting, ApprovalRequest)
    before = available(app)

    code = refused(lambda: app.allocations.decide(reduction.id, by="reviewer-1", approve=True))
    app.approvals.approve(waiting.id, by="root")

    settled = app.allocations.get(aid, customer_id="alice")
    assert code == "settlement_waiting"
    assert settled.settlement is not None and settled.settlement.payout == RICH - B
    assert available(app) - before == RICH - B - DAILY_FEE + RISK_FUND  # paid once; the fund released
    assert frozen(app) == 0 and pool(app) == POOL
