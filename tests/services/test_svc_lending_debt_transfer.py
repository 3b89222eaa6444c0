"""Debt transfer (债权转让) on memory, SQLite and PostgreSQL: a whole and a partial holding sold mid-period at
hand-worked prices, the next installment split exactly among the old and the new holders, every refusal
with its code and nothing changed, listings that expire or are cancelled, purchases asked for twice, and
eight buyers racing for one listing. After each test the ledger holds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import attrs
import pytest
from lending_world import (
    AMOUNT,
    PERSONAL,
    assert_books_hold,
    available,
    full,
    move_to,
    open_lending,
    verified,
)
from racing import at_once

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.errors import IdempotencyConflict, P2PStockError
from p2pstock.core.ledger import chart, codes
from p2pstock.core.lending.debt_transfer import ListingStatus, TransferListing, TransferPurchase
from p2pstock.core.lending.loans import Investment, Loan
from p2pstock.core.money import Money
from p2pstock.jobs import run_jobs

TRANSFERABLE = attrs.evolve(
    PERSONAL,
    transfer_fee_bp=10,
    transfer_fee_cap_bp=100,
    transfer_price_bp=500,
    transfer_closed_days=3,
    transfer_listing_days=3,
)
"""The reference product, sold on at 0.1 % of the principal a remaining installment (at most 1 %), a
discount or premium of at most 5 %, nothing listed within 3 days of a due date, a listing open 3 days."""
BUYERS = ("olga", "pavel", "quentin")
START_WALLET = 1_000_000
MID_PERIOD = date(2026, 3, 17)
"""15 of the first period's 31 days (2 March to 2 April) have passed."""


@pytest.fixture(autouse=True)
def platform(app: App, clock: ManualClock) -> Iterator[None]:
    open_lending(app, clock)
    app.loan_products.define(TRANSFERABLE, by="root")
    for buyer in BUYERS:
        verified(app, buyer, wallet=START_WALLET, telegram=None)
    yield
    assert_books_hold(app)


def disbursed(app: App) -> Loan:
    """Bella's ¥5,000 at 12 % over 18 months, held by Ivan ¥2,500, Iris ¥1,500 and Igor ¥1,000."""
    return app.lending.approve_full(full(app).id, by="risk-1")


def holding(app: App, loan: Loan, investor: str) -> Investment:
    [found] = [i for i in app.lending.investments(loan.id) if i.investor_id == investor and not i.bought]
    return found


def bought(app: App, loan: Loan, buyer: str) -> list[Investment]:
    return [i for i in app.lending.investments(loan.id) if i.investor_id == buyer]


def fee_income(app: App) -> int:
    account = app.ledger.account(chart.fee_income().id)
    return account.balances.credits_posted - account.balances.debits_posted


def sell(
    app: App, loan: Loan, seller: str, principal: int, premium_bp: int = 0, *, rid: str = ""
) -> TransferListing:
    return app.debt_market.list_for_sale(
        holding(app, loan, seller).id,
        seller_id=seller,
        principal=principal,
        premium_bp=premium_bp,
        request_id=rid or f"sell-{seller}-{principal}",
    )


def buy(app: App, listing: TransferListing, buyer: str, principal: int, rid: str = "") -> TransferPurchase:
    return app.debt_market.buy(
        listing.id, buyer_id=buyer, principal=principal, request_id=rid or f"buy-{buyer}-{principal}"
    )


# -- sold mid-period at hand-worked prices --------------------------------------------------------------


def test_a_whole_holding_sold_mid_period_pays_principal_accrued_interest_less_discount_and_the_fee(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    move_to(clock, MID_PERIOD, 10)
    before = fee_income(app)

    listing = sell(app, loan, "ivan", 250_000, premium_bp=-100)
    purchase = buy(app, listing, "olga", 250_000)

    # accrued: ¥50.00 of interest × 2,500/5,000 × 15/31 days = 1,209.68 fen → 1,210; 1 % off: −2,500
    assert (listing.accrued, listing.adjustment, listing.price) == (1_210, -2_500, 248_710)
    # 18 installments left × 0.1 % = 1.8 %, capped at 1 %: ¥25.00
    assert (listing.fee, listing.installments_left) == (2_500, 18)
    assert (purchase.principal, purchase.price, purchase.fee) == (250_000, 248_710, 2_500)
    assert available(app, "olga") == START_WALLET - 248_710
    assert available(app, "ivan") == START_WALLET - 250_000 + 248_710 - 2_500
    assert fee_income(app) - before == 2_500
    assert holding(app, loan, "ivan").outstanding == 0
    [new] = bought(app, loan, "olga")
    assert (new.amount, new.outstanding, new.origin) == (250_000, 250_000, f"transfer:{listing.id}")
    assert app.debt_market.get(listing.id).listing.status is ListingStatus.SOLD


def test_a_partial_holding_bought_in_two_parts_adds_up_to_its_price_and_fee_exactly(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    move_to(clock, MID_PERIOD, 10)

    listing = sell(app, loan, "iris", 100_000, premium_bp=50)
    first = buy(app, listing, "pavel", 33_300)
    rest = buy(app, listing, "quentin", 66_700)

    # accrued: ¥50.00 × 1,000/5,000 × 15/31 = 483.87 → 484; a 0.5 % premium: +500; fee 1 % of ¥1,000
    assert (listing.accrued, listing.adjustment, listing.price, listing.fee) == (484, 500, 100_984, 1_000)
    # the first part pays floor(100,984 × 0.333) and floor(1,000 × 0.333); the last part takes the rest
    assert (first.price, first.fee) == (33_627, 333)
    assert (rest.price, rest.fee) == (67_357, 667)
    assert first.price + rest.price == listing.price and first.fee + rest.fee == listing.fee
    assert available(app, "iris") == START_WALLET - 150_000 + 100_984 - 1_000
    assert [available(app, b) for b in ("pavel", "quentin")] == [START_WALLET - 33_627, START_WALLET - 67_357]
    assert holding(app, loan, "iris").outstanding == 50_000


def test_the_next_installment_splits_exactly_among_the_old_and_the_new_holders(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    move_to(clock, MID_PERIOD, 10)
    buy(app, sell(app, loan, "ivan", 250_000, premium_bp=-100), "olga", 250_000)
    partial = sell(app, loan, "iris", 100_000, premium_bp=50)
    buy(app, partial, "pavel", 33_300)
    buy(app, partial, "quentin", 66_700)
    move_to(clock, date(2026, 4, 2), 9)
    holders = ("ivan", "olga", "iris", "pavel", "quentin", "igor")
    before = [available(app, who) for who in holders]

    app.lending.repay(loan.id, customer_id="bella", request_id="r1")

    gains = [available(app, who) - b for who, b in zip(holders, before, strict=True)]
    # ¥255.00 of principal and ¥45.00 of interest after the platform's ¥5.00, by outstanding principal
    # 0 : 2,500 : 500 : 333 : 667 : 1,000; a fen left over goes to the largest remainder
    principal = [0, 12_750, 2_550, 1_698, 3_402, 5_100]
    interest = [0, 2_250, 450, 300, 600, 900]
    assert gains == [p + i for p, i in zip(principal, interest, strict=True)]
    assert sum(principal) == 25_500 and sum(interest) + 500 == 5_000
    received = {i.investor_id: i.interest_received for i in app.lending.investments(loan.id) if i.bought}
    assert received == {"olga": 2_250, "pavel": 300, "quentin": 600}


def test_every_later_installment_splits_exactly_to_the_last_and_each_holder_gets_their_principal_back(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    move_to(clock, MID_PERIOD, 10)
    buy(app, sell(app, loan, "ivan", 123_400, premium_bp=-37), "olga", 123_400)
    partial = sell(app, loan, "igor", 77_700)
    buy(app, partial, "pavel", 11_100)
    buy(app, partial, "quentin", 66_600)
    credit_bella(app, 600_000)

    for installment in app.lending.installments(loan.id):
        move_to(clock, installment.due, 9)
        before = split_so_far(app)
        app.lending.repay(loan.id, customer_id="bella", request_id=f"r{installment.number}")
        paid, shares, fee = (after - b for after, b in zip(split_so_far(app), before, strict=True))
        assert paid == installment.principal + installment.interest == shares + fee, installment

    for i in app.lending.investments(loan.id):
        assert i.principal_received == i.amount - i.sold, i
    assert sum(i.principal_received for i in app.lending.investments(loan.id)) == AMOUNT


def credit_bella(app: App, amount: int) -> None:
    app.wallets.confirm_deposit("bella", gateway="bank", transaction_id="bella-more", amount=Money(amount))


def split_so_far(app: App) -> tuple[int, int, int]:
    """What borrowers paid, what reached the holders and the platform's interest fee, so far."""
    shares = sum(moved(app, c) for c in (codes.LOAN_PRINCIPAL, codes.LOAN_INTEREST, codes.LOAN_PENALTY))
    return moved(app, codes.LOAN_REPAYMENT), shares, moved(app, codes.LOAN_INTEREST_FEE)


def moved(app: App, code: str) -> int:
    totals = app.ledger.statistics("month", start=date(2026, 1, 1), end=date(2030, 12, 31))
    return sum(t.credits for t in totals if t.code == code)


# -- refused, with nothing changed ----------------------------------------------------------------------


def state(app: App, loan: Loan) -> tuple[object, ...]:
    people = ("ivan", "iris", "igor", "bella", *BUYERS)
    listings = [app.debt_market.listings_of(who) for who in people]
    return (
        [available(app, who) for who in people],
        app.lending.investments(loan.id),
        listings,
        fee_income(app),
    )


def refused(app: App, loan: Loan, action: object, code: str) -> None:
    before = state(app, loan)
    with pytest.raises(P2PStockError) as caught:
        action()  # type: ignore[operator]
    assert caught.value.code == code
    assert state(app, loan) == before


def test_no_sale_is_listed_while_an_installment_is_overdue(app: App, clock: ManualClock) -> None:
    loan = disbursed(app)
    move_to(clock, date(2026, 4, 3), 10)

    refused(app, loan, lambda: sell(app, loan, "ivan", 100_000), "transfer_overdue")


def test_no_sale_is_listed_within_the_closed_days_before_the_next_due_date(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    move_to(clock, date(2026, 3, 29), 23)
    assert sell(app, loan, "ivan", 100_000).status is ListingStatus.OPEN  # the day before they close
    move_to(clock, date(2026, 3, 30), 0)

    refused(app, loan, lambda: sell(app, loan, "iris", 100_000), "transfer_closed")


def test_a_holding_with_an_open_sale_is_not_listed_again(app: App, clock: ManualClock) -> None:
    loan = disbursed(app)
    move_to(clock, MID_PERIOD, 10)
    sell(app, loan, "ivan", 100_000)

    refused(app, loan, lambda: sell(app, loan, "ivan", 50_000), "transfer_already_listed")


def test_only_the_holder_sells_a_holding(app: App, clock: ManualClock) -> None:
    loan = disbursed(app)
    move_to(clock, MID_PERIOD, 10)
    ivans = holding(app, loan, "ivan").id

    def igor_sells() -> object:
        return app.debt_market.list_for_sale(ivans, seller_id="igor", principal=100_000, request_id="x")

    refused(app, loan, igor_sells, "transfer_not_holder")


@pytest.mark.parametrize(
    ("principal", "premium_bp", "code"),
    [
        (250_001, 0, "transfer_principal_range"),
        (0, 0, "transfer_principal_range"),
        (100_000, -501, "transfer_premium_range"),
        (100_000, 501, "transfer_premium_range"),
    ],
)
def test_a_sale_beyond_the_holding_or_the_products_discount_is_refused(
    app: App, clock: ManualClock, principal: int, premium_bp: int, code: str
) -> None:
    loan = disbursed(app)
    move_to(clock, MID_PERIOD, 10)

    refused(app, loan, lambda: sell(app, loan, "ivan", principal, premium_bp), code)


@pytest.mark.parametrize(
    ("buyer", "principal", "code"),
    [
        ("olga", 100_100, "transfer_purchase_range"),  # more than listed
        ("olga", 50, "transfer_purchase_range"),  # less than one step
        ("olga", 5_050, "transfer_purchase_step"),
        ("ivan", 10_000, "transfer_own"),
        ("bella", 10_000, "transfer_borrower"),
    ],
)
def test_a_purchase_beyond_the_listing_off_its_steps_or_by_its_seller_or_borrower_is_refused(
    app: App, clock: ManualClock, buyer: str, principal: int, code: str
) -> None:
    loan = disbursed(app)
    move_to(clock, MID_PERIOD, 10)
    listing = sell(app, loan, "ivan", 100_000)

    refused(app, loan, lambda: buy(app, listing, buyer, principal), code)


def test_a_purchase_after_the_borrower_paid_is_refused_and_the_holding_can_be_listed_anew(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    move_to(clock, MID_PERIOD, 10)
    listing = sell(app, loan, "ivan", 100_000)
    app.lending.repay(loan.id, customer_id="bella", request_id="early-installment")  # the next one, early

    refused(app, loan, lambda: buy(app, listing, "olga", 100_000), "transfer_listing_closed")
    again = sell(app, loan, "ivan", 100_000, rid="sell-again")
    assert app.debt_market.get(listing.id).listing.status is ListingStatus.EXPIRED
    assert again.installments_left == 17 and again.accrued == 0


# -- expiry and cancelling --------------------------------------------------------------------------------


def test_an_expired_listing_leaves_the_unsold_part_with_its_seller(app: App, clock: ManualClock) -> None:
    loan = disbursed(app)
    move_to(clock, date(2026, 3, 10), 10)
    listing = sell(app, loan, "ivan", 100_000)
    buy(app, listing, "olga", 40_000)
    move_to(clock, date(2026, 3, 13), 10)  # three days later

    run_jobs(app)

    assert app.debt_market.get(listing.id).listing.status is ListingStatus.EXPIRED
    refused(app, loan, lambda: buy(app, listing, "pavel", 10_000), "transfer_listing_closed")
    ivan = holding(app, loan, "ivan")
    assert (ivan.sold, ivan.outstanding) == (40_000, 210_000)
    told = app.office.read(lambda tx: tx.uow.outbox.of_recipient("9001", 50))
    assert any(f"Your sale {listing.id} of loan {loan.id} has ended; the ¥600.00" in n.text for n in told)


def test_a_listing_never_stays_open_into_the_days_closed_before_a_due_date(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    move_to(clock, date(2026, 3, 28), 10)

    listing = sell(app, loan, "ivan", 100_000)

    closes = datetime(2026, 3, 30, tzinfo=UTC) - timedelta(hours=8)  # midnight in Shanghai
    assert listing.expires_at == int(closes.timestamp()) * 1_000_000


def test_a_cancelled_listing_keeps_what_was_sold_and_the_rest_can_be_listed_again(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    move_to(clock, MID_PERIOD, 10)
    listing = sell(app, loan, "ivan", 100_000)
    buy(app, listing, "olga", 30_000)

    cancelled = app.debt_market.cancel(listing.id, seller_id="ivan")
    again = app.debt_market.cancel(listing.id, seller_id="ivan")

    assert cancelled.status is again.status is ListingStatus.CANCELLED
    assert (cancelled.sold, holding(app, loan, "ivan").outstanding) == (30_000, 220_000)
    refused(app, loan, lambda: buy(app, listing, "pavel", 10_000), "transfer_listing_closed")
    assert sell(app, loan, "ivan", 220_000).principal == 220_000


def test_only_the_seller_cancels_a_listing(app: App, clock: ManualClock) -> None:
    loan = disbursed(app)
    move_to(clock, MID_PERIOD, 10)
    listing = sell(app, loan, "ivan", 100_000)

    refused(
        app, loan, lambda: app.debt_market.cancel(listing.id, seller_id="iris"), "transfer_listing_not_found"
    )


# -- asked for twice --------------------------------------------------------------------------------------


def test_a_purchase_asked_for_twice_buys_once_and_another_amount_under_its_request_id_is_refused(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    move_to(clock, MID_PERIOD, 10)
    listing = sell(app, loan, "ivan", 100_000)

    first = buy(app, listing, "olga", 40_000, rid="tap")
    second = buy(app, listing, "olga", 40_000, rid="tap")

    assert first == second
    assert [i.amount for i in bought(app, loan, "olga")] == [40_000]
    assert available(app, "olga") == START_WALLET - first.price
    with pytest.raises(IdempotencyConflict):
        buy(app, listing, "olga", 50_000, rid="tap")
    assert app.debt_market.get(listing.id).listing.sold == 40_000


def test_the_buyer_and_the_seller_are_told(app: App, clock: ManualClock) -> None:
    loan = disbursed(app)
    move_to(clock, MID_PERIOD, 10)
    listing = sell(app, loan, "ivan", 100_000)
    verified(app, "rita", wallet=START_WALLET, telegram=9100)

    buy(app, listing, "rita", 100_000)

    def told(chat: int) -> list[str]:
        return [n.text for n in app.office.read(lambda tx: tx.uow.outbox.of_recipient(str(chat), 50))]

    assert (
        f"¥1,000.00 of your holding in loan {loan.id} was sold for ¥1,004.84; after the transfer fee of "
        "¥10.00, ¥994.84 is in your wallet. Everything you listed is sold."
    ) in told(9001)
    assert (
        f"You bought ¥1,000.00 of the principal of loan {loan.id} for ¥1,004.84. The next installment is due "
        "2026-04-02."
    ) in told(9100)


# -- racing -----------------------------------------------------------------------------------------------

RACERS = 8
SHARE = 50_000


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_eight_buyers_racing_for_one_listing_never_buy_more_than_listed(app: App, clock: ManualClock) -> None:
    loan = disbursed(app)
    move_to(clock, MID_PERIOD, 10)
    for i in range(RACERS):
        verified(app, f"racer-{i}", wallet=START_WALLET)
    listing = sell(app, loan, "ivan", 250_000)  # five shares of ¥500 fit, three find it sold

    answers, errors = at_once(RACERS, lambda i: buy(app, listing, f"racer-{i}", SHARE, rid=f"race-{i}"))

    accepted = [a for a in answers if isinstance(a, TransferPurchase)]
    after = app.debt_market.get(listing.id).listing
    assert len(accepted) == 5 and after.sold == sum(p.principal for p in accepted) == 250_000
    assert all(isinstance(e, P2PStockError) for e in errors) and len(errors) == RACERS - 5
    assert sorted(p.id for p in app.debt_market.purchases(listing.id)) == sorted(p.id for p in accepted)
    assert sum(p.price for p in accepted) == listing.price
    for i in range(RACERS):
        mine = [p for p in accepted if p.buyer_id == f"racer-{i}"]
        assert available(app, f"racer-{i}") == START_WALLET - sum(p.price for p in mine)
    assert holding(app, loan, "ivan").outstanding == 0
