"""Lending under real threads on SQLite and PostgreSQL: a loan is never funded beyond its amount, every
accepted investment is counted and frozen, and simultaneous repayments and reviews have one effect."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from lending_world import (
    AMOUNT,
    assert_books_hold,
    available,
    frozen,
    full,
    listed,
    move_to,
    open_lending,
    verified,
)
from racing import at_once

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.errors import InvalidInput, P2PStockError, Refused
from p2pstock.core.lending.loans import Investment, LoanStatus

pytestmark = pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
BIDDERS = 12
BID = 60_000
"""Twelve bids of ¥600 race for a ¥5,000 loan: eight fit, the ninth finds ¥200 left, and so on."""


@pytest.fixture(autouse=True)
def platform(app: App, clock: ManualClock) -> Iterator[None]:
    open_lending(app, clock)
    for i in range(BIDDERS):
        verified(app, f"bidder-{i}", wallet=100_000)
    yield
    assert_books_hold(app)


def test_racing_bidders_fill_the_loan_exactly_and_every_accepted_bid_is_frozen(app: App) -> None:
    loan = listed(app)

    def bid(i: int) -> Investment:
        return app.lending.invest(loan.id, investor_id=f"bidder-{i}", amount=BID)

    answers, errors = at_once(BIDDERS, bid)

    accepted = [a for a in answers if isinstance(a, Investment)]
    after = app.lending.get(loan.id)
    assert after.funded == sum(i.amount for i in accepted) <= AMOUNT
    assert len(accepted) == AMOUNT // BID and after.remainder == AMOUNT % BID
    assert all(isinstance(e, InvalidInput | Refused) for e in errors), errors
    assert len(errors) == BIDDERS - len(accepted)
    stored = app.lending.investments(loan.id)
    assert sorted(i.id for i in stored) == sorted(i.id for i in accepted)
    for i in range(BIDDERS):
        mine = [a for a in accepted if a.investor_id == f"bidder-{i}"]
        assert frozen(app, f"bidder-{i}") == sum(a.amount for a in mine)


def test_racing_bids_that_fit_exactly_make_the_loan_full_once(app: App) -> None:
    loan = listed(app, amount=BIDDERS * 10_000 * 5)

    answers, errors = at_once(
        BIDDERS, lambda i: app.lending.invest(loan.id, investor_id=f"bidder-{i}", amount=50_000)
    )

    assert errors == [] and len(answers) == BIDDERS
    after = app.lending.get(loan.id)
    assert (after.status, after.funded, after.investors) == (LoanStatus.FULL, after.amount, BIDDERS)


def test_two_full_reviews_at_once_disburse_once(app: App) -> None:
    loan = full(app)
    app.staff.enrol_by_operator("risk-2", ["risk_officer"])

    answers, errors = at_once(2, lambda i: app.lending.approve_full(loan.id, by=("risk-1", "risk-2")[i]))

    assert len(answers) == 1 and all(isinstance(e, P2PStockError) for e in errors) and len(errors) == 1
    assert app.lending.get(loan.id).status is LoanStatus.REPAYING
    assert len(app.lending.installments(loan.id)) == 18


def test_one_repayment_tapped_on_several_devices_pays_once(app: App, clock: ManualClock) -> None:
    loan = app.lending.approve_full(full(app).id, by="risk-1")
    move_to(clock, date(2026, 4, 2), 12)

    answers, errors = at_once(4, lambda _: app.lending.repay(loan.id, customer_id="bella", request_id="tap"))

    assert errors == [] and len(answers) == 4
    assert app.lending.get(loan.id).payments == 1
    assert [i.settled for i in app.lending.installments(loan.id)[:2]] == [True, False]


def test_the_borrower_repaying_while_the_jobs_collect_pays_the_installment_once(
    app: App, clock: ManualClock
) -> None:
    loan = app.lending.approve_full(full(app).id, by="risk-1")
    move_to(clock, date(2026, 4, 2), 12)
    before = available(app, "bella")

    def either(i: int) -> object:
        if i == 0:
            return app.lending.collect_due(date(2026, 4, 2))
        return app.lending.repay(loan.id, customer_id="bella", amount=30_500, request_id="tap")

    _, errors = at_once(2, either)

    first, second = app.lending.installments(loan.id)[:2]
    assert first.settled and first.paid_principal == 25_500
    paid = before - available(app, "bella")
    # the borrower's tap either came first (the jobs then found nothing due) or paid the next installment
    assert errors == [] and paid in (30_500, 61_000)
    assert second.settled == (paid == 61_000)
