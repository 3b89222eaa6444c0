"""The lending marketplace end to end, on memory, SQLite and PostgreSQL: a loan filled partly by auto-invest
and the rest by hand, its agreement issued, one holding sold on mid-period, the first installment split
among the old and the new holders, the second advanced by the guarantee when the borrower is late and
then recovered from her, the third repaid on time. Every figure is checked against what the parts add up
to, and at the end the escrow is empty, the reserve holds what it was given back, and the books hold."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import attrs
import pytest
from guarantee_world import reserve
from lending_world import (
    PERSONAL,
    assert_books_hold,
    available,
    credit,
    escrow,
    move_to,
    open_lending,
    qualification,
    verified,
)

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.lending.auto_invest import RuleTerms
from p2pstock.core.lending.loans import Investment, Loan, LoanStatus
from p2pstock.core.lending.products import share_of
from p2pstock.core.lending.schedules import Method, split
from p2pstock.core.money import Money
from p2pstock.jobs import run_jobs

MARKET = attrs.evolve(
    PERSONAL,
    auto_share_bp=6_000,
    guarantee_days=3,
    reserve_fee_bp=2_000,
    transfer_fee_bp=10,
    transfer_fee_cap_bp=100,
    transfer_price_bp=500,
)
"""Auto-invest takes at most 60 % of a loan; an installment more than 3 days overdue is advanced from the
reserve, which gets a fifth of the platform's fees; a holding sells at up to 5 % off or over, for 0.1 % of
the principal a remaining installment."""
AMOUNT = 500_000
FUNDED = 1_000_000
"""What the finance officer puts in the reserve first."""


@pytest.fixture(autouse=True)
def platform(app: App, clock: ManualClock) -> Iterator[None]:
    open_lending(app, clock)  # ivan, iris and igor with ¥10,000 each, Bella the borrower
    app.loan_products.define(MARKET, by="root")
    for customer in ("olga", "pavel"):
        verified(app, customer, wallet=1_000_000)
    yield
    assert_books_hold(app)


def a_listed_loan(app: App) -> Loan:
    loan = app.lending.apply(
        "bella",
        product="personal",
        amount=AMOUNT,
        months=3,
        rate_bp=1_200,
        method=Method.EQUAL_INSTALLMENTS,
        purpose="shop renovation",
        documents=[qualification(app)],
        bidding_days=3,
    )
    app.lending.first_review(loan.id, by="reviewer-1")
    return app.lending.final_review(loan.id, by="reviewer-2")


def holders(app: App, loan: Loan) -> dict[str, Investment]:
    return {i.investor_id: i for i in app.lending.investments(loan.id) if i.outstanding}


def test_auto_invest_then_a_sale_then_an_advance_and_its_recovery_keep_every_fen(
    app: App, clock: ManualClock
) -> None:
    # auto-invest: three rules of ¥1,500 each, the product lets them take ¥3,000 of ¥5,000
    for investor in ("ivan", "iris", "igor"):
        clock.advance(seconds=1)
        app.auto_invest.save(investor, RuleTerms(amount=150_000))
    assert app.guarantee.fund_reserve("personal", FUNDED, reference="seed", by="finance-1") == Money(FUNDED)
    loan = a_listed_loan(app)
    auto = app.lending.investments(loan.id)
    assert sorted((i.investor_id, i.amount, i.auto) for i in auto) == [
        ("iris", 150_000, True),
        ("ivan", 150_000, True),
    ]
    assert app.lending.get(loan.id).remainder == AMOUNT - share_of(AMOUNT, MARKET.auto_share_bp)

    # the rest by hand, then the full review: the borrower is paid and the agreement issued
    app.lending.invest(loan.id, investor_id="olga", amount=200_000, request_id="olga-1")
    loan = app.lending.approve_full(loan.id, by="risk-1")
    assert loan.status is LoanStatus.REPAYING and len(loan.contract_hash) == 64
    listing_share = share_of(share_of(AMOUNT, MARKET.listing_fee_bp), MARKET.reserve_fee_bp)
    assert reserve(app) == FUNDED + listing_share
    plan = app.lending.installments(loan.id)

    # mid-period, Ivan sells ¥500 of his ¥1,500 to Pavel at 1 % off
    move_to(clock, date(2026, 3, 17), 10)
    ivan_before, pavel_before = available(app, "ivan"), available(app, "pavel")
    listing = app.debt_market.list_for_sale(
        holders(app, loan)["ivan"].id, seller_id="ivan", principal=50_000, premium_bp=-100, request_id="s1"
    )
    purchase = app.debt_market.buy(listing.id, buyer_id="pavel", principal=50_000, request_id="b1")
    assert available(app, "pavel") == pavel_before - purchase.price
    assert available(app, "ivan") == ivan_before + purchase.price - purchase.fee
    assert purchase.price == 50_000 + listing.accrued - 500 and len(purchase.contract_hash) == 64
    weights = {who: i.outstanding for who, i in holders(app, loan).items()}
    assert weights == {"ivan": 100_000, "pavel": 50_000, "iris": 150_000, "olga": 200_000}

    # the first installment, paid on its due date, splits among the four holders by what they hold
    first = plan[0]
    move_to(clock, first.due, 10)
    before = {who: available(app, who) for who in weights}
    fee = share_of(first.interest, MARKET.interest_fee_bp)
    expected = shares(app, loan, first.principal, first.interest - fee)
    app.lending.repay(loan.id, customer_id="bella", request_id="r1")
    assert gains(app, before) == expected
    reserve_after_first = reserve(app)
    assert reserve_after_first == FUNDED + listing_share + share_of(fee, MARKET.reserve_fee_bp)

    # the second installment: Bella holds her money back; four days late the reserve advances it
    second = plan[1]
    move_to(clock, second.due, 10)
    credit(app, "bella", 200_000, "bella-top-up")
    held = app.wallets.request_withdrawal(
        "bella", request_id="out", amount=app.wallets.balance("bella").available
    )
    weights = {who: i.outstanding for who, i in holders(app, loan).items()}
    before = {who: available(app, who) for who in weights}
    fee = share_of(second.interest, MARKET.interest_fee_bp)
    expected = shares(app, loan, second.principal, second.interest - fee)
    late = date.fromordinal(second.due.toordinal() + 4)
    move_to(clock, late, 10)
    assert run_jobs(app, late, deliver=False).installments_advanced == 1
    assert gains(app, before) == expected
    advanced = second.principal + second.interest
    assert reserve(app) == reserve_after_first - advanced + share_of(fee, MARKET.reserve_fee_bp)
    [stored] = [i for i in app.lending.installments(loan.id) if i.number == 2]
    assert (stored.advanced, stored.settled_at) == (advanced, None)

    # Bella pays it, penalty included: everything goes back to the reserve, nothing more to the investors
    app.wallets.reject_withdrawal(held.id, by="finance-1", reason="she asked to repay with it instead")
    before_recovery = reserve(app), {who: available(app, who) for who in weights}
    app.lending.repay(loan.id, customer_id="bella", request_id="r2")
    [recovered] = [i for i in app.lending.installments(loan.id) if i.number == 2]
    assert recovered.settled_at is not None and recovered.paid_penalty > 0
    assert recovered.recovered == advanced + recovered.paid_penalty
    assert reserve(app) == before_recovery[0] + recovered.recovered
    assert {who: available(app, who) for who in weights} == before_recovery[1]

    # the third installment on time: the loan is repaid, its escrow empty
    move_to(clock, plan[2].due, 10)
    app.lending.repay(loan.id, customer_id="bella", request_id="r3")
    assert app.lending.get(loan.id).status is LoanStatus.REPAID
    assert escrow(app, loan) == 0
    received = {who: i.principal_received for who, i in holders_of_all(app, loan).items()}
    assert received == {"ivan": 100_000, "pavel": 50_000, "iris": 150_000, "olga": 200_000}
    assert holders_of_all(app, loan)["ivan"].sold == 50_000


def gains(app: App, before: dict[str, int]) -> dict[str, int]:
    return {who: available(app, who) - was for who, was in before.items()}


def shares(app: App, loan: Loan, principal: int, interest: int) -> dict[str, int]:
    """What each holder gets of ``principal`` and ``interest``: each split by the principal outstanding,
    by investment (ties to the investment id that sorts first, as the payment splits them)."""
    held = {i.id: i.outstanding for i in holders(app, loan).values()}
    parts = split(principal, held), split(interest, held)
    return {i.investor_id: parts[0][i.id] + parts[1][i.id] for i in holders(app, loan).values()}


def holders_of_all(app: App, loan: Loan) -> dict[str, Investment]:
    """Every investment of the loan by investor, repaid ones too (each investor holds one here)."""
    return {i.investor_id: i for i in app.lending.investments(loan.id)}
