"""Allocations under real threads on SQLite and PostgreSQL: simultaneous taps and decisions have one
effect."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from allocation_world import (
    DAILY_FEE,
    DEPOSIT,
    POOL,
    RISK_FUND,
    WL,
    B,
    applied,
    assert_books_hold,
    available,
    credit,
    figures,
    frozen,
    move_to,
    open_platform,
    pool,
    running,
    running_for,
    verified_customer,
)
from racing import at_once

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.allocation.allocations import Status
from p2pstock.core.allocation.products import Component
from p2pstock.core.errors import InsufficientFunds, P2PStockError
from p2pstock.core.people.four_eyes import ApprovalRequest

pytestmark = pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
THREADS = 4


def statement(codes: list[str], day: date, assets: int) -> str:
    header = "sub_account,trade_date,total_assets,market_value,cash_available,cash_frozen,cash_withdrawable,"
    lines = [header + "daily_pnl,floating_pnl"]
    for code in codes:
        f = figures(assets)
        amounts = (f.total_assets, f.market_value, f.cash_available, 0, f.cash_withdrawable, 0, 0)
        lines.append(",".join([code, day.isoformat(), *(f"{a // 100}.{a % 100:02d}" for a in amounts)]))
    return "\n".join(lines) + "\n"


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


def test_statements_of_two_days_imported_at_once_leave_each_risk_state_with_its_latest_status(
    app: App, clock: ManualClock
) -> None:
    credit(app, "alice", 5_000_000, "more")
    codes = [f"S-{i}" for i in range(8)]
    allocations = [running(app, sub_account=code) for code in codes]
    move_to(clock, date(2026, 1, 6))
    below = statement(codes, date(2026, 1, 5), WL - 1)  # a warning
    just_above = statement(codes, date(2026, 1, 6), WL + 1)  # inside the margin to leave a warning

    reports, errors = at_once(
        2, lambda i: app.allocations.import_statement((below, just_above)[i], by="risk-1")
    )

    assert errors == []
    assert all(report.ok for report in reports)  # type: ignore[attr-defined]
    for allocation in allocations:
        now = app.allocations.get(allocation.id, customer_id="alice")
        latest = app.allocations.timeline(allocation.id, by="risk-1").statuses[-1]
        assert (latest.trade_date, now.last_status_date) == (date(2026, 1, 6), date(2026, 1, 6))
        assert now.risk is latest.risk_after


def test_a_fee_job_and_a_payment_from_the_same_wallet_at_once_spend_it_once(app: App) -> None:
    verified_customer(app, "bob", wallet=3 * DEPOSIT + 2 * RISK_FUND + DAILY_FEE)
    first, second = (running_for(app, "bob", f"B-{n}") for n in (1, 2))
    third = applied(app, customer_id="bob")  # its deposit and one day's fee are what the wallet has left
    jobs = [
        lambda: app.allocations.charge_fees(date(2026, 1, 5)),
        lambda: app.allocations.pay(third.id, Component.DEPOSIT, customer_id="bob"),
    ]

    _, errors = at_once(2, lambda i: jobs[i]())

    charged = [app.allocations.get(a.id, customer_id="bob") for a in (first, second)]
    assert [(a.fees_paid, a.fees_unpaid, a.overdue) for a in charged] == [(DAILY_FEE, 0, False)] * 2
    from_funds = 2 * RISK_FUND - sum(a.risk_fund for a in charged)
    if errors:  # the fee job first: both fees from the wallet, which then cannot cover the deposit
        assert [type(error) for error in errors] == [InsufficientFunds]
        assert (available(app, "bob"), frozen(app, "bob"), from_funds) == (
            DEPOSIT - DAILY_FEE,
            2 * (DEPOSIT + RISK_FUND),
            0,
        )
    else:  # the payment first: one fee from the wallet, the other from its allocation's risk fund
        assert (available(app, "bob"), frozen(app, "bob"), from_funds) == (
            0,
            3 * DEPOSIT + 2 * RISK_FUND - DAILY_FEE,
            DAILY_FEE,
        )
