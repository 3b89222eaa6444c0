"""What a checker reads before deciding a request that waits for four eyes: for a withdrawal, the wallet
once it is paid out; for a settlement, the payout, the customer's profit or loss, what the risk fund covers
and any shortfall and who bears it — the same figures the settlement then books."""

from __future__ import annotations

import pytest
from allocation_world import (
    DEPOSIT,
    RISK_FUND,
    B,
    assert_books_hold,
    open_platform,
    running,
    verified_customer,
)

from p2pstock.bootstrap import App
from p2pstock.core.allocation.desk import ShortfallPolicy
from p2pstock.core.errors import NotFound
from p2pstock.core.money import Money
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import PermissionDenied


@pytest.fixture(autouse=True)
def platform(app: App) -> None:
    open_platform(app)
    verified_customer(app, wallet=10_000_000)  # alice: ¥100,000


def test_a_large_withdrawal_shows_the_wallet_once_it_is_paid_out(app: App) -> None:
    app.wallets.request_withdrawal("alice", request_id="w-big", amount=Money(6_000_000))
    waiting = app.wallets.approve_withdrawal("w-big", by="finance-1")
    assert isinstance(waiting, ApprovalRequest)

    assert app.approvals.consequences(waiting.id, by="root") == {"after": Money(4_000_000)}


def test_a_settlement_with_a_shortfall_shows_what_the_settlement_then_books(app: App) -> None:
    allocation = running(app)
    waiting = app.allocations.settle(allocation.id, final_assets=B - 100_000, by="risk-1")
    assert isinstance(waiting, ApprovalRequest)

    shown = app.approvals.consequences(waiting.id, by="root")
    app.approvals.approve(waiting.id, by="root")

    assert shown == {
        "payout": Money(0),
        "pnl": Money(-100_000 - DEPOSIT),
        "book": Money(B + DEPOSIT),
        "from_fund": Money(RISK_FUND),
        "shortfall": Money(100_000 - RISK_FUND),
        "bearer": ShortfallPolicy.RECEIVABLE,
    }
    record = app.allocations.get(allocation.id, customer_id="alice").settlement
    assert record is not None and (record.from_risk_fund, record.receivable) == (
        RISK_FUND,
        100_000 - RISK_FUND,
    )
    assert_books_hold(app)


@pytest.mark.parametrize("by", ["support-1", "alice", "nobody"])
def test_only_an_administrator_who_may_decide_it_reads_what_it_would_do(app: App, by: str) -> None:
    app.wallets.request_withdrawal("alice", request_id="w-big", amount=Money(6_000_000))
    waiting = app.wallets.approve_withdrawal("w-big", by="finance-1")
    assert isinstance(waiting, ApprovalRequest)

    with pytest.raises(PermissionDenied):
        app.approvals.consequences(waiting.id, by=by)


def test_what_a_request_would_do_is_read_of_a_stored_request_only(app: App) -> None:
    with pytest.raises(NotFound):
        app.approvals.consequences("approval-forged", by="root")
