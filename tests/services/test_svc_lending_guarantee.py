"""The platform's guarantee (垫付): a product's reserve funded by a share of the fees and by the platform's
own money, advancing an overdue installment to the investors once, and getting back what the borrower pays of
it — on memory, SQLite and PostgreSQL, the books balanced after every test; and, on SQLite and PostgreSQL,
the advance racing the borrower's repayment on real threads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from guarantee_world import (
    FIRST_DUE,
    INTEREST,
    LISTING_SHARE,
    PRINCIPAL,
    disbursed,
    fund,
    hold_back,
    open_guarantee,
    reserve,
    told,
)
from lending_world import INVESTORS, assert_books_hold, available, credit, escrow, move_to
from racing import at_once

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.errors import IdempotencyConflict
from p2pstock.core.ledger import chart, codes
from p2pstock.core.lending.loans import Loan
from p2pstock.core.money import Money
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import PermissionDenied
from p2pstock.jobs import run_jobs

WHOLE = INTEREST + PRINCIPAL
FEE = INTEREST // 10
"""The platform's tenth of the first installment's interest; a fifth of it funds the reserve."""
SHARES = {"ivan": (12_750, 2_250, 250), "iris": (7_650, 1_350, 150), "igor": (5_100, 900, 100)}
"""Each investor's principal, interest after the fee and part of the fee, of the first installment (5:3:2)."""


@pytest.fixture(autouse=True)
def platform(app: App, clock: ManualClock) -> Iterator[None]:
    open_guarantee(app, clock)
    yield
    assert_books_hold(app)


def wallets(app: App) -> list[int]:
    return [available(app, investor) for investor in INVESTORS]


def overdue(app: App, clock: ManualClock, *, funded: int = 100_000) -> Loan:
    """The reference loan, the reserve funded with ``funded``, and Bella's money held back so that the
    first installment goes unpaid."""
    loan = disbursed(app)
    if funded:
        fund(app, funded)
    hold_back(app)
    return loan


# -- funding ------------------------------------------------------------------------------------------------


def test_a_fifth_of_the_listing_fee_and_of_each_interest_fee_funds_the_reserve(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    assert reserve(app) == LISTING_SHARE
    move_to(clock, FIRST_DUE, 9)

    app.lending.repay(loan.id, customer_id="bella", request_id="r1")

    assert reserve(app) == LISTING_SHARE + FEE // 5
    fees = app.ledger.account(chart.fee_income().id).balances
    assert fees.credits_posted == 10_000 - LISTING_SHARE + FEE - FEE // 5
    assert escrow(app, loan) == 0


def test_an_administrator_holding_capital_manage_funds_the_reserve_once_per_reference(app: App) -> None:
    assert fund(app, 50_000) == Money(50_000)
    assert fund(app, 50_000) == Money(50_000)  # the same reference again: moved once
    with pytest.raises(IdempotencyConflict):
        fund(app, 60_000)
    with pytest.raises(PermissionDenied):
        app.guarantee.fund_reserve("personal", 10_000, reference="mine", by="risk-1")
    funding = app.ledger.account(chart.capital_funding().id).balances
    assert (reserve(app), funding.debits_posted) == (50_000, 50_000)


def test_funding_from_the_capital_threshold_on_waits_for_a_second_administrator(app: App) -> None:
    large = 500_000_000
    waiting = app.guarantee.fund_reserve("personal", large, reference="big", by="finance-1")
    assert isinstance(waiting, ApprovalRequest) and reserve(app) == 0

    app.approvals.approve(waiting.id, by="finance-2")

    assert reserve(app) == large


# -- advancing ----------------------------------------------------------------------------------------------


def test_an_installment_overdue_past_the_guarantee_days_is_advanced_whole_to_the_investors(
    app: App, clock: ManualClock
) -> None:
    loan = overdue(app, clock)
    move_to(clock, date(2026, 4, 5), 6)
    assert run_jobs(app).installments_advanced == 0  # three days overdue: not yet
    before = wallets(app)

    move_to(clock, date(2026, 4, 6), 6)
    assert run_jobs(app).installments_advanced == 1

    gains = [after - b for after, b in zip(wallets(app), before, strict=True)]
    assert gains == [p + i for p, i, _ in SHARES.values()]
    assert reserve(app) == LISTING_SHARE + 100_000 - WHOLE + FEE // 5
    first = app.lending.installments(loan.id)[0]
    assert (first.advanced, first.settled, first.recovered) == (WHOLE, False, 0)
    assert escrow(app, loan) == 0
    received = {i.investor_id: i.principal_received for i in app.lending.investments(loan.id)}
    assert received == {investor: shares[0] for investor, shares in SHARES.items()}
    to_ivan = (
        f"Installment 1 of loan {loan.id} is overdue and the platform's guarantee reserve advanced it: "
        "¥150.00 is in your wallet: principal ¥127.50, interest ¥22.50, penalty interest ¥0.00 (after the "
        "platform's fee of ¥2.50)."
    )
    assert to_ivan in told(app, 9001)
    assert any("guarantee reserve advanced ¥305.00" in t for t in told(app, 8001))


def test_what_the_borrower_pays_of_an_advanced_installment_goes_back_to_the_reserve_penalty_included(
    app: App, clock: ManualClock
) -> None:
    loan = overdue(app, clock)
    move_to(clock, date(2026, 4, 6), 6)
    run_jobs(app)
    after_advance, investors = reserve(app), wallets(app)
    move_to(clock, date(2026, 4, 10), 9)
    credit(app, "bella", 40_000, "bella-back")
    penalty = PRINCIPAL * 8 * 5 // 10_000  # eight days of 0.05 % on the unpaid principal

    app.lending.repay(loan.id, customer_id="bella", request_id="late")

    first = app.lending.installments(loan.id)[0]
    assert first.settled and first.recovered == WHOLE + penalty == 30_602
    assert reserve(app) == after_advance + WHOLE + penalty
    assert wallets(app) == investors  # the investors had it already
    assert available(app, "bella") == 40_000 - WHOLE - penalty
    assert escrow(app, loan) == 0
    moved = app.ledger.statistics("month", start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert sum(t.credits for t in moved if t.code == codes.LOAN_ADVANCE_RECOVERY) == 30_602


def test_a_partly_paid_installment_is_advanced_for_what_is_unpaid_and_reaches_the_investors_whole(
    app: App, clock: ManualClock
) -> None:
    loan = overdue(app, clock)
    move_to(clock, date(2026, 4, 3), 9)
    credit(app, "bella", 10_000, "bella-part")
    app.lending.repay(loan.id, customer_id="bella", request_id="part", amount=10_000)
    assert escrow(app, loan) == 10_000  # waits there: the installment is not settled
    before = wallets(app)
    move_to(clock, date(2026, 4, 6), 6)

    run_jobs(app)

    first = app.lending.installments(loan.id)[0]
    paid_before = first.paid_penalty + first.paid_interest + first.paid_principal
    assert first.advanced == WHOLE - (paid_before - first.paid_penalty)
    ivan = available(app, "ivan") - before[0]
    assert ivan == 12_750 + 2_250 + first.paid_penalty * 5 // 10
    assert escrow(app, loan) == 0


def test_a_reserve_too_small_advances_nothing_and_tells_the_full_reviewers_once(
    app: App, clock: ManualClock
) -> None:
    app.staff.enrol_by_operator("risk-9", ["risk_officer"], telegram_user_id=7777)
    loan = overdue(app, clock, funded=0)
    before = wallets(app)
    move_to(clock, date(2026, 4, 6), 6)

    assert run_jobs(app).installments_advanced == 0
    move_to(clock, date(2026, 4, 7), 6)
    assert run_jobs(app).installments_advanced == 0

    assert wallets(app) == before and reserve(app) == LISTING_SHARE
    assert app.lending.installments(loan.id)[0].advanced_at is None
    short = [t for t in told(app, 7777) if "风险准备金" in t]  # an administrator's chat is in Chinese
    said = f"产品 personal 的风险准备金余额 ¥20.00 不足以垫付借款 {loan.id} 第 1 期（¥305.00），请注资。"
    assert short == [said]
    fund(app, 50_000)
    move_to(clock, date(2026, 4, 8), 6)
    assert run_jobs(app).installments_advanced == 1


def test_the_advance_job_run_twice_advances_once(app: App, clock: ManualClock) -> None:
    loan = overdue(app, clock)
    move_to(clock, date(2026, 4, 6), 6)

    first, second = run_jobs(app), run_jobs(app)
    move_to(clock, date(2026, 4, 7), 6)
    third = run_jobs(app)

    assert [run.installments_advanced for run in (first, second, third)] == [1, 0, 0]
    moved = app.ledger.statistics("month", start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert sum(t.credits for t in moved if t.code == codes.LOAN_ADVANCE) == WHOLE
    assert [i.advanced for i in app.lending.installments(loan.id)][:2] == [WHOLE, 0]


def test_the_reserve_figures_say_what_it_holds_advanced_recovered_and_is_owed(
    app: App, clock: ManualClock
) -> None:
    loan = overdue(app, clock)
    move_to(clock, date(2026, 4, 6), 6)
    run_jobs(app)
    [shown] = app.guarantee.figures(by="support-1")
    assert (shown.product, shown.guarantee_days) == ("personal", 3)
    assert (shown.advanced, shown.outstanding) == (WHOLE, WHOLE)
    assert (shown.balance, shown.recovered, shown.written_off) == (reserve(app), 0, 0)
    move_to(clock, date(2026, 4, 7), 9)
    credit(app, "bella", 10_000, "bella-some")

    app.lending.repay(loan.id, customer_id="bella", request_id="some", amount=10_000)

    [shown] = app.guarantee.figures(by="finance-1")
    penalty = app.lending.installments(loan.id)[0].paid_penalty
    assert (shown.recovered, shown.outstanding) == (10_000, WHOLE - (10_000 - penalty))
    with pytest.raises(PermissionDenied):
        app.guarantee.figures(by="nobody")


# -- racing -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_the_advance_racing_the_borrowers_repayment_keeps_the_money_exact(
    app: App, clock: ManualClock
) -> None:
    loan = overdue(app, clock)
    move_to(clock, date(2026, 4, 6), 9)
    credit(app, "bella", 40_000, "bella-back")
    before = wallets(app)

    def work(i: int) -> object:
        if i == 0:
            return app.guarantee.advance_due(date(2026, 4, 6))
        return app.lending.repay(loan.id, customer_id="bella", request_id="race")

    _, errors = at_once(2, work)

    assert errors == []
    first = app.lending.installments(loan.id)[0]
    penalty = PRINCIPAL * 4 * 5 // 10_000
    assert first.settled and 40_000 - available(app, "bella") == WHOLE + penalty
    gains = sum(after - b for after, b in zip(wallets(app), before, strict=True))
    if first.advanced_at is not None:  # advanced first: the payment went back to the reserve, whole
        assert (gains, first.recovered) == (WHOLE - FEE, WHOLE + penalty)
        assert reserve(app) == LISTING_SHARE + 100_000 - WHOLE + FEE // 5 + WHOLE + penalty
    else:  # repaid first: settled and paid out as usual, nothing left to advance
        assert (gains, first.recovered) == (WHOLE - FEE + penalty, 0)
        assert reserve(app) == LISTING_SHARE + 100_000 + FEE // 5
    assert escrow(app, loan) == 0
