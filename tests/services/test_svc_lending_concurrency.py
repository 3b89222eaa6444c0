"""Bidding under real threads on SQLite and PostgreSQL: a loan is never funded beyond its amount, and every
accepted investment is counted and frozen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lending_world import AMOUNT, assert_books_hold, frozen, full, listed, open_lending, verified
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
