"""The free trial (免息体验): a small daily allocation of one or two trading days at no fee, once per
customer, through the same lifecycle as any other — payment, review, start, statuses, settlement. A trial
cancelled or rejected before it started leaves the customer's trial unused; two applications at the same
moment give one trial. The ledger's invariants are checked at the end of every test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import attrs
import pytest
from allocation_world import (
    DAILY,
    DEPOSIT,
    MONTHLY,
    POOL,
    B,
    applied,
    assert_books_hold,
    available,
    confirmed,
    event_data,
    figures,
    frozen,
    move_to,
    open_platform,
    paid,
    pool,
    running,
    verified_customer,
)
from racing import at_once

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.allocation.allocations import Status
from p2pstock.core.allocation.products import Component, LeverageRate, Mode, Product
from p2pstock.core.errors import InvalidInput, Refused
from p2pstock.core.money import Money
from p2pstock.core.notifications import Notification
from p2pstock.core.people.four_eyes import ApprovalRequest

TRIAL = Product(
    code="trial",
    version=1,
    name="免息体验",
    mode=Mode.DAILY,
    rates=(LeverageRate(3, 0), LeverageRate(5, 0)),
    deposit_min=100_000,
    deposit_max=2_000_000,
    deposit_step=100_000,
    term_min=1,
    term_max=2,
    trial=True,
)
"""Up to ¥20,000 at 5×: B at most ¥100,000, the most a free trial lends; one or two trading days."""
REAL_THREADS = pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


@pytest.fixture(autouse=True)
def platform(app: App) -> Iterator[None]:
    open_platform(app)
    app.products.define(TRIAL, by="root")
    verified_customer(app)
    yield
    assert_books_hold(app)


def refused_code(work: object) -> str | None:
    try:
        work()  # type: ignore[operator]
    except (InvalidInput, Refused) as error:
        return error.code
    return None


def fee_news(app: App) -> list[Notification]:
    found = app.office.read(lambda tx: tx.uow.outbox.of_recipient("7001", 50))
    return [n for n in found if n.text.startswith("Allocation fees charged")]


# -- the product


def test_a_free_trial_product_is_daily_short_free_and_small() -> None:
    assert refused_code(lambda: attrs.evolve(TRIAL, mode=Mode.MONTHLY, term_min=1)) == "trial_mode"
    assert refused_code(lambda: attrs.evolve(TRIAL, term_max=3)) == "trial_term"
    assert refused_code(lambda: attrs.evolve(TRIAL, rates=(LeverageRate(5, 600),))) == "trial_fee"
    assert refused_code(lambda: attrs.evolve(TRIAL, prepaid_periods=1)) == "trial_fee"
    assert refused_code(lambda: attrs.evolve(TRIAL, deposit_max=2_100_000)) == "trial_size"
    assert refused_code(lambda: attrs.evolve(TRIAL, rates=(LeverageRate(10, 0),))) == "trial_size"


def test_only_a_free_trial_may_charge_no_fee() -> None:
    assert refused_code(lambda: attrs.evolve(DAILY, rates=(LeverageRate(3, 0), LeverageRate(5, 600)))) == (
        "rate_zero"
    )
    assert refused_code(lambda: attrs.evolve(TRIAL, trial=False)) == "rate_zero"
    assert refused_code(lambda: LeverageRate(5, -1)) == "not_negative"
    assert refused_code(lambda: attrs.evolve(TRIAL, trial="yes")) == "wrong_type"


def test_operators_define_a_free_trial_in_the_product_file(app: App) -> None:
    text = (
        '[[allocation_product]]\ncode = "taste"\nname = "免息体验"\nmode = "按天"\ndeposit_min = "1,000"\n'
        'deposit_max = "10,000"\ndeposit_step = "1,000"\nterm_min = 1\nterm_max = 2\n'
        'rates = { 5 = "0%" }\ntrial = true\n'
    )

    app.product_files.publish(text, by="root")

    taste = next(p for p in app.products.rate_table() if p.code == "taste")
    assert (taste.trial, taste.rates) == (True, (LeverageRate(5, 0),))
    assert "trial = true" in app.product_files.export(by="root")


# -- the lifecycle at no fee


def test_a_free_trial_runs_the_whole_lifecycle_without_a_fee(app: App, clock: ManualClock) -> None:
    before = available(app)
    allocation = running(app, TRIAL, term=2)
    assert allocation.due == {Component.DEPOSIT: DEPOSIT}
    assert (allocation.fee_per_period, allocation.start_date, allocation.end_date) == (
        0,
        date(2026, 1, 5),
        date(2026, 1, 6),
    )
    app.allocations.record_status(allocation.id, date(2026, 1, 5), figures(B + DEPOSIT + 50_000), by="risk-1")
    move_to(clock, date(2026, 1, 6))
    assert app.allocations.charge_fees(date(2026, 1, 6)) == 1  # both days, at no fee
    assert app.allocations.tell_term_ends(date(2026, 1, 6)) == 1

    waiting = app.allocations.settle(allocation.id, final_assets=B + DEPOSIT + 80_000, by="risk-1")
    assert isinstance(waiting, ApprovalRequest)
    app.approvals.approve(waiting.id, by="root")

    settled = app.allocations.get(allocation.id, customer_id="alice")
    assert settled.status is Status.SETTLED
    assert (settled.periods_charged, settled.fees_paid, settled.fees_unpaid) == (2, 0, 0)
    assert settled.settlement is not None and settled.settlement.payout == DEPOSIT + 80_000
    assert available(app) - before == 80_000  # the profit, and not a fen of fees
    assert [(e["period"], e["from_wallet"]) for e in event_data(app, allocation, "fee")] == [(1, 0), (2, 0)]
    assert fee_news(app) == []  # nothing charged, nothing to tell
    assert (frozen(app), pool(app)) == (0, POOL)


# -- once per customer


def test_a_customer_has_one_free_trial_whatever_became_of_it(app: App) -> None:
    first = running(app, TRIAL, term=1)

    with pytest.raises(Refused, match="once per customer") as refused:
        applied(app, TRIAL, term=1)
    assert (refused.value.code, refused.value.values) == ("trial_used", {"allocation": first.id})
    app.allocations.settle(first.id, final_assets=B + DEPOSIT, by="risk-1")
    assert refused_code(lambda: applied(app, TRIAL, term=2)) == "trial_used"
    assert [a.id for a in app.allocations.of_customer("alice")] == [first.id]


def test_a_trial_waiting_for_its_payment_or_its_review_uses_the_trial(app: App) -> None:
    waiting = applied(app, TRIAL, term=2)
    assert refused_code(lambda: applied(app, TRIAL, term=1)) == "trial_used"

    app.allocations.pay(waiting.id, Component.DEPOSIT, customer_id="alice")

    assert app.allocations.get(waiting.id, customer_id="alice").status is Status.UNDER_REVIEW
    assert refused_code(lambda: applied(app, TRIAL, term=1)) == "trial_used"


def test_a_trial_cancelled_or_rejected_before_it_started_leaves_the_trial_unused(app: App) -> None:
    cancelled = paid(app, TRIAL, term=2)
    app.allocations.cancel(cancelled.id, customer_id="alice")
    rejected = confirmed(app, TRIAL, term=2)
    app.allocations.reject(rejected.id, by="reviewer-1", reason="wrong sub-account type")

    again = applied(app, TRIAL, term=2)

    assert again.status is Status.APPLIED
    assert frozen(app) == 0


def test_the_trial_is_each_customers_own_and_does_not_stop_other_products(app: App) -> None:
    verified_customer(app, "bob")
    running(app, TRIAL, term=2)

    bob = app.allocations.apply("bob", product=TRIAL.code, deposit=DEPOSIT, leverage=5, term=2)
    daily = applied(app, DAILY, term=5)
    monthly = applied(app, MONTHLY, term=1)

    assert (bob.product.trial, daily.product.trial, monthly.product.trial) == (True, False, False)


def test_applying_again_with_the_same_request_answers_the_trial_it_made(app: App) -> None:
    first = app.allocations.apply(
        "alice", product="trial", deposit=DEPOSIT, leverage=5, term=2, request_id="r1"
    )

    again = app.allocations.apply(
        "alice", product="trial", deposit=DEPOSIT, leverage=5, term=2, request_id="r1"
    )

    assert again.id == first.id


@REAL_THREADS
def test_two_trial_applications_at_the_same_moment_give_one_trial(app: App) -> None:
    answers, errors = at_once(
        4,
        lambda i: app.allocations.apply(
            "alice", product="trial", deposit=DEPOSIT, leverage=5, term=2, request_id=f"tap-{i}"
        ),
    )

    assert len(answers) == 1
    assert [(type(e), getattr(e, "code", None)) for e in errors] == [(Refused, "trial_used")] * 3
    assert [a.product.code for a in app.allocations.of_customer("alice")] == ["trial"]


@REAL_THREADS
def test_two_customers_applying_for_their_trials_at_once_each_get_one(app: App) -> None:
    verified_customer(app, "bob")

    answers, errors = at_once(
        2,
        lambda i: app.allocations.apply(
            ("alice", "bob")[i], product="trial", deposit=DEPOSIT, leverage=5, term=2
        ),
    )

    assert errors == []
    assert sorted(a.customer_id for a in answers) == ["alice", "bob"]  # type: ignore[attr-defined]
    assert Money(available(app, "bob")) == Money(5_000_000)


def test_a_free_trial_extended_within_its_two_days_freezes_nothing(app: App) -> None:
    allocation = running(app, TRIAL, term=1)
    turned_down = app.allocations.ask(allocation.id, "extension", customer_id="alice", periods=1)
    app.allocations.decide(turned_down.id, by="reviewer-1", approve=False, reason="not today")

    request = app.allocations.ask(allocation.id, "extension", customer_id="alice", periods=1)
    app.allocations.decide(request.id, by="reviewer-1", approve=True)

    longer = app.allocations.get(allocation.id, customer_id="alice")
    assert (longer.term, longer.end_date, longer.fees_paid) == (2, date(2026, 1, 6), 0)
    assert frozen(app) == DEPOSIT
