"""Weekly allocations (按周配资): a term in weeks, a fee per week charged at the start and then on the same
weekday of each later week, rolled to the next trading day when the exchanges are closed that day; the
same review, extension, term end and settlement as the daily and monthly kinds. The ledger's invariants
are checked at the end of every test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import attrs
import pytest
from allocation_world import (
    DAILY,
    DEPOSIT,
    POOL,
    RISK_FUND,
    B,
    applied,
    assert_books_hold,
    available,
    event_data,
    frozen,
    move_to,
    open_platform,
    pool,
    running,
    verified_customer,
)

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.allocation import agreement
from p2pstock.core.allocation.allocations import Allocation, Status
from p2pstock.core.allocation.products import Component, LeverageRate, Mode, RefundPolicy
from p2pstock.core.errors import InvalidInput
from p2pstock.core.money import Money
from p2pstock.core.people.four_eyes import ApprovalRequest

WEEKLY = attrs.evolve(
    DAILY,
    code="weekly",
    name="按周配资",
    mode=Mode.WEEKLY,
    rates=(LeverageRate(5, 4_000),),
    term_min=1,
    term_max=8,
)
"""Deposit ¥10,000 at 5×: B = ¥50,000 at 0.4 % a week, ¥200 a week."""
WEEKLY_FEE = 20_000
PREPAID = attrs.evolve(
    WEEKLY, code="weekly_prepaid", prepaid_periods=1, refund_policy=RefundPolicy.UNUSED_PERIODS
)
"""The same, with the first week paid with the application and unused weeks refunded."""


@pytest.fixture(autouse=True)
def platform(app: App) -> Iterator[None]:
    open_platform(app)
    app.products.define(WEEKLY, by="root")
    app.products.define(PREPAID, by="root")
    verified_customer(app)
    yield
    assert_books_hold(app)


def settle(app: App, allocation: Allocation, final_assets: int) -> Allocation:
    waiting = app.allocations.settle(allocation.id, final_assets=final_assets, by="risk-1")
    assert isinstance(waiting, ApprovalRequest)
    app.approvals.approve(waiting.id, by="root")
    return app.allocations.get(allocation.id, customer_id="alice")


def test_a_weekly_application_quotes_a_fee_per_week_and_refuses_a_term_outside_its_weeks(app: App) -> None:
    allocation = applied(app, WEEKLY, term=3)

    assert (allocation.mode, allocation.fee_per_period) == (Mode.WEEKLY, WEEKLY_FEE)
    assert allocation.due == {Component.DEPOSIT: DEPOSIT, Component.RISK_FUND: RISK_FUND}
    with pytest.raises(InvalidInput, match="1–8 weeks") as refused:
        applied(app, WEEKLY, term=9)
    assert (refused.value.code, refused.value.values) == ("term_weeks", {"least": 1, "most": 8})
    assert len(app.allocations.of_customer("alice")) == 1


def test_a_weekly_allocation_pays_its_first_week_at_the_start_and_the_next_on_the_same_weekday(
    app: App, clock: ManualClock
) -> None:
    before = available(app)
    allocation = running(app, WEEKLY, term=3)  # Monday 5 January, before the cut-off

    assert (allocation.start_date, allocation.end_date) == (date(2026, 1, 5), date(2026, 1, 25))
    assert (allocation.periods_charged, allocation.next_fee_date) == (1, date(2026, 1, 12))
    assert before - available(app) == DEPOSIT + RISK_FUND + WEEKLY_FEE

    move_to(clock, date(2026, 1, 9))
    assert app.allocations.charge_fees(date(2026, 1, 9)) == 0  # Friday: the week is paid
    move_to(clock, date(2026, 1, 12))
    assert app.allocations.charge_fees(date(2026, 1, 12)) == 1
    assert app.allocations.charge_fees(date(2026, 1, 12)) == 0
    second = app.allocations.get(allocation.id, customer_id="alice")
    assert (second.periods_charged, second.next_fee_date, second.fees_paid) == (
        2,
        date(2026, 1, 19),
        2 * WEEKLY_FEE,
    )
    assert before - available(app) == DEPOSIT + RISK_FUND + 2 * WEEKLY_FEE


def test_weeks_whose_fee_days_the_spring_festival_closes_are_charged_on_the_first_trading_day_after_it(
    app: App, clock: ManualClock
) -> None:
    move_to(clock, date(2026, 2, 9), hour=10)  # a Monday; 16 to 23 February the exchanges are closed
    allocation = running(app, WEEKLY, term=4)
    assert allocation.next_fee_date == date(2026, 2, 24)  # 16 February rolled to the Tuesday after
    before = available(app)

    move_to(clock, date(2026, 2, 24))
    app.allocations.charge_fees(date(2026, 2, 24))

    later = app.allocations.get(allocation.id, customer_id="alice")
    assert (later.periods_charged, later.next_fee_date) == (3, date(2026, 3, 2))  # weeks 2 and 3, then Monday
    assert before - available(app) == 2 * WEEKLY_FEE
    assert [(e["period"], e["day"]) for e in event_data(app, allocation, "fee")] == [
        (1, "2026-02-09"),
        (2, "2026-02-24"),
        (3, "2026-02-24"),
    ]


def test_a_weekly_term_ends_the_day_before_the_same_weekday_and_an_extension_adds_weeks(
    app: App, clock: ManualClock
) -> None:
    allocation = running(app, WEEKLY, term=2)  # 5 to 18 January
    assert allocation.end_date == date(2026, 1, 18)
    move_to(clock, date(2026, 1, 16))
    assert app.allocations.tell_term_ends(date(2026, 1, 16)) == 0
    move_to(clock, date(2026, 1, 18))
    assert app.allocations.tell_term_ends(date(2026, 1, 18)) == 1

    request = app.allocations.ask(allocation.id, "extension", customer_id="alice", periods=2)
    assert frozen(app) == DEPOSIT + RISK_FUND + 2 * WEEKLY_FEE
    app.allocations.decide(request.id, by="reviewer-1", approve=True)

    longer = app.allocations.get(allocation.id, customer_id="alice")
    assert (longer.term, longer.end_date, longer.prepaid_left) == (4, date(2026, 2, 1), 2)
    assert frozen(app) == DEPOSIT + RISK_FUND


def test_a_first_week_prepaid_is_used_at_the_start_and_an_unused_week_comes_back_at_settlement(
    app: App, clock: ManualClock
) -> None:
    before = available(app)
    allocation = running(app, PREPAID, term=2)
    assert allocation.due[Component.PREPAID_FEE] == WEEKLY_FEE
    assert (allocation.periods_charged, allocation.prepaid_left, allocation.fees_paid) == (1, 0, WEEKLY_FEE)
    request = app.allocations.ask(allocation.id, "extension", customer_id="alice", periods=2)
    app.allocations.decide(request.id, by="reviewer-1", approve=True)  # two more weeks, paid ahead
    move_to(clock, date(2026, 1, 12))  # week 2 uses one of them

    settled = settle(app, allocation, B + DEPOSIT)

    assert settled.status is Status.SETTLED
    assert settled.settlement is not None and settled.settlement.refund == WEEKLY_FEE
    assert before - available(app) == 2 * WEEKLY_FEE  # the two weeks it ran
    assert (frozen(app), pool(app)) == (0, POOL)


def test_settling_a_weekly_allocation_charges_the_weeks_begun_and_pays_out_above_b(
    app: App, clock: ManualClock
) -> None:
    allocation = running(app, WEEKLY, term=4)
    after_start = available(app)
    move_to(clock, date(2026, 1, 13))

    settled = settle(app, allocation, B + DEPOSIT + 300_000)

    assert settled.settlement is not None and settled.settlement.payout == DEPOSIT + 300_000
    assert (settled.periods_charged, settled.fees_paid) == (2, 2 * WEEKLY_FEE)
    assert available(app) - after_start == DEPOSIT + 300_000 + RISK_FUND - WEEKLY_FEE
    assert (frozen(app), pool(app)) == (0, POOL)


def test_the_capital_pool_counts_weekly_allocations_on_a_line_of_their_own(app: App) -> None:
    running(app, WEEKLY, term=2)
    running(app, DAILY, term=5, sub_account="HOMS-002")

    position = app.capital.position(by="finance-1")

    lent = {line.mode: (line.allocations, line.amount) for line in position.lent}
    assert lent == {Mode.DAILY: (1, Money(B)), Mode.MONTHLY: (0, Money(0)), Mode.WEEKLY: (1, Money(B))}


def test_the_agreement_of_a_weekly_allocation_counts_its_term_in_weeks(app: App) -> None:
    allocation = running(app, WEEKLY, term=3)

    said = dict(agreement.terms(allocation))

    assert said[("期限", "Term")] == "3 周 / 3 weeks"
    assert said[("计费方式", "Charged")] == "按周 / weekly"


def test_operators_define_a_weekly_product_in_the_product_file(app: App) -> None:
    text = (
        '[[allocation_product]]\ncode = "week"\nname = "周周配"\nmode = "按周"\ndeposit_min = "1,000"\n'
        'deposit_max = "100,000"\ndeposit_step = "1,000"\nterm_min = 1\nterm_max = 12\n'
        'rates = { 5 = "0.4%" }\n'
    )

    app.product_files.publish(text, by="root")

    week = next(p for p in app.products.rate_table() if p.code == "week")
    assert (week.mode, week.term_max, week.rates) == (Mode.WEEKLY, 12, (LeverageRate(5, 4_000),))
    assert 'mode = "weekly"' in app.product_files.export(by="root")
