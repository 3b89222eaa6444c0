"""An expansion approved at the very moment a statement is imported or a settlement is carried out (real
threads, SQLite and PostgreSQL): the allocation's row lock (and the daily statuses' turn) puts one before
the other, and the lines and the money come out exactly as that order says. Each race is run with both
threads released together, and with one of them held back a moment so that each order is seen."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import pytest
from allocation_world import (
    DAILY_FEE,
    DEPOSIT,
    POOL,
    RISK_FUND,
    B,
    allocation_account,
    assert_books_hold,
    available,
    balance_of,
    figures,
    frozen,
    open_platform,
    pool,
    running,
    verified_customer,
)
from racing import at_once

from p2pstock.bootstrap import App
from p2pstock.core.allocation.allocations import Risk, Status
from p2pstock.core.allocation.risk import ratio_bp
from p2pstock.core.allocation.side_requests import RequestStatus
from p2pstock.core.people.four_eyes import ApprovalRequest

pytestmark = pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
WALLET = 5_000_000
ADD, ADD_FUND = 400_000, 10_000
GROWN_B, GROWN_WL, GROWN_CL = B + 5 * ADD, 7_700_000, 7_420_000
HELD_BACK = 0.3
"""Seconds a thread is held back to let the other go first."""
STARTS = {"together": (0.0, 0.0), "expansion_first": (0.0, HELD_BACK), "other_first": (HELD_BACK, 0.0)}
"""How the expansion's approval and the other work start (seconds each waits after the release)."""
RACES = ["together", "together", "expansion_first", "other_first"]


@pytest.fixture(autouse=True)
def platform(app: App) -> Iterator[None]:
    open_platform(app)
    verified_customer(app, wallet=WALLET)
    yield
    assert_books_hold(app)


def statement(code: str, day: date, assets: int) -> str:
    f = figures(assets)
    amounts = (f.total_assets, f.market_value, f.cash_available, 0, f.cash_withdrawable, 0, 0)
    header = "sub_account,trade_date,total_assets,market_value,cash_available,cash_frozen,cash_withdrawable,"
    row = ",".join([code, day.isoformat(), *(f"{a // 100}.{a % 100:02d}" for a in amounts)])
    return f"{header}daily_pnl,floating_pnl\n{row}\n"


@pytest.mark.parametrize("start", RACES)
def test_an_expansion_approved_while_a_statement_is_imported_judges_the_status_by_one_set_of_lines(
    app: App, start: str
) -> None:
    allocation = running(app, sub_account="RACE-1")
    request = app.allocations.ask(allocation.id, "expansion", customer_id="alice", amount=ADD)
    assets = 7_500_000  # above the old warning line; between the new liquidation and warning lines
    text = statement("RACE-1", date(2026, 1, 5), assets)
    pool_before = pool(app)

    def work(i: int) -> object:
        time.sleep(STARTS[start][i])
        if i == 0:
            return app.allocations.decide(request.id, by="reviewer-1", approve=True)
        return app.allocations.import_statement(text, by="risk-1")

    _, errors = at_once(2, work)

    assert errors == []
    now = app.allocations.get(allocation.id, customer_id="alice")
    assert (now.allocated, now.warning_line, now.liquidation_line) == (GROWN_B, GROWN_WL, GROWN_CL)
    assert pool_before - pool(app) == 5 * ADD
    assert balance_of(app, allocation_account(allocation)) == GROWN_B
    [status] = app.allocations.timeline(allocation.id, by="risk-1").statuses
    saw_new_lines = status.ratio_bp == ratio_bp(assets, GROWN_B, 0)
    assert saw_new_lines or status.ratio_bp == ratio_bp(assets, B, 0)
    assert start == "together" or saw_new_lines is (start == "expansion_first")
    assert status.risk_after is (Risk.WARNING if saw_new_lines else Risk.NORMAL)
    assert now.risk is status.risk_after


@pytest.mark.parametrize("start", RACES)
def test_an_expansion_is_never_approved_while_its_settlement_waits_and_the_settlement_releases_it(
    app: App, start: str
) -> None:
    """The settlement's final assets were entered before: money entering (or leaving) the sub-account
    meanwhile would be settled wrongly, so the expansion waits for no one — refused while the settlement
    waits, or found rejected by it."""
    allocation = running(app)
    request = app.allocations.ask(allocation.id, "expansion", customer_id="alice", amount=ADD)
    final = 8_000_000
    waiting = app.allocations.settle(allocation.id, final_assets=final, by="risk-1")
    assert isinstance(waiting, ApprovalRequest)
    before = available(app) + ADD + ADD_FUND + DEPOSIT + RISK_FUND  # with everything frozen released

    def work(i: int) -> object:
        time.sleep(STARTS[start][i])
        if i == 0:
            return app.allocations.decide(request.id, by="reviewer-1", approve=True)
        return app.approvals.approve(waiting.id, by="root")

    _, errors = at_once(2, work)

    decided = {r.id: r for r in app.allocations.timeline(allocation.id, by="risk-1").requests}[request.id]
    settled = app.allocations.get(allocation.id, customer_id="alice")
    assert settled.status is Status.SETTLED and settled.settlement is not None
    assert decided.status is RequestStatus.REJECTED
    [refused] = errors
    assert getattr(refused, "code", "") in ("settlement_waiting", "request_already_decided")
    assert settled.settlement.payout == final - B
    assert available(app) - before == settled.settlement.payout - DEPOSIT - DAILY_FEE
    assert (frozen(app), balance_of(app, allocation_account(allocation))) == (0, 0)
    assert pool(app) == POOL
