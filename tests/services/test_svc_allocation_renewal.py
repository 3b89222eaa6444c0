"""The end of a term: renewed a period at a time when the customer opted in and the wallet (then the risk
fund) pays the next period's fee, or overdue at expiry (到期未续) — the customer and the administrators who
settle told, and told again once the product's grace to settle has passed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import attrs
import pytest
from allocation_world import (
    DAILY,
    DAILY_FEE,
    DEPOSIT,
    MONTHLY,
    MONTHLY_FEE,
    POOL,
    RISK_FUND,
    B,
    assert_books_hold,
    available,
    event_data,
    event_kinds,
    frozen,
    move_to,
    open_platform,
    pool,
    running,
    verified_customer,
)
from racing import at_once

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.allocation.allocations import Allocation, Status
from p2pstock.core.errors import NotFound, Refused
from p2pstock.core.money import Money
from p2pstock.core.notifications import Notification
from p2pstock.core.people.four_eyes import ApprovalRequest

RISK_CHAT = 9100
WALLET = 5_000_000


@pytest.fixture(autouse=True)
def platform(app: App) -> Iterator[None]:
    open_platform(app)
    verified_customer(app, wallet=WALLET)
    app.staff.enrol_by_operator("risk-9", ["risk_officer"], telegram_user_id=RISK_CHAT)
    yield
    assert_books_hold(app)


def told(app: App, recipient: str, *about: str) -> list[str]:
    """What ``recipient`` was told that says any of ``about``, oldest first."""
    found: list[Notification] = app.office.read(lambda tx: tx.uow.outbox.of_recipient(recipient, 100))
    texts = [n.text for n in sorted(found, key=lambda n: (n.created_at, n.id))]
    return [said for said in texts if any(word in said for word in about)]


def opted_in(app: App, allocation: Allocation) -> Allocation:
    return app.allocations.set_auto_renew(allocation.id, customer_id="alice", on=True)


def at_end_of_term(app: App, clock: ManualClock, day: date) -> int:
    """The jobs on ``day``: the day's fees, then the terms that ended."""
    move_to(clock, day)
    app.allocations.charge_fees(day)
    return app.allocations.tell_term_ends(day)


def nothing_left(app: App) -> None:
    """Alice's whole available balance asked to be withdrawn (and so frozen)."""
    app.wallets.request_withdrawal("alice", request_id="all", amount=Money(available(app)))


def get(app: App, allocation: Allocation) -> Allocation:
    return app.allocations.get(allocation.id, customer_id="alice")


def test_an_opted_in_allocation_renews_a_period_paid_from_the_wallet_once(
    app: App, clock: ManualClock
) -> None:
    allocation = opted_in(app, running(app, term=5))  # 5 to 9 January 2026
    for day in range(5, 9):
        at_end_of_term(app, clock, date(2026, 1, day))
    before = available(app)

    assert at_end_of_term(app, clock, date(2026, 1, 9)) == 1
    assert app.allocations.tell_term_ends(date(2026, 1, 9)) == 0  # decided once

    renewed = get(app, allocation)
    assert (renewed.term, renewed.end_date, renewed.renewals) == (6, date(2026, 1, 12), 1)
    assert available(app) == before - DAILY_FEE - DAILY_FEE  # the 9th's fee and the next period's
    assert renewed.prepaid_left == 1 and renewed.settle_by is None and not renewed.term_end_told
    [data] = event_data(app, allocation, "renewed")
    assert (data["end"], data["from_wallet"], data["from_risk_fund"]) == ("2026-01-12", DAILY_FEE, 0)
    assert told(app, "7001", "renewed") == [
        f"Allocation {allocation.id} renewed for one more period, to 2026-01-12; its fee ¥30.00 was taken."
    ]
    fees_paid = renewed.fees_paid

    at_end_of_term(app, clock, date(2026, 1, 12))  # the renewed day is prepaid; it ends the term again

    again = get(app, allocation)
    assert again.fees_paid == fees_paid + DAILY_FEE  # the second renewal's fee alone
    assert (again.term, again.end_date, again.renewals, again.prepaid_left) == (7, date(2026, 1, 13), 2, 1)


def test_the_risk_fund_pays_the_renewal_when_the_wallet_cannot(app: App, clock: ManualClock) -> None:
    allocation = opted_in(app, running(app, term=2))  # 5 and 6 January
    app.wallets.request_withdrawal(
        "alice", request_id="all", amount=Money(available(app))
    )  # nothing left to pay from

    at_end_of_term(app, clock, date(2026, 1, 5))
    at_end_of_term(app, clock, date(2026, 1, 6))

    renewed = get(app, allocation)
    assert renewed.term == 3 and renewed.risk_fund == RISK_FUND - 3 * DAILY_FEE
    [data] = event_data(app, allocation, "renewed")
    assert (data["from_wallet"], data["from_risk_fund"]) == (0, DAILY_FEE)


def test_a_term_the_wallet_and_the_risk_fund_cannot_renew_is_overdue_at_expiry(
    app: App, clock: ManualClock
) -> None:
    cheap = attrs.evolve(DAILY, code="tiny", risk_fund_ppm=500, expiry_grace_days=2)  # a ¥25 risk fund
    app.products.define(cheap, by="root")
    allocation = app.allocations.apply("alice", product="tiny", deposit=1_000_000, leverage=5, term=2)
    allocation = _started(app, allocation)
    opted_in(app, allocation)
    nothing_left(app)

    at_end_of_term(app, clock, date(2026, 1, 5))
    at_end_of_term(app, clock, date(2026, 1, 6))

    expired = get(app, allocation)
    assert (expired.term, expired.expired_on, expired.settle_by) == (2, date(2026, 1, 6), date(2026, 1, 8))
    assert event_data(app, allocation, "term_ended")[0]["unrenewed"] == "balance_short"
    assert told(app, "7001", "ended its term") == [
        f"Allocation {allocation.id} ended its term on 2026-01-06: the wallet and the risk fund could not "
        "pay the next period's fee, so it was not renewed; it is to be settled by 2026-01-08."
    ]


def _started(app: App, allocation: Allocation) -> Allocation:
    for component in allocation.due:
        app.allocations.pay(allocation.id, component, customer_id="alice")
    app.allocations.record_call(allocation.id, by="reviewer-1", outcome="confirmed")
    app.allocations.confirm(allocation.id, by="reviewer-1")
    return app.allocations.assign_account(allocation.id, by="finance-1", sub_account="T-1", password="pw")


def test_a_term_not_opted_in_expires_told_in_chinese_and_the_grace_passing_is_told_once(
    app: App, clock: ManualClock
) -> None:
    app.customers.set_language("alice", "zh")
    allocation = running(app, term=2)

    at_end_of_term(app, clock, date(2026, 1, 5))
    at_end_of_term(app, clock, date(2026, 1, 6))
    charged = get(app, allocation).fees_paid
    for day in (7, 8):  # within the grace: no fee, nothing more said
        assert at_end_of_term(app, clock, date(2026, 1, day)) == 0
    assert at_end_of_term(app, clock, date(2026, 1, 9)) == 1  # the grace (two trading days) has passed
    assert at_end_of_term(app, clock, date(2026, 1, 12)) == 0

    assert get(app, allocation).fees_paid == charged
    assert "term_ended" in event_kinds(app, allocation) and "settle_overdue" in event_kinds(app, allocation)
    assert told(app, "7001", "到期") == [
        f"配资 {allocation.id} 于 2026-01-06 到期，未开启自动续期：请在 2026-01-08 前完成结算，"
        "到期后不再收取管理费。"
    ]
    staff = told(app, str(RISK_CHAT), "到期未续")  # an administrator's chat reads Chinese by default
    assert staff == [
        f"配资 {allocation.id} 于 2026-01-06 到期未续，请在 2026-01-08 前结算。",
        f"配资 {allocation.id} 到期未续，结算宽限期已于 2026-01-08 结束，请立即结算。",
    ]


def test_the_longest_term_is_not_renewed(app: App, clock: ManualClock) -> None:
    short = attrs.evolve(DAILY, code="short", term_min=2, term_max=2)
    app.products.define(short, by="root")
    allocation = _started(
        app, app.allocations.apply("alice", product="short", deposit=1_000_000, leverage=5, term=2)
    )
    opted_in(app, allocation)

    at_end_of_term(app, clock, date(2026, 1, 5))
    at_end_of_term(app, clock, date(2026, 1, 6))

    assert event_data(app, allocation, "term_ended")[0]["unrenewed"] == "term_max"
    assert get(app, allocation).term == 2


def test_an_extension_approved_on_the_last_day_renews_an_expired_term_by_hand(
    app: App, clock: ManualClock
) -> None:
    allocation = running(app, term=2)
    at_end_of_term(app, clock, date(2026, 1, 5))
    at_end_of_term(app, clock, date(2026, 1, 6))
    assert get(app, allocation).settle_by == date(2026, 1, 8)

    request = app.allocations.ask(allocation.id, "extension", customer_id="alice", periods=2)
    app.allocations.decide(request.id, by="reviewer-1", approve=True)

    longer = get(app, allocation)
    assert (longer.end_date, longer.expired_on, longer.settle_by) == (date(2026, 1, 8), None, None)


def test_a_monthly_allocation_renews_by_a_month(app: App, clock: ManualClock) -> None:
    allocation = opted_in(app, running(app, MONTHLY, term=1))  # 5 January to 4 February
    before = available(app)

    assert at_end_of_term(app, clock, date(2026, 2, 4)) == 1

    renewed = get(app, allocation)
    assert (renewed.term, renewed.end_date) == (2, date(2026, 3, 4))
    assert available(app) == before - MONTHLY_FEE
    at_end_of_term(app, clock, date(2026, 2, 5))  # the renewed month falls due: prepaid
    assert get(app, allocation).fees_paid == renewed.fees_paid


def test_only_the_customer_turns_renewal_on_and_only_while_it_can_run(app: App) -> None:
    allocation = running(app)
    verified_customer(app, "bob")

    with pytest.raises(NotFound):
        app.allocations.set_auto_renew(allocation.id, customer_id="bob", on=True)
    on = opted_in(app, allocation)
    again = opted_in(app, allocation)
    off = app.allocations.set_auto_renew(allocation.id, customer_id="alice", on=False)

    assert on.auto_renew and again == on and not off.auto_renew
    assert event_kinds(app, allocation)[-2:] == ["auto_renew_on", "auto_renew_off"]
    cancelled = app.allocations.apply("alice", product="daily", deposit=1_000_000, leverage=5, term=5)
    app.allocations.cancel(cancelled.id, customer_id="alice")
    with pytest.raises(Refused) as refused:
        app.allocations.set_auto_renew(cancelled.id, customer_id="alice", on=True)
    assert refused.value.code == "allocation_status"
    assert get(app, allocation).status is Status.IN_PROGRESS


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_renewal_and_a_settlement_at_once_leave_the_money_exact(app: App, clock: ManualClock) -> None:
    allocation = opted_in(app, running(app, term=2))
    at_end_of_term(app, clock, date(2026, 1, 5))
    move_to(clock, date(2026, 1, 6))
    app.allocations.charge_fees(date(2026, 1, 6))
    waiting = app.allocations.settle(allocation.id, final_assets=B + DEPOSIT, by="risk-1")
    assert isinstance(waiting, ApprovalRequest)
    jobs = [
        lambda: app.allocations.tell_term_ends(date(2026, 1, 6)),
        lambda: app.approvals.approve(waiting.id, by="root"),
    ]

    _, errors = at_once(2, lambda i: jobs[i]())

    settled = get(app, allocation)
    assert errors == [] and settled.status is Status.SETTLED
    assert settled.renewals in (0, 1)  # renewed first (then settled), or settled first (then left alone)
    assert settled.fees_paid == (2 + settled.renewals) * DAILY_FEE
    assert available(app) + frozen(app) == WALLET - settled.fees_paid  # the deposit back, every fee once
    assert pool(app) == POOL


def test_jobs_run_days_late_and_twice_renew_one_period_a_day(app: App, clock: ManualClock) -> None:
    allocation = opted_in(app, running(app, term=2))  # 5 and 6 January; the jobs next run on the 9th
    at_end_of_term(app, clock, date(2026, 1, 5))

    runs = [at_end_of_term(app, clock, date(2026, 1, 9)) for _ in range(3)]

    renewed = get(app, allocation)
    assert runs == [1, 0, 0]
    assert (renewed.term, renewed.renewals, renewed.end_date) == (3, 1, date(2026, 1, 7))


def test_an_allocation_whose_termination_was_approved_is_not_renewed(app: App, clock: ManualClock) -> None:
    allocation = opted_in(app, running(app, term=2))
    ending = app.allocations.ask(allocation.id, "termination", customer_id="alice")
    app.allocations.decide(ending.id, by="risk-1", approve=True)
    at_end_of_term(app, clock, date(2026, 1, 5))

    at_end_of_term(app, clock, date(2026, 1, 6))

    assert get(app, allocation).term == 2
    assert event_data(app, allocation, "term_ended")[0]["unrenewed"] == "not_opted_in"


def test_an_allocation_overdue_at_expiry_is_neither_resized_nor_opted_in(
    app: App, clock: ManualClock
) -> None:
    allocation = running(app, term=2)
    at_end_of_term(app, clock, date(2026, 1, 5))
    at_end_of_term(app, clock, date(2026, 1, 6))

    with pytest.raises(Refused) as resized:
        app.allocations.ask(allocation.id, "expansion", customer_id="alice", amount=DEPOSIT)
    with pytest.raises(Refused) as opting:
        opted_in(app, allocation)

    assert (resized.value.code, opting.value.code) == ("resize_expired", "term_ended")
