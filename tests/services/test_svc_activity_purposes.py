"""What each line of a customer's fund activity was for, read from what the platform really booked: an
allocation's fee names its period, the risk fund frozen again after a fee names that fee, fees overdue say
so, and a loan's payment names the installments it was for (the borrower's, even one that settled none,
and each investor's) — on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from allocation_world import (
    DAILY_FEE,
    DEPOSIT,
    MONTHLY,
    RISK_FUND,
    credit,
    move_to,
    open_platform,
    running,
    running_for,
    verified_customer,
)
from lending_world import full, open_lending

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.activity import Movement, Purpose, paid_installments, purpose
from p2pstock.core.lending.loans import Loan


def lines(app: App, customer_id: str, *wanted: str) -> list[Movement]:
    """The customer's movements of the ``wanted`` codes, newest first."""
    found = app.ledger.activity(chart.wallet_id(customer_id), limit=1000).movements
    return [m for m in found if m.code in wanted]


# -- allocations ----------------------------------------------------------------------------------------


@pytest.fixture
def allocations(app: App) -> App:
    open_platform(app)
    return app


def test_each_daily_fee_names_its_allocation_and_its_period(allocations: App, clock: ManualClock) -> None:
    verified_customer(allocations)
    allocation = running(allocations, term=5)
    allocations.allocations.charge_fees(date(2026, 1, 5))
    move_to(clock, date(2026, 1, 7))
    allocations.allocations.charge_fees(date(2026, 1, 7))

    fees = lines(allocations, "alice", codes.ALLOCATION_FEE)

    assert [purpose(m) for m in fees] == [Purpose(allocation.id, period) for period in (3, 2, 1)]
    assert [m.change for m in fees] == [-DAILY_FEE] * 3


def test_what_an_allocation_froze_names_the_allocation_without_a_period(allocations: App) -> None:
    verified_customer(allocations)
    allocation = running(allocations, term=5)

    holds = lines(allocations, "alice", codes.ALLOCATION_DEPOSIT, codes.ALLOCATION_RISK_FUND)

    assert [purpose(m) for m in holds] == [Purpose(allocation.id)] * 2


def test_a_monthly_fee_names_the_month_it_is_for(allocations: App, clock: ManualClock) -> None:
    verified_customer(allocations)
    allocation = running(allocations, MONTHLY, term=3)  # the first month prepaid
    move_to(clock, date(2026, 2, 5))
    allocations.allocations.charge_fees(date(2026, 2, 5))

    [fee] = lines(allocations, "alice", codes.ALLOCATION_FEE)

    assert purpose(fee) == Purpose(allocation.id, 2)


def test_the_risk_fund_frozen_again_after_a_fee_took_part_of_it_names_that_fee(allocations: App) -> None:
    verified_customer(allocations, "chen", wallet=DEPOSIT + RISK_FUND + DAILY_FEE // 2)
    allocation = running_for(allocations, "chen", "C-1", term=10)

    allocations.allocations.charge_fees(date(2026, 1, 5))  # half from the wallet, half from the risk fund

    rest, first = lines(allocations, "chen", codes.ALLOCATION_RISK_FUND)
    assert (purpose(rest), rest.change) == (Purpose(allocation.id, 1), -(RISK_FUND - DAILY_FEE // 2))
    assert purpose(first) == Purpose(allocation.id)


def test_fees_overdue_collected_later_say_so(allocations: App, clock: ManualClock) -> None:
    verified_customer(allocations, "chen", wallet=DEPOSIT + RISK_FUND)
    allocation = running_for(allocations, "chen", "C-1", term=10)
    move_to(clock, date(2026, 1, 16))
    allocations.allocations.charge_fees(date(2026, 1, 16))  # the risk fund runs out: ¥50 unpaid
    credit(allocations, "chen", 100_000, "chen-again")
    move_to(clock, date(2026, 1, 19))

    allocations.allocations.charge_fees(date(2026, 1, 19))

    [arrears] = lines(allocations, "chen", codes.ALLOCATION_FEE)
    assert purpose(arrears) == Purpose(allocation.id, arrears=True)
    assert arrears.change == -5_000


# -- loans ----------------------------------------------------------------------------------------------


@pytest.fixture
def loan(app: App, clock: ManualClock) -> Loan:
    """The reference loan (¥5,000 over 18 months) disbursed to Bella; Ivan holds half of it."""
    open_lending(app, clock)
    return app.lending.approve_full(full(app).id, by="risk-1")


def settled(app: App, loan: Loan) -> dict[int, int | None]:
    return {i.number: i.settled_at for i in app.lending.installments(loan.id)}


def installments_of(app: App, loan: Loan, customer_id: str, code: str) -> list[tuple[int, int] | None]:
    """The installments each of the customer's lines of ``code`` was for, oldest first, as the statement
    works them out (each payment with the customer's payments of the loan before it)."""
    found = list(reversed(lines(app, customer_id, code)))
    return [
        paid_installments(m.timestamp, settled(app, loan), [e.timestamp for e in found[:n]])
        for n, m in enumerate(found)
    ]


def test_each_installment_the_borrower_repays_is_named(app: App, clock: ManualClock, loan: Loan) -> None:
    move_to(clock, date(2026, 4, 2), 9)
    app.lending.repay(loan.id, customer_id="bella", request_id="r-1")
    move_to(clock, date(2026, 5, 2), 9)
    app.lending.repay(loan.id, customer_id="bella", request_id="r-2")

    assert installments_of(app, loan, "bella", codes.LOAN_REPAYMENT) == [(1, 1), (2, 2)]
    assert {purpose(m) for m in lines(app, "bella", codes.LOAN_REPAYMENT)} == {Purpose(loan.id)}


def test_a_part_payment_names_the_installment_it_went_towards_and_so_does_the_rest(
    app: App, clock: ManualClock, loan: Loan
) -> None:
    move_to(clock, date(2026, 3, 20), 12)
    app.lending.repay(loan.id, customer_id="bella", amount=10_000, request_id="part-1")
    move_to(clock, date(2026, 3, 21), 12)
    app.lending.repay(loan.id, customer_id="bella", amount=20_500, request_id="part-2")
    move_to(clock, date(2026, 3, 22), 12)
    app.lending.repay(loan.id, customer_id="bella", amount=10_000, request_id="part-3")

    assert installments_of(app, loan, "bella", codes.LOAN_REPAYMENT) == [(1, 1), (1, 1), (2, 2)]


def test_what_an_investor_receives_names_the_installment_it_came_from(
    app: App, clock: ManualClock, loan: Loan
) -> None:
    for month in (4, 5):
        move_to(clock, date(2026, month, 2), 9)
        app.lending.repay(loan.id, customer_id="bella", request_id=f"r-{month}")

    for code in (codes.LOAN_PRINCIPAL, codes.LOAN_INTEREST):
        assert installments_of(app, loan, "ivan", code) == [(1, 1), (2, 2)]


def test_repaying_early_names_every_installment_left_and_says_it_was_early(
    app: App, clock: ManualClock, loan: Loan
) -> None:
    move_to(clock, date(2026, 4, 2), 9)
    app.lending.repay(loan.id, customer_id="bella", request_id="r-1")
    move_to(clock, date(2026, 4, 20), 9)
    app.lending.repay_early(loan.id, customer_id="bella", request_id="all")

    early, _ = lines(app, "bella", codes.LOAN_REPAYMENT)
    assert purpose(early) == Purpose(loan.id, early=True)
    assert installments_of(app, loan, "bella", codes.LOAN_REPAYMENT)[-1] == (2, 18)
    assert installments_of(app, loan, "ivan", codes.LOAN_PRINCIPAL)[-1] == (2, 18)


def test_an_investment_and_the_disbursement_name_the_loan(app: App, loan: Loan) -> None:
    [invested] = lines(app, "ivan", codes.LOAN_INVESTMENT)
    [disbursed] = lines(app, "bella", codes.LOAN_DISBURSEMENT)
    assert purpose(invested) == purpose(disbursed) == Purpose(loan.id)
