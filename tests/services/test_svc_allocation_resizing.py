"""Expansion and reduction of a running allocation (扩大 / 缩小配资): the deposit changes by ΔD, B by
ΔD × L at the same leverage, and the lines and the fee are worked out anew. An expansion's ΔD (and its
risk fund share) is frozen while it waits and ΔB is drawn from the capital pool when it is approved; a
reduction returns ΔB to the pool and frees ΔD, only while the assets clear the new lines. A settlement
afterwards balances as for any allocation. The ledger's invariants are checked at the end of every test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from allocation_world import (
    CL,
    DAILY_FEE,
    DEPOSIT,
    MONTHLY,
    POOL,
    RISK_FUND,
    WL,
    B,
    allocation_account,
    assert_books_hold,
    available,
    balance_of,
    credit,
    event_data,
    event_kinds,
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
from p2pstock.core.allocation.allocations import Allocation, Status
from p2pstock.core.allocation.customer_requests import profit_available
from p2pstock.core.allocation.products import Component, fee_of
from p2pstock.core.allocation.side_requests import RequestStatus, SideRequest
from p2pstock.core.allocation.statuses import Figures
from p2pstock.core.errors import InsufficientFunds, InvalidInput, Refused
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import PermissionDenied

WALLET = 5_000_000
ADD = 400_000
"""ΔD of the expansions below: B grows by ¥20,000 at 5×."""
ADD_FUND = 10_000
"""The daily product's risk fund share (0.5 %) of that ΔB."""
GROWN_WL, GROWN_CL, GROWN_FEE = 7_700_000, 7_420_000, 4_200
"""B' = ¥70,000 and D' = ¥14,000: the lines B' + 50 % / 30 % of D', and 0.06 % of B' a day."""
CUT = 200_000
"""ΔD of the reductions below: B shrinks by ¥10,000 at 5×, and ¥12,000 leaves the sub-account."""
LEAVING = 6 * CUT
CUT_FUND = 5_000
SHRUNK_WL, SHRUNK_CL, SHRUNK_FEE = 4_400_000, 4_240_000, 2_400
"""B' = ¥40,000 and D' = ¥8,000."""


@pytest.fixture(autouse=True)
def platform(app: App) -> Iterator[None]:
    open_platform(app)
    verified_customer(app, wallet=WALLET)
    yield
    assert_books_hold(app)


def now(app: App, allocation: Allocation) -> Allocation:
    return app.allocations.get(allocation.id, customer_id="alice")


def ask(app: App, allocation: Allocation, kind: str, change: int) -> SideRequest:
    return app.allocations.ask(allocation.id, kind, customer_id="alice", amount=change)


def resized(app: App, allocation: Allocation, kind: str, change: int) -> Allocation:
    request = ask(app, allocation, kind, change)
    app.allocations.decide(request.id, by="reviewer-1", approve=True)
    return now(app, allocation)


def with_cash(assets: int, cash: int) -> Figures:
    """A sub-account holding ``assets``, ``cash`` of it in cash that can all be withdrawn."""
    return Figures(assets, assets - cash, cash, cash_withdrawable=cash)


def status(app: App, allocation: Allocation, figures_: Figures, day: date = date(2026, 1, 5)) -> None:
    app.allocations.record_status(allocation.id, day, figures_, by="risk-1")


def settle(app: App, allocation: Allocation, final_assets: int) -> Allocation:
    waiting = app.allocations.settle(allocation.id, final_assets=final_assets, by="risk-1")
    assert isinstance(waiting, ApprovalRequest)
    app.approvals.approve(waiting.id, by="root")
    return now(app, allocation)


def outbox(app: App) -> list[str]:
    return [n.text for n in app.office.read(lambda tx: tx.uow.outbox.due(tx.now, 100))]


# -- expansion


def test_an_expansion_freezes_the_extra_deposit_and_its_risk_fund_share_while_it_waits(app: App) -> None:
    allocation = running(app)
    before = available(app)

    request = ask(app, allocation, "expansion", ADD)

    assert (request.amount, request.status) == (ADD, RequestStatus.PENDING)
    assert frozen(app) == DEPOSIT + RISK_FUND + ADD + ADD_FUND
    assert before - available(app) == ADD + ADD_FUND
    assert (now(app, allocation).allocated, pool(app)) == (B, POOL - B)
    assert "request.expansion" in event_kinds(app, allocation)


def test_an_approved_expansion_draws_b_from_the_pool_and_snapshots_new_lines_and_fee(app: App) -> None:
    allocation = running(app)

    grown = resized(app, allocation, "expansion", ADD)

    assert (grown.deposit, grown.leverage, grown.allocated) == (DEPOSIT + ADD, 5, B + 5 * ADD)
    assert (grown.warning_line, grown.liquidation_line, grown.fee_per_period) == (
        GROWN_WL,
        GROWN_CL,
        GROWN_FEE,
    )
    assert grown.holds[Component.DEPOSIT].amount == DEPOSIT + ADD
    assert grown.risk_fund == RISK_FUND + ADD_FUND
    assert pool(app) == POOL - B - 5 * ADD
    assert balance_of(app, allocation_account(allocation)) == B + 5 * ADD
    assert frozen(app) == DEPOSIT + ADD + RISK_FUND + ADD_FUND


def test_the_timeline_tells_the_expansion_with_the_figures_before_and_after(app: App) -> None:
    allocation = running(app)

    resized(app, allocation, "expansion", ADD)

    [told] = event_data(app, allocation, "expanded")
    assert told == {
        "request": told["request"],
        "change": ADD,
        "deposit_was": DEPOSIT,
        "deposit": DEPOSIT + ADD,
        "allocated_was": B,
        "allocated": B + 5 * ADD,
        "warning_line_was": WL,
        "warning_line": GROWN_WL,
        "liquidation_line_was": CL,
        "liquidation_line": GROWN_CL,
        "fee_per_period_was": DAILY_FEE,
        "fee_per_period": GROWN_FEE,
    }
    assert event_kinds(app, allocation)[-2:] == ["expanded", "request.approved"]


def test_the_customer_is_told_the_new_figures_when_the_expansion_is_approved(app: App) -> None:
    allocation = running(app)

    resized(app, allocation, "expansion", ADD)

    assert any(
        "expansion request on allocation" in text and "deposit ¥14,000.00" in text and "¥42.00" in text
        for text in outbox(app)
    )


def test_fees_due_before_the_approval_are_charged_on_the_old_b_and_later_ones_on_the_new(
    app: App, clock: ManualClock
) -> None:
    allocation = running(app)
    before = available(app)

    grown = resized(app, allocation, "expansion", ADD)  # the day's fee falls due first
    assert (grown.periods_charged, grown.fees_paid) == (1, DAILY_FEE)
    assert before - available(app) == ADD + ADD_FUND + DAILY_FEE

    move_to(clock, date(2026, 1, 6))
    app.allocations.charge_fees(date(2026, 1, 6))

    assert now(app, allocation).fees_paid == DAILY_FEE + GROWN_FEE
    assert before - available(app) == ADD + ADD_FUND + DAILY_FEE + GROWN_FEE


def test_a_rejected_expansion_releases_the_deposit_and_the_risk_fund_it_froze(app: App) -> None:
    allocation = running(app)
    before = available(app)
    request = ask(app, allocation, "expansion", ADD)

    app.allocations.decide(request.id, by="reviewer-2", approve=False, reason="not now")

    assert (available(app), frozen(app)) == (before, DEPOSIT + RISK_FUND)
    assert (now(app, allocation).allocated, pool(app)) == (B, POOL - B)
    assert any("rejected: not now" in text for text in outbox(app))


def test_an_expansion_the_pool_cannot_cover_is_refused_and_keeps_waiting(app: App) -> None:
    allocation = running(app)
    request = ask(app, allocation, "expansion", ADD)
    app.capital.take_out(POOL - B - 5 * ADD + 1, reference="elsewhere", by="finance-1")

    with pytest.raises(Refused) as refused:
        app.allocations.decide(request.id, by="reviewer-1", approve=True)

    assert refused.value.code == "capital_pool_short"
    assert now(app, allocation).allocated == B
    assert frozen(app) == DEPOSIT + RISK_FUND + ADD + ADD_FUND
    [waiting] = app.allocations.timeline(allocation.id, customer_id="alice").requests
    assert waiting.status is RequestStatus.PENDING


def test_an_expansion_the_wallet_cannot_cover_is_refused_and_freezes_nothing(app: App) -> None:
    allocation = running(app)
    before = available(app)

    assert before < 4_000_000
    with pytest.raises(InsufficientFunds):
        ask(app, allocation, "expansion", 4_000_000)

    assert (available(app), frozen(app)) == (before, DEPOSIT + RISK_FUND)
    assert app.allocations.timeline(allocation.id, customer_id="alice").requests == ()


@pytest.mark.parametrize(
    ("change", "code"),
    [(0, "amount_not_positive"), (150_000, "deposit_step"), (100_000_000, "resize_most")],
)
def test_a_deposit_change_off_the_products_step_or_range_is_refused(app: App, change: int, code: str) -> None:
    allocation = running(app)

    with pytest.raises(InvalidInput) as refused:
        ask(app, allocation, "expansion", change)

    assert refused.value.code == code
    assert frozen(app) == DEPOSIT + RISK_FUND


def test_one_resize_waits_at_a_time_and_asking_it_again_answers_the_same_request(app: App) -> None:
    allocation = running(app)
    status(app, allocation, with_cash(6_000_000, 2_000_000))
    first = ask(app, allocation, "expansion", ADD)

    again = ask(app, allocation, "expansion", ADD)
    with pytest.raises(Refused) as refused:
        ask(app, allocation, "reduction", CUT)

    assert again == first
    assert (refused.value.code, refused.value.values) == ("resize_pending", {"request": first.id})
    assert frozen(app) == DEPOSIT + RISK_FUND + ADD + ADD_FUND


def test_approving_twice_draws_the_capital_once(app: App) -> None:
    allocation = running(app)
    request = ask(app, allocation, "expansion", ADD)

    app.allocations.decide(request.id, by="reviewer-1", approve=True)
    again = app.allocations.decide(request.id, by="reviewer-2", approve=True)

    assert again.status is RequestStatus.APPROVED
    assert pool(app) == POOL - B - 5 * ADD
    assert now(app, allocation).deposit == DEPOSIT + ADD


def test_only_administrators_who_review_allocations_decide_a_resize(app: App) -> None:
    allocation = running(app)
    request = ask(app, allocation, "expansion", ADD)

    for outsider in ("risk-1", "finance-1", "support-1"):
        with pytest.raises(PermissionDenied):
            app.allocations.decide(request.id, by=outsider, approve=True)

    assert now(app, allocation).allocated == B


def test_a_settlement_after_an_expansion_returns_the_new_b_and_pays_out_the_rest(app: App) -> None:
    allocation = running(app)
    resized(app, allocation, "expansion", ADD)
    before = available(app)

    settled = settle(app, allocation, 8_000_000)

    assert settled.settlement is not None and settled.settlement.payout == 8_000_000 - B - 5 * ADD
    assert available(app) - before == 8_000_000 - B - 5 * ADD + RISK_FUND + ADD_FUND
    assert (pool(app), frozen(app), balance_of(app, allocation_account(allocation))) == (POOL, 0, 0)


def test_a_settlement_rejects_a_waiting_expansion_and_releases_what_it_froze(app: App) -> None:
    allocation = running(app)
    ask(app, allocation, "expansion", ADD)

    settle(app, allocation, B + DEPOSIT)

    [request] = app.allocations.timeline(allocation.id, customer_id="alice").requests
    assert request.status is RequestStatus.REJECTED
    assert (pool(app), frozen(app)) == (POOL, 0)


def test_fees_overdue_stop_a_resize(app: App, clock: ManualClock) -> None:
    allocation = running(app, term=20)
    ask(app, allocation, "top_up", available(app))  # the wallet is left empty: fees come from the fund
    move_to(clock, date(2026, 1, 16))
    app.allocations.charge_fees(date(2026, 1, 16))  # ten trading days: more than the fund holds
    assert now(app, allocation).overdue
    credit(app, "alice", 1_000_000, "later")

    with pytest.raises(Refused) as refused:
        ask(app, allocation, "expansion", ADD)

    assert refused.value.code == "resize_overdue"


def test_nothing_can_be_resized_once_the_termination_was_approved(app: App) -> None:
    allocation = running(app)
    ending = ask(app, allocation, "termination", 0)
    app.allocations.decide(ending.id, by="risk-1", approve=True)

    with pytest.raises(Refused) as refused:
        ask(app, allocation, "expansion", ADD)

    assert refused.value.code == "termination_approved"


# -- reduction


def test_an_approved_reduction_returns_b_to_the_pool_and_frees_the_deposit_and_its_fund_share(
    app: App,
) -> None:
    allocation = running(app)
    status(app, allocation, with_cash(6_000_000, LEAVING))
    before = available(app)
    request = ask(app, allocation, "reduction", CUT)
    assert (request.hold_id, frozen(app)) == ("", DEPOSIT + RISK_FUND)  # nothing frozen while it waits

    shrunk = resized(app, allocation, "reduction", CUT)

    assert (shrunk.deposit, shrunk.allocated) == (DEPOSIT - CUT, B - 5 * CUT)
    assert (shrunk.warning_line, shrunk.liquidation_line, shrunk.fee_per_period) == (
        SHRUNK_WL,
        SHRUNK_CL,
        SHRUNK_FEE,
    )
    assert shrunk.risk_fund == RISK_FUND - CUT_FUND
    assert pool(app) == POOL - B + 5 * CUT
    assert balance_of(app, allocation_account(allocation)) == B - 5 * CUT
    assert frozen(app) == DEPOSIT - CUT + RISK_FUND - CUT_FUND
    assert available(app) - before == CUT + CUT_FUND - DAILY_FEE  # the day's fee was due first
    [told] = event_data(app, allocation, "reduced")
    assert (told["deposit_was"], told["deposit"], told["warning_line"]) == (DEPOSIT, DEPOSIT - CUT, SHRUNK_WL)


def test_a_reduction_must_leave_the_assets_clear_of_the_new_warning_line_with_the_margin(app: App) -> None:
    allocation = running(app)
    edge = LEAVING + SHRUNK_WL * 102 // 100  # what stays would sit exactly on WL' × 102 %
    status(app, allocation, with_cash(edge, 2_000_000))

    with pytest.raises(Refused) as refused:
        ask(app, allocation, "reduction", CUT)
    status(app, allocation, with_cash(edge + 1, 2_000_000))  # a correction of the day
    request = ask(app, allocation, "reduction", CUT)

    assert refused.value.code == "reduction_not_clear"
    assert request.status is RequestStatus.PENDING


def test_a_reduction_needs_a_status_normal_risk_and_the_cash_to_give_back(app: App) -> None:
    allocation = running(app)
    with pytest.raises(Refused) as no_status:
        ask(app, allocation, "reduction", CUT)
    status(app, allocation, with_cash(7_000_000, LEAVING - 1))
    with pytest.raises(Refused) as no_cash:
        ask(app, allocation, "reduction", CUT)
    status(app, allocation, figures(WL - 1))
    with pytest.raises(Refused) as at_risk:
        ask(app, allocation, "reduction", CUT)

    assert [e.value.code for e in (no_status, no_cash, at_risk)] == [
        "reduction_no_status",
        "reduction_cash_short",
        "reduction_risk",
    ]


def test_a_reduction_is_checked_again_when_approved_against_the_latest_status(app: App) -> None:
    allocation = running(app)
    status(app, allocation, with_cash(6_000_000, LEAVING))
    request = ask(app, allocation, "reduction", CUT)
    status(app, allocation, with_cash(5_600_000, LEAVING))  # the market fell meanwhile

    with pytest.raises(Refused) as refused:
        app.allocations.decide(request.id, by="reviewer-1", approve=True)

    assert refused.value.code == "reduction_not_clear"
    assert (now(app, allocation).allocated, pool(app)) == (B, POOL - B)


def test_a_reduction_cannot_take_the_deposit_below_the_products_minimum(app: App) -> None:
    allocation = running(app)
    status(app, allocation, with_cash(7_000_000, 6_000_000))

    with pytest.raises(InvalidInput) as too_much:
        ask(app, allocation, "reduction", DEPOSIT)
    shrunk = resized(app, allocation, "reduction", DEPOSIT - 100_000)
    with pytest.raises(Refused) as at_minimum:
        ask(app, allocation, "reduction", 100_000)

    assert (too_much.value.code, too_much.value.values["most"].minor) == ("resize_most", DEPOSIT - 100_000)
    assert (shrunk.deposit, shrunk.allocated) == (100_000, 500_000)
    assert at_minimum.value.code == "resize_at_limit"


def test_what_a_reduction_took_out_counts_against_a_later_profit_withdrawal(app: App) -> None:
    allocation = running(app)
    status(app, allocation, with_cash(7_000_000, 3_000_000))

    shrunk = resized(app, allocation, "reduction", CUT)

    assert shrunk.withdrawn_since_status == LEAVING
    # the assets left (¥58,000) above 110 % of the new capital (¥52,800)
    assert profit_available(shrunk) == 7_000_000 - LEAVING - (B - 5 * CUT + DEPOSIT - CUT) * 110 // 100


def test_a_settlement_after_a_reduction_returns_the_whole_pool_and_balances(app: App) -> None:
    allocation = running(app)
    status(app, allocation, with_cash(6_000_000, LEAVING))
    resized(app, allocation, "reduction", CUT)
    before = available(app)

    settled = settle(app, allocation, 4_700_000)

    assert settled.settlement is not None and settled.settlement.payout == 4_700_000 - (B - 5 * CUT)
    assert available(app) - before == 4_700_000 - (B - 5 * CUT) + RISK_FUND - CUT_FUND
    assert (pool(app), frozen(app), balance_of(app, allocation_account(allocation))) == (POOL, 0, 0)


# -- prepaid periods


def test_periods_prepaid_at_the_old_fee_hold_a_resize_off_even_when_the_product_refunds_none(
    app: App, clock: ManualClock
) -> None:
    """A bigger B must not run on periods paid at the smaller fee."""
    allocation = running(app)
    extension = app.allocations.ask(allocation.id, "extension", customer_id="alice", periods=2)
    app.allocations.decide(extension.id, by="reviewer-1", approve=True)

    with pytest.raises(Refused) as prepaid:
        ask(app, allocation, "expansion", ADD)
    for day in (6, 7):  # the two prepaid days used
        move_to(clock, date(2026, 1, day))
        app.allocations.charge_fees(date(2026, 1, day))
    grown = resized(app, allocation, "expansion", ADD)

    assert prepaid.value.code == "resize_prepaid_left"
    assert (grown.prepaid_left, grown.fee_per_period) == (0, GROWN_FEE)


def test_a_monthly_allocation_is_resized_on_its_monthly_fee(app: App) -> None:
    allocation = running(app, MONTHLY, term=3)

    grown = resized(app, allocation, "expansion", ADD)

    assert grown.fee_per_period == fee_of(B + 5 * ADD, 15_000)
    assert grown.status is Status.IN_PROGRESS


def test_a_monthly_allocation_is_not_resized_while_an_extension_waits_or_its_periods_are_left(
    app: App,
) -> None:
    allocation = running(app, MONTHLY, term=3)
    extension = app.allocations.ask(allocation.id, "extension", customer_id="alice", periods=1)
    with pytest.raises(Refused) as waiting:
        ask(app, allocation, "expansion", ADD)
    app.allocations.decide(extension.id, by="reviewer-1", approve=True)

    with pytest.raises(Refused) as prepaid:
        ask(app, allocation, "expansion", ADD)

    assert (waiting.value.code, prepaid.value.code) == ("resize_prepaid_left", "resize_prepaid_left")
    assert prepaid.value.values == {"periods": 1}
