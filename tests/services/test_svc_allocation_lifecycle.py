"""An allocation from application to settlement, daily and monthly: payment component by component, review
with the phone call, the sub-account and the capital pool, fees over weekends, holidays and month ends,
and settlement with profit, with loss and with a shortfall beyond the risk fund. The ledger's invariants
are checked at the end of every test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from functools import partial

import pytest
from allocation_world import (
    CL,
    DAILY_FEE,
    DEPOSIT,
    MONTHLY,
    MONTHLY_FEE,
    POOL,
    RISK_FUND,
    SUB_ACCOUNT_PASSWORD,
    WL,
    B,
    allocation_account,
    applied,
    assert_books_hold,
    available,
    balance_of,
    confirmed,
    credit,
    event_data,
    event_kinds,
    figures,
    frozen,
    move_to,
    open_platform,
    paid,
    pool,
    running,
    running_for,
    verified_customer,
)

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.allocation import fees
from p2pstock.core.allocation.allocations import CallOutcome, Risk, Status
from p2pstock.core.allocation.calendar import TermBeyondCalendar
from p2pstock.core.allocation.ports import Event
from p2pstock.core.allocation.products import Component
from p2pstock.core.errors import IdempotencyConflict, InsufficientFunds, Refused
from p2pstock.core.ledger import chart
from p2pstock.core.people.four_eyes import ApprovalRequest

WALLET = 5_000_000


@pytest.fixture(autouse=True)
def platform(app: App) -> Iterator[None]:
    open_platform(app)
    verified_customer(app, wallet=WALLET)
    yield
    assert_books_hold(app)


# -- application and payment


def test_applying_shows_what_each_component_costs_and_freezes_nothing(app: App) -> None:
    allocation = applied(app)

    assert allocation.status is Status.APPLIED
    assert allocation.allocated == B
    assert dict(allocation.outstanding) == {Component.DEPOSIT: DEPOSIT, Component.RISK_FUND: RISK_FUND}
    assert frozen(app) == 0


def test_each_component_is_frozen_as_it_is_paid_and_the_rest_stays_to_make_up(app: App) -> None:
    allocation = applied(app)

    partly = app.allocations.pay(allocation.id, Component.DEPOSIT, customer_id="alice")

    assert partly.status is Status.PARTIALLY_PAID
    assert dict(partly.outstanding) == {Component.RISK_FUND: RISK_FUND}
    assert (available(app), frozen(app)) == (WALLET - DEPOSIT, DEPOSIT)

    made_up = app.allocations.pay(allocation.id, "risk_fund", customer_id="alice")

    assert made_up.status is Status.UNDER_REVIEW
    assert frozen(app) == DEPOSIT + RISK_FUND


def test_paying_a_component_twice_freezes_it_once(app: App) -> None:
    allocation = applied(app)
    app.allocations.pay(allocation.id, Component.DEPOSIT, customer_id="alice")

    again = app.allocations.pay(allocation.id, Component.DEPOSIT, customer_id="alice")

    assert again.paid == DEPOSIT
    assert frozen(app) == DEPOSIT


def test_a_component_the_wallet_cannot_cover_is_refused_and_nothing_is_frozen(app: App) -> None:
    verified_customer(app, "bob", wallet=DEPOSIT - 1)
    allocation = applied(app, customer_id="bob")

    with pytest.raises(InsufficientFunds):
        app.allocations.pay(allocation.id, Component.DEPOSIT, customer_id="bob")

    assert frozen(app, "bob") == 0
    credit(app, "bob", 1, "bob-more")
    assert app.allocations.pay(allocation.id, Component.DEPOSIT, customer_id="bob").paid == DEPOSIT


def test_an_application_not_paid_by_its_deadline_is_cancelled_and_unfrozen(
    app: App, clock: ManualClock
) -> None:
    allocation = applied(app)
    app.allocations.pay(allocation.id, Component.DEPOSIT, customer_id="alice")
    clock.advance(minutes=DAILY_DEADLINE_MINUTES - 1)
    assert app.allocations.expire_unpaid() == 0

    clock.advance(minutes=1)

    assert app.allocations.expire_unpaid() == 1
    assert app.allocations.get(allocation.id, customer_id="alice").status is Status.CANCELLED
    assert (available(app), frozen(app)) == (WALLET, 0)
    with pytest.raises(Refused):
        app.allocations.pay(allocation.id, Component.RISK_FUND, customer_id="alice")


DAILY_DEADLINE_MINUTES = 120


def test_the_customer_may_cancel_before_the_review_call_but_not_after(app: App) -> None:
    first = paid(app)
    assert app.allocations.cancel(first.id, customer_id="alice").status is Status.CANCELLED
    assert frozen(app) == 0

    second = paid(app)
    app.allocations.record_call(second.id, by="reviewer-1", outcome="no_answer")

    with pytest.raises(Refused):
        app.allocations.cancel(second.id, customer_id="alice")


def test_another_customer_cannot_pay_or_cancel_an_allocation(app: App) -> None:
    verified_customer(app, "bob")
    allocation = applied(app)

    with pytest.raises(Exception, match="no allocation"):
        app.allocations.pay(allocation.id, Component.DEPOSIT, customer_id="bob")
    with pytest.raises(Exception, match="no allocation"):
        app.allocations.cancel(allocation.id, customer_id="bob")


# -- review and start


def test_confirmation_needs_a_call_in_which_the_customer_confirmed(app: App) -> None:
    allocation = paid(app)
    app.allocations.record_call(
        allocation.id, by="reviewer-1", outcome=CallOutcome.NO_ANSWER, note="try later"
    )
    with pytest.raises(Refused):
        app.allocations.confirm(allocation.id, by="reviewer-1")

    app.allocations.record_call(allocation.id, by="reviewer-1", outcome=CallOutcome.CONFIRMED)
    done = app.allocations.confirm(allocation.id, by="reviewer-1")

    assert (done.status, done.warning_line, done.liquidation_line) == (Status.CONFIRMED, WL, CL)
    assert [c.outcome for c in done.calls] == [CallOutcome.NO_ANSWER, CallOutcome.CONFIRMED]
    assert done.calls[0].note == "try later"


def test_a_rejection_unfreezes_everything_and_tells_the_customer_why(app: App) -> None:
    allocation = confirmed(app)

    rejected = app.allocations.reject(allocation.id, by="reviewer-2", reason="deposit source unclear")

    assert (rejected.status, rejected.reason) == (Status.REJECTED, "deposit source unclear")
    assert (available(app), frozen(app)) == (WALLET, 0)
    texts = [n.text for n in app.office.read(lambda tx: tx.uow.outbox.due(tx.now, 100))]
    assert any("deposit source unclear" in text for text in texts)


def test_assigning_the_sub_account_starts_the_allocation_with_b_from_the_pool(app: App) -> None:
    allocation = running(app)

    assert allocation.status is Status.IN_PROGRESS
    assert allocation.sub_account == "HOMS-001"
    assert allocation.start_date == date(2026, 1, 5)  # 09:30 in Shanghai on a trading day: today
    assert allocation.end_date == date(2026, 1, 9)  # five trading days
    assert pool(app) == POOL - B
    assert balance_of(app, allocation_account(allocation)) == B
    assert frozen(app) == DEPOSIT + RISK_FUND


def test_the_password_is_stored_sealed_and_shown_to_the_customer_once(app: App) -> None:
    allocation = running(app)

    assert SUB_ACCOUNT_PASSWORD not in allocation.sealed_password
    assert SUB_ACCOUNT_PASSWORD not in repr(allocation)
    assert app.allocations.reveal_password(allocation.id, customer_id="alice") == SUB_ACCOUNT_PASSWORD
    with pytest.raises(Refused):
        app.allocations.reveal_password(allocation.id, customer_id="alice")


def test_an_allocation_starts_the_next_trading_day_after_the_cut_off(app: App, clock: ManualClock) -> None:
    allocation = confirmed(app)
    move_to(clock, date(2026, 1, 9), hour=15)  # a Friday, after 14:30

    started = app.allocations.assign_account(allocation.id, by="finance-1", sub_account="S-9", password="pw")

    assert started.start_date == date(2026, 1, 12)


def test_an_allocation_cannot_start_when_the_pool_cannot_cover_b(app: App) -> None:
    app.capital.take_out(POOL - B + 1, reference="drain", by="finance-1")
    allocation = confirmed(app)

    with pytest.raises(Refused, match="capital pool"):
        app.allocations.assign_account(allocation.id, by="finance-1", sub_account="S-1", password="pw")

    assert app.allocations.get(allocation.id, customer_id="alice").status is Status.CONFIRMED
    assert pool(app) == B - 1


def test_one_sub_account_serves_one_running_allocation(app: App) -> None:
    running(app, sub_account="HOMS-7")
    second = confirmed(app)

    with pytest.raises(Refused, match="in use"):
        app.allocations.assign_account(second.id, by="finance-1", sub_account="HOMS-7", password="pw")


# -- daily fees


def test_daily_fees_are_charged_once_per_trading_day_skipping_weekends(app: App, clock: ManualClock) -> None:
    allocation = running(app, term=5)
    before = available(app)

    move_to(clock, date(2026, 1, 12))
    assert app.allocations.charge_fees(date(2026, 1, 12)) == 1
    assert app.allocations.charge_fees(date(2026, 1, 12)) == 0

    charged = app.allocations.get(allocation.id, customer_id="alice")
    assert charged.periods_charged == 5  # 5, 6, 7, 8, 9 January; not the weekend, and not the 12th
    assert charged.next_fee_date is None
    assert before - available(app) == 5 * DAILY_FEE
    assert balance_of(app, chart.fee_income().id) == 5 * DAILY_FEE


def test_holidays_are_free_of_daily_fees(app: App, clock: ManualClock) -> None:
    move_to(clock, date(2026, 2, 13), hour=10)  # the Friday before the Spring Festival
    allocation = running(app, term=3)

    assert allocation.end_date == date(2026, 2, 25)  # 13th, then 24th and 25th: the festival is closed
    move_to(clock, date(2026, 2, 23))
    app.allocations.charge_fees(date(2026, 2, 23))
    assert app.allocations.get(allocation.id, customer_id="alice").periods_charged == 1


def test_a_fee_the_wallet_cannot_cover_comes_from_the_risk_fund_then_makes_the_allocation_overdue(
    app: App, clock: ManualClock
) -> None:
    verified_customer(app, "bob", wallet=DEPOSIT + RISK_FUND + DAILY_FEE // 2)
    allocation = paid(app, customer_id="bob", term=10)
    app.allocations.record_call(allocation.id, by="reviewer-1", outcome="confirmed")
    app.allocations.confirm(allocation.id, by="reviewer-1")
    app.allocations.assign_account(allocation.id, by="finance-1", sub_account="B-1", password="pw")

    app.allocations.charge_fees(date(2026, 1, 5))
    first = app.allocations.get(allocation.id, customer_id="bob")
    assert (first.fees_paid, first.risk_fund, first.overdue) == (DAILY_FEE, RISK_FUND - DAILY_FEE // 2, False)

    move_to(clock, date(2026, 1, 16))
    app.allocations.charge_fees(date(2026, 1, 16))
    late = app.allocations.get(allocation.id, customer_id="bob")

    assert late.risk_fund == 0
    assert late.fees_paid == DAILY_FEE // 2 + RISK_FUND
    assert late.fees_unpaid == 10 * DAILY_FEE - late.fees_paid
    assert late.overdue
    assert available(app, "bob") == 0
    assert frozen(app, "bob") == DEPOSIT


def test_unpaid_fees_are_collected_once_the_wallet_has_money_again(app: App, clock: ManualClock) -> None:
    verified_customer(app, "bob", wallet=DEPOSIT + RISK_FUND)
    allocation = paid(app, customer_id="bob", term=10)
    app.allocations.record_call(allocation.id, by="reviewer-1", outcome="confirmed")
    app.allocations.confirm(allocation.id, by="reviewer-1")
    app.allocations.assign_account(allocation.id, by="finance-1", sub_account="B-1", password="pw")
    move_to(clock, date(2026, 1, 16))
    app.allocations.charge_fees(date(2026, 1, 16))  # 10 days: 25,000 from the fund, 5,000 unpaid
    assert app.allocations.get(allocation.id, customer_id="bob").fees_unpaid == 5_000

    credit(app, "bob", 100_000, "bob-again")
    move_to(clock, date(2026, 1, 19))
    app.allocations.charge_fees(date(2026, 1, 19))

    caught_up = app.allocations.get(allocation.id, customer_id="bob")
    assert (caught_up.fees_unpaid, caught_up.overdue) == (0, False)
    assert available(app, "bob") == 100_000 - 5_000


def test_allocations_sharing_a_wallet_that_covers_one_fee_take_the_other_from_a_risk_fund(app: App) -> None:
    verified_customer(app, "bob", wallet=2 * (DEPOSIT + RISK_FUND) + DAILY_FEE)
    allocations = [running_for(app, "bob", f"B-{n}") for n in (1, 2)]

    assert app.allocations.charge_fees(date(2026, 1, 5)) == 2

    charged = [app.allocations.get(a.id, customer_id="bob") for a in allocations]
    assert [(a.fees_paid, a.fees_unpaid, a.overdue) for a in charged] == [(DAILY_FEE, 0, False)] * 2
    assert sorted(a.risk_fund for a in charged) == [RISK_FUND - DAILY_FEE, RISK_FUND]
    assert available(app, "bob") == 0
    assert balance_of(app, chart.fee_income().id) == 2 * DAILY_FEE


def test_a_fee_job_ends_each_transaction_at_its_size_or_transfer_limit_and_goes_on_after_it(
    app: App, clock: ManualClock
) -> None:
    verified_customer(app, "bob", wallet=5 * (DEPOSIT + RISK_FUND))
    allocations = sorted((running_for(app, "bob", f"B-{n}") for n in range(5)), key=lambda a: a.id)
    move_to(clock, date(2026, 1, 6))
    desk = app.allocations.desk

    def batch(after: str, size: int, transfers: int) -> tuple[int, str, bool]:
        day = date(2026, 1, 6)
        return app.office.run(
            partial(fees.charge_fees, desk, day=day, after=after, size=size, transfers=transfers)
        )

    assert batch("", 2, 100) == (2, allocations[1].id, True)  # two read, two charged (two days each)
    assert batch(allocations[1].id, 3, 3) == (1, allocations[2].id, True)  # a second would pass 3 transfers
    assert batch(allocations[2].id, 5, 1) == (1, allocations[3].id, True)  # the first always goes in
    assert batch(allocations[3].id, 5, 100) == (1, allocations[4].id, False)
    assert batch(allocations[4].id, 5, 100) == (0, allocations[4].id, False)
    charged = [app.allocations.get(a.id, customer_id="bob") for a in allocations]
    assert [a.periods_charged for a in charged] == [2] * 5
    assert app.allocations.charge_fees(date(2026, 1, 6)) == 0


# -- monthly fees


def test_a_monthly_allocation_uses_its_prepaid_month_at_start_and_charges_later_months_on_the_day(
    app: App, clock: ManualClock
) -> None:
    move_to(clock, date(2026, 1, 30), hour=10)
    allocation = running(app, MONTHLY, term=3)
    after_start = available(app)

    assert allocation.periods_charged == 1  # the prepaid first month
    assert allocation.end_date == date(2026, 4, 29)
    assert allocation.next_fee_date == date(2026, 3, 2)  # 30 Feb does not exist: 28 Feb, a Saturday → 2 Mar

    move_to(clock, date(2026, 3, 2))
    app.allocations.charge_fees(date(2026, 3, 2))
    march = app.allocations.get(allocation.id, customer_id="alice")
    assert (march.periods_charged, march.next_fee_date) == (2, date(2026, 3, 30))
    assert after_start - available(app) == MONTHLY_FEE


def test_settling_a_monthly_allocation_early_refunds_unused_prepaid_months(
    app: App, clock: ManualClock
) -> None:
    allocation = running(app, MONTHLY, term=2)
    request = app.allocations.ask(allocation.id, "extension", customer_id="alice", periods=2)
    app.allocations.decide(request.id, by="reviewer-1", approve=True)
    before = available(app)

    settled = settle(app, allocation.id, B + DEPOSIT)

    assert settled.settlement is not None
    assert settled.settlement.refund == 2 * MONTHLY_FEE
    assert available(app) - before == DEPOSIT + RISK_FUND + 2 * MONTHLY_FEE


# -- daily status and risk


def test_falling_to_the_warning_line_alerts_once_and_recovery_needs_a_margin(
    app: App, clock: ManualClock
) -> None:
    allocation = running(app, term=20)
    days = [date(2026, 1, d) for d in (5, 6, 7, 8, 9, 12)]
    readings = [WL, WL - 10_000, WL + 1_000, WL * 102 // 100 + 1, WL - 1, WL + 200_000]
    risks = []
    for day, assets in zip(days, readings, strict=True):
        move_to(clock, day)
        app.allocations.record_status(allocation.id, day, figures(assets), by="risk-1")
        risks.append(app.allocations.get(allocation.id, customer_id="alice").risk)

    assert risks == [Risk.WARNING, Risk.WARNING, Risk.WARNING, Risk.NORMAL, Risk.WARNING, Risk.NORMAL]
    assert [d["after"] for d in event_data(app, allocation, "risk")] == [
        "warning",
        "normal",
        "warning",
        "normal",
    ]


def test_falling_below_the_liquidation_line_starts_liquidation(app: App) -> None:
    allocation = running(app)

    app.allocations.record_status(allocation.id, date(2026, 1, 5), figures(CL - 1), by="risk-1")

    assert app.allocations.get(allocation.id, customer_id="alice").risk is Risk.LIQUIDATION


def test_a_top_up_raises_the_assets_but_not_the_lines(app: App) -> None:
    allocation = running(app)
    request = app.allocations.ask(allocation.id, "top_up", customer_id="alice", amount=300_000)
    assert frozen(app) == DEPOSIT + RISK_FUND + 300_000

    app.allocations.decide(request.id, by="reviewer-1", approve=True)

    topped = app.allocations.get(allocation.id, customer_id="alice")
    assert (topped.top_ups, topped.warning_line, topped.liquidation_line) == (300_000, WL, CL)
    assert frozen(app) == DEPOSIT + RISK_FUND + 300_000


def test_a_rejected_top_up_is_released(app: App) -> None:
    allocation = running(app)
    request = app.allocations.ask(allocation.id, "top_up", customer_id="alice", amount=300_000)

    app.allocations.decide(request.id, by="reviewer-1", approve=False, reason="send it later")

    assert frozen(app) == DEPOSIT + RISK_FUND


def test_an_extension_freezes_its_fees_and_lengthens_the_term(app: App) -> None:
    allocation = running(app, term=5)
    request = app.allocations.ask(allocation.id, "extension", customer_id="alice", periods=3)
    assert frozen(app) == DEPOSIT + RISK_FUND + 3 * DAILY_FEE

    app.allocations.decide(request.id, by="reviewer-1", approve=True)

    longer = app.allocations.get(allocation.id, customer_id="alice")
    assert (longer.term, longer.end_date, longer.prepaid_left) == (8, date(2026, 1, 14), 3)
    assert frozen(app) == DEPOSIT + RISK_FUND


def test_profit_above_110_percent_of_the_initial_capital_can_be_withdrawn(app: App) -> None:
    allocation = running(app)
    capital = B + DEPOSIT
    app.allocations.record_status(allocation.id, date(2026, 1, 5), figures(capital * 115 // 100), by="risk-1")
    cash_before = available(app)

    with pytest.raises(Refused, match="at most"):
        app.allocations.ask(allocation.id, "profit", customer_id="alice", amount=capital * 5 // 100 + 1)
    request = app.allocations.ask(allocation.id, "profit", customer_id="alice", amount=capital * 5 // 100)
    app.allocations.decide(request.id, by="risk-1", approve=True)

    assert available(app) - cash_before == capital * 5 // 100
    assert app.allocations.get(allocation.id, customer_id="alice").profit_withdrawn == capital * 5 // 100


# -- settlement


def settle(app: App, allocation_id: str, final_assets: int):  # type: ignore[no-untyped-def]
    waiting = app.allocations.settle(allocation_id, final_assets=final_assets, by="risk-1")
    assert isinstance(waiting, ApprovalRequest)
    app.approvals.approve(waiting.id, by="root")
    return app.allocations.get(allocation_id, customer_id="alice")


def test_a_settlement_with_profit_pays_everything_above_b_and_the_unpaid_fees(app: App) -> None:
    allocation = running(app)
    before = available(app)

    settled = settle(app, allocation.id, 6_500_000)

    assert settled.status is Status.SETTLED
    assert settled.settlement is not None and settled.settlement.payout == 1_500_000
    assert available(app) - before == 1_500_000 + RISK_FUND - DAILY_FEE  # the day's fee is charged first
    assert settled.periods_charged == 1
    assert frozen(app) == 0
    assert pool(app) == POOL
    assert balance_of(app, allocation_account(allocation)) == 0
    assert "settled" in event_kinds(app, allocation)


def test_a_settlement_with_a_loss_returns_what_is_left_above_b(app: App, clock: ManualClock) -> None:
    allocation = running(app)
    move_to(clock, date(2026, 1, 6))
    before = available(app)

    settled = settle(app, allocation.id, B + 400_000)

    assert settled.settlement is not None and settled.settlement.payout == 400_000
    assert available(app) - before == 400_000 + RISK_FUND - 2 * DAILY_FEE  # 5 and 6 January
    assert balance_of(app, chart.market_results().id) == 600_000
    assert pool(app) == POOL


def test_a_shortfall_beyond_the_risk_fund_is_booked_as_a_receivable(app: App) -> None:
    allocation = running(app)
    before = available(app)

    settled = settle(app, allocation.id, B - 100_000)

    record = settled.settlement
    assert record is not None
    assert (record.payout, record.from_risk_fund, record.receivable) == (
        -100_000,
        RISK_FUND,
        100_000 - RISK_FUND,
    )
    assert available(app) == before - DAILY_FEE
    assert frozen(app) == 0
    assert pool(app) == POOL
    assert balance_of(app, chart.receivables().id) == -(100_000 - RISK_FUND)


def test_settling_twice_settles_once(app: App) -> None:
    allocation = running(app)
    settle(app, allocation.id, 6_000_000)
    before = available(app)

    again = app.allocations.settle(allocation.id, final_assets=6_000_000, by="risk-1")

    assert not isinstance(again, ApprovalRequest) and again.status is Status.SETTLED
    assert available(app) == before
    with pytest.raises(Refused):
        app.allocations.settle(allocation.id, final_assets=6_100_000, by="risk-1")


def test_a_settlement_waits_for_a_second_administrator_and_never_the_maker(app: App) -> None:
    allocation = running(app)
    waiting = app.allocations.settle(allocation.id, final_assets=6_000_000, by="risk-1")
    assert isinstance(waiting, ApprovalRequest)

    with pytest.raises(Refused):
        app.approvals.approve(waiting.id, by="risk-1")
    assert app.allocations.get(allocation.id, customer_id="alice").status is Status.IN_PROGRESS


def test_settlement_rejects_pending_requests_and_releases_their_funds(app: App) -> None:
    allocation = running(app)
    app.allocations.ask(allocation.id, "top_up", customer_id="alice", amount=100_000)

    settle(app, allocation.id, B + DEPOSIT)

    assert frozen(app) == 0
    [request] = app.allocations.timeline(allocation.id, customer_id="alice").requests
    assert request.status.value == "rejected"
    assert "request.released" in event_kinds(app, allocation)


def test_the_timeline_tells_the_whole_story(app: App, clock: ManualClock) -> None:
    allocation = running(app)
    app.allocations.record_status(allocation.id, date(2026, 1, 5), figures(WL - 1), by="risk-1")
    move_to(clock, date(2026, 1, 6) + timedelta(days=0))
    app.allocations.charge_fees(date(2026, 1, 6))
    settle(app, allocation.id, B + DEPOSIT)

    assert event_kinds(app, allocation) == [
        "applied",
        "paid",
        "paid",
        "call",
        "confirmed",
        "agreement",
        "account_assigned",
        "started",
        "status",
        "risk",
        "fee",
        "fee",
        "settled",
    ]


def test_statuses_are_told_in_the_timeline_in_order_from_their_own_table(
    app: App, clock: ManualClock
) -> None:
    allocation = running(app)
    app.allocations.record_status(allocation.id, date(2026, 1, 5), figures(WL + 100_000), by="risk-1")
    clock.advance(minutes=1)
    app.allocations.record_status(allocation.id, date(2026, 1, 5), figures(WL - 1), by="risk-1")  # corrected
    clock.advance(minutes=1)
    app.allocations.ask(allocation.id, "top_up", customer_id="alice", amount=300_000)

    stored = app.office.read(lambda tx: tx.uow.allocation_events.of_allocation(allocation.id))
    assert "status" not in [e.kind for e in stored]
    assert event_kinds(app, allocation)[-4:] == ["status", "status", "risk", "request.top_up"]
    assert [(d["revision"], d["to_warning"]) for d in event_data(app, allocation, "status")] == [
        (1, 100_000),
        (2, -1),
    ]
    assert event_data(app, allocation, "risk") == [
        {"before": "normal", "after": "warning", "day": "2026-01-05", "revision": 2}
    ]


def test_status_events_stored_by_earlier_versions_are_not_told_twice(app: App) -> None:
    allocation = running(app)
    app.allocations.record_status(allocation.id, date(2026, 1, 5), figures(WL + 100_000), by="risk-1")
    legacy = Event(allocation.id, 1, "status", "risk-1", '{"day": "2026-01-05", "revision": 1}')
    app.office.run(lambda tx: tx.uow.allocation_events.add([legacy]))

    assert event_kinds(app, allocation).count("status") == 1


def test_the_last_day_of_the_term_is_told_once_and_only_that_day_may_extend_it(
    app: App, clock: ManualClock
) -> None:
    allocation = running(app, term=5)  # 5 to 9 January
    move_to(clock, date(2026, 1, 8))
    assert app.allocations.tell_term_ends(date(2026, 1, 8)) == 0

    move_to(clock, date(2026, 1, 9))
    assert app.allocations.tell_term_ends(date(2026, 1, 9)) == 1
    assert app.allocations.tell_term_ends(date(2026, 1, 9)) == 0
    assert "term_ended" in event_kinds(app, allocation)
    request = app.allocations.ask(allocation.id, "extension", customer_id="alice", periods=2)
    app.allocations.decide(request.id, by="reviewer-1", approve=True)
    longer = app.allocations.get(allocation.id, customer_id="alice")
    assert (longer.end_date, longer.term_end_told) == (date(2026, 1, 13), False)

    move_to(clock, date(2026, 1, 14))
    with pytest.raises(Refused, match="can no longer be extended"):
        app.allocations.ask(allocation.id, "extension", customer_id="alice", periods=2)


def test_confirming_or_assigning_again_changes_nothing(app: App) -> None:
    allocation = confirmed(app)
    assert app.allocations.confirm(allocation.id, by="reviewer-2") == allocation
    started = app.allocations.assign_account(allocation.id, by="finance-1", sub_account="S-1", password="pw")

    again = app.allocations.assign_account(allocation.id, by="finance-2", sub_account="S-1", password="other")

    assert again == started
    assert pool(app) == POOL - B


def test_applying_again_with_the_same_request_id_answers_the_same_allocation(app: App) -> None:
    first = app.allocations.apply(
        "alice", product="daily", deposit=DEPOSIT, leverage=5, term=5, request_id="r-1"
    )

    again = app.allocations.apply(
        "alice", product="daily", deposit=DEPOSIT, leverage=5, term=5, request_id="r-1"
    )

    assert again == first
    assert len(app.allocations.of_customer("alice")) == 1
    with pytest.raises(IdempotencyConflict):
        app.allocations.apply("alice", product="daily", deposit=DEPOSIT, leverage=3, term=5, request_id="r-1")


# -- what a settlement, a termination and a correction may not skip


def test_a_settlement_charges_the_fees_due_up_to_its_day_and_nothing_after(
    app: App, clock: ManualClock
) -> None:
    allocation = running(app, term=10)
    before = available(app)
    move_to(clock, date(2026, 1, 7))

    settled = settle(app, allocation.id, B + DEPOSIT)

    assert (settled.periods_charged, settled.next_fee_date) == (3, None)
    assert available(app) - before == DEPOSIT + RISK_FUND - 3 * DAILY_FEE
    move_to(clock, date(2026, 1, 9))
    assert app.allocations.charge_fees(date(2026, 1, 9)) == 0


def test_after_an_approved_termination_nothing_else_can_be_asked(app: App) -> None:
    allocation = running(app)
    request = app.allocations.ask(allocation.id, "termination", customer_id="alice")
    app.allocations.decide(request.id, by="risk-1", approve=True)

    for kind, amount, periods in (("top_up", 100_000, 0), ("extension", 0, 2), ("termination", 0, 0)):
        with pytest.raises(Refused, match="termination was approved"):
            app.allocations.ask(allocation.id, kind, customer_id="alice", amount=amount, periods=periods)


def test_a_pending_request_asked_again_with_other_terms_is_refused(app: App) -> None:
    allocation = running(app)
    app.allocations.ask(allocation.id, "top_up", customer_id="alice", amount=100_000)

    with pytest.raises(Refused, match="pending already"):
        app.allocations.ask(allocation.id, "top_up", customer_id="alice", amount=200_000)


def test_a_correction_of_the_day_cannot_free_profit_already_withdrawn(app: App) -> None:
    allocation = running(app)
    capital = B + DEPOSIT
    rich = figures(capital * 115 // 100)
    app.allocations.record_status(allocation.id, date(2026, 1, 5), rich, by="risk-1")
    request = app.allocations.ask(allocation.id, "profit", customer_id="alice", amount=capital * 5 // 100)
    app.allocations.decide(request.id, by="risk-1", approve=True)

    app.allocations.record_status(allocation.id, date(2026, 1, 5), rich, by="risk-1")

    with pytest.raises(Refused, match=r"at most ¥0\.00"):
        app.allocations.ask(allocation.id, "profit", customer_id="alice", amount=100)


def test_a_correction_of_a_mistyped_status_starts_from_the_state_before_the_day(app: App) -> None:
    allocation = running(app)
    app.allocations.record_status(allocation.id, date(2026, 1, 5), figures(WL - 100_000), by="risk-1")
    assert app.allocations.get(allocation.id, customer_id="alice").risk is Risk.WARNING

    app.allocations.record_status(allocation.id, date(2026, 1, 5), figures(WL + 10_000), by="risk-1")

    assert app.allocations.get(allocation.id, customer_id="alice").risk is Risk.NORMAL


def test_confirmation_follows_the_last_call(app: App) -> None:
    allocation = paid(app)
    app.allocations.record_call(allocation.id, by="reviewer-1", outcome="confirmed")
    app.allocations.record_call(allocation.id, by="reviewer-1", outcome="declined", note="changed their mind")

    with pytest.raises(Refused):
        app.allocations.confirm(allocation.id, by="reviewer-1")


def test_a_monthly_term_into_a_year_without_holiday_data_is_refused_at_the_application(
    app: App, clock: ManualClock
) -> None:
    move_to(clock, date(2026, 10, 12), hour=10)

    with pytest.raises(TermBeyondCalendar, match="2027"):
        applied(app, MONTHLY, term=3)
    assert app.allocations.of_customer("alice") == [] and pool(app) == POOL


def test_the_password_cannot_be_read_once_the_allocation_is_settled(app: App) -> None:
    allocation = running(app)

    settled = settle(app, allocation.id, B + DEPOSIT)

    assert settled.sealed_password == ""
    with pytest.raises(Refused):
        app.allocations.reveal_password(allocation.id, customer_id="alice")


def test_arrears_are_collected_on_a_prepaid_day_too(app: App, clock: ManualClock) -> None:
    verified_customer(app, "bob", wallet=DEPOSIT + RISK_FUND)
    allocation = paid(app, customer_id="bob", term=10)
    app.allocations.record_call(allocation.id, by="reviewer-1", outcome="confirmed")
    app.allocations.confirm(allocation.id, by="reviewer-1")
    app.allocations.assign_account(allocation.id, by="finance-1", sub_account="B-1", password="pw")
    move_to(clock, date(2026, 1, 16))
    app.allocations.charge_fees(date(2026, 1, 16))  # ten days: the risk fund covers ¥250, ¥50 is unpaid
    assert app.allocations.get(allocation.id, customer_id="bob").fees_unpaid == 10 * DAILY_FEE - RISK_FUND
    credit(app, "bob", DAILY_FEE + 10 * DAILY_FEE - RISK_FUND, "bob-more")
    request = app.allocations.ask(allocation.id, "extension", customer_id="bob", periods=1)
    app.allocations.decide(request.id, by="reviewer-1", approve=True)  # one prepaid period

    move_to(clock, date(2026, 1, 19))
    app.allocations.charge_fees(date(2026, 1, 19))

    caught_up = app.allocations.get(allocation.id, customer_id="bob")
    assert (caught_up.prepaid_left, caught_up.fees_unpaid, caught_up.overdue) == (0, 0, False)
    assert available(app, "bob") == 0


def test_paying_a_component_twice_records_one_payment(app: App) -> None:
    allocation = applied(app)
    app.allocations.pay(allocation.id, Component.DEPOSIT, customer_id="alice")

    app.allocations.pay(allocation.id, Component.DEPOSIT, customer_id="alice")

    assert event_kinds(app, allocation).count("paid") == 1
