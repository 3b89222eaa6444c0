"""The back office's two views of the platform: today's dashboard (capital pool, allocations by status and
distance to their lines, fees and interest, loans by bucket, what waits) and a customer looked up by
phone tail, name or id, with their page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from allocation_world import (
    DAILY_FEE,
    POOL,
    B,
    assert_books_hold,
    figures,
    move_to,
    open_platform,
    paid,
    running_for,
    verified_customer,
)

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.dashboard import distance
from p2pstock.core.errors import InvalidInput, NotFound
from p2pstock.core.money import Money
from p2pstock.core.people.customers import Customer, KycStatus
from p2pstock.core.people.permissions import PermissionDenied

MONDAY, TUESDAY = date(2026, 1, 5), date(2026, 1, 6)


@pytest.fixture(autouse=True)
def platform(app: App) -> Iterator[None]:
    open_platform(app)
    verified_customer(app, wallet=20_000_000)  # alice, +8613800138000, 张三
    verified_customer(app, "bob")  # +8613900139000, 张三 too
    yield
    assert_books_hold(app)


def test_the_dashboard_counts_allocations_by_their_distance_to_the_lines(
    app: App, clock: ManualClock
) -> None:
    move_to(clock, MONDAY, 10)
    clear, near, warned, liquidating, silent = (running_for(app, "alice", f"S-{n}") for n in range(5))
    paid(app)  # under review
    for allocation, assets in [
        (clear, 6_100_000),
        (near, 6_000_000),
        (warned, 5_500_000),
        (liquidating, 5_200_000),
    ]:
        app.allocations.record_status(allocation.id, MONDAY, figures(assets), by="risk-1")

    seen = app.dashboard.figures(by="risk-1")

    assert seen.distances == {"clear": 1, "near": 1, "warning": 1, "liquidation": 1, "no_status": 1}
    assert seen.allocations == {"under_review": 1, "confirmed": 0, "in_progress": 5, "overdue": 0}
    assert (seen.pool_used, seen.pool_free) == (5 * B, POOL - 5 * B)
    assert seen.day == MONDAY
    assert distance(silent) == "no_status"


def test_todays_fees_interest_and_queues_are_on_the_dashboard(app: App, clock: ManualClock) -> None:
    move_to(clock, MONDAY, 10)
    running_for(app, "alice", "S-1")
    move_to(clock, TUESDAY, 18)
    app.allocations.charge_fees(TUESDAY)
    app.wallets.request_withdrawal("bob", request_id="w-1", amount=Money(10_000))

    seen = app.dashboard.figures(by="root")

    assert seen.fees_today == 2 * DAILY_FEE  # Monday's and Tuesday's, both charged today
    assert (seen.interest_today, seen.lending_income_today) == (0, 0)
    assert (seen.withdrawals, seen.approvals, seen.documents) == (1, 0, 0)
    assert seen.buckets == {"current": 0, "M1": 0, "M2": 0, "M3": 0, "M3+": 0}


def test_only_super_administrators_and_risk_officers_see_the_dashboard(app: App) -> None:
    for by in ("support-1", "finance-1", "reviewer-1", "alice"):
        with pytest.raises(PermissionDenied):
            app.dashboard.figures(by=by)


def test_a_customer_is_found_by_the_end_of_their_phone_number_their_name_or_their_id(app: App) -> None:
    assert [c.id for c in app.customer_pages.search("8000", by="support-1")] == ["alice"]
    assert [c.id for c in app.customer_pages.search("张三", by="support-1")] == ["alice", "bob"]
    assert [c.id for c in app.customer_pages.search("bob", by="support-1")] == ["bob"]
    assert app.customer_pages.search("800", by="support-1") == []  # too short to be a phone tail
    assert app.customer_pages.search("%", by="support-1") == []  # a wildcard is a character like any other
    [alice] = app.customer_pages.search("138000", by="support-1")
    assert (alice.real_name, alice.phone, alice.status) == ("张三", "***8000", KycStatus.VERIFIED)


def test_an_unverified_customer_without_a_phone_is_not_found_by_digits(app: App) -> None:
    app.office.run(lambda tx: tx.uow.customers.add(Customer("carol", real_name="李四")))

    assert app.customer_pages.search("0000", by="support-1") == []
    assert [c.id for c in app.customer_pages.search("李", by="support-1")] == ["carol"]


@pytest.mark.parametrize("words", ["", "   ", "x" * 41, "a\u202eb"])
def test_a_search_that_is_empty_too_long_or_hides_characters_is_refused(app: App, words: str) -> None:
    with pytest.raises(InvalidInput):
        app.customer_pages.search(words, by="support-1")


def test_a_customers_page_shows_their_wallet_allocations_and_latest_movements_masked(
    app: App, clock: ManualClock
) -> None:
    move_to(clock, MONDAY, 10)
    allocation = running_for(app, "alice", "S-1")

    page = app.customer_pages.page("alice", by="support-1")

    assert page.customer.phone == "***8000" and "+86" not in repr(page)
    assert [a.id for a in page.allocations] == [allocation.id]
    balance = app.wallets.balance("alice")
    assert (page.available, page.frozen) == (balance.available.minor, balance.frozen.minor)
    assert 1 <= len(page.recent) <= 5
    assert page.recent[0].timestamp >= page.recent[-1].timestamp
    assert (page.loans, page.investments) == ((), ())


def test_a_page_of_nobody_is_not_found_and_customers_cannot_look_anyone_up(app: App) -> None:
    with pytest.raises(NotFound):
        app.customer_pages.page("nobody", by="support-1")
    with pytest.raises(PermissionDenied):
        app.customer_pages.search("bob", by="alice")
