"""Repaying a loan: on time, by the jobs, partly, late with penalty interest, early, and every method to the
last installment — on memory, SQLite and PostgreSQL. After each test the ledger holds and what the
borrower paid equals what the investors received plus the platform's fees, to the fen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from lending_world import (
    AMOUNT,
    INVESTORS,
    START,
    assert_books_hold,
    available,
    credit,
    escrow,
    frozen,
    full,
    move_to,
    open_lending,
)

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.errors import IdempotencyConflict, InsufficientFunds, InvalidInput, Refused
from p2pstock.core.ledger import codes
from p2pstock.core.lending.loans import Loan, LoanStatus
from p2pstock.core.lending.schedules import Method, schedule, total_interest
from p2pstock.core.money import Money
from p2pstock.jobs import run_jobs

FEE_BP = 1_000
"""The product's share of investors' interest."""
LISTING_FEE = AMOUNT * 200 // 10_000
BELLA_START = 100_000


@pytest.fixture(autouse=True)
def platform(app: App, clock: ManualClock) -> Iterator[None]:
    open_lending(app, clock)
    yield
    assert_books_hold(app)
    assert_borrower_paid_investors_and_fees(app)


def moved(app: App, code: str) -> int:
    """Posted money moved under ``code`` so far, platform-wide."""
    totals = app.ledger.statistics("month", start=date(2026, 1, 1), end=date(2030, 12, 31))
    return sum(t.credits for t in totals if t.code == code)


def assert_borrower_paid_investors_and_fees(app: App) -> None:
    paid = moved(app, codes.LOAN_REPAYMENT)
    received = sum(
        moved(app, code) for code in (codes.LOAN_PRINCIPAL, codes.LOAN_INTEREST, codes.LOAN_PENALTY)
    )
    fees = moved(app, codes.LOAN_INTEREST_FEE) + moved(app, codes.LOAN_EARLY_FEE)
    waiting = sum(escrow(app, loan) for loan in app.lending.loans_of("bella"))  # part of an installment
    assert paid == received + fees + waiting
    investments = [i for investor in INVESTORS for i in app.lending.investments_of(investor)]
    recorded = sum(i.principal_received + i.interest_received + i.penalty_received for i in investments)
    assert recorded == received


def disbursed(app: App, **terms: object) -> Loan:
    loan = full(app, **terms)
    return app.lending.approve_full(loan.id, by="risk-1")


def wallets(app: App) -> list[int]:
    return [available(app, investor) for investor in INVESTORS]


def freeze_bella(app: App, amount: int) -> None:
    """Bella asks to withdraw ``amount``: frozen, so the jobs cannot collect it."""
    app.wallets.request_withdrawal("bella", request_id=f"out-{amount}", amount=Money(amount))


# -- on time --------------------------------------------------------------------------------------------


def test_repaying_the_first_installment_pays_each_investor_their_share_less_the_fee(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    move_to(clock, date(2026, 4, 2), 9)
    before = wallets(app)

    app.lending.repay(loan.id, customer_id="bella", request_id="r90")

    first = app.lending.installments(loan.id)[0]
    assert first.settled and (first.paid_interest, first.paid_principal) == (5_000, 25_500)
    assert available(app, "bella") == BELLA_START + AMOUNT - LISTING_FEE - 30_500
    gains = [after - b for after, b in zip(wallets(app), before, strict=True)]
    # principal 255.00 by holdings 5:3:2; interest 50.00 likewise, less a tenth for the platform
    assert gains == [12_750 + 2_250, 7_650 + 1_350, 5_100 + 900]
    assert escrow(app, loan) == 0
    assert app.lending.get(loan.id).payments == 1


def test_a_repayment_tells_the_borrower_what_is_left_and_each_investor_what_reached_their_wallet(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    move_to(clock, date(2026, 4, 2), 9)

    app.lending.repay(loan.id, customer_id="bella", request_id="r-told")

    def told(chat: int) -> list[str]:
        return [n.text for n in app.office.read(lambda tx: tx.uow.outbox.of_recipient(str(chat), 50))]

    [to_bella] = [t for t in told(8001) if t.startswith("You repaid")]
    assert to_bella.startswith(f"You repaid ¥305.00 on loan {loan.id}; ¥5,") and "is left" in to_bella
    shares = (  # the investor's chat, then what reached them: the whole, principal, interest, the fee taken
        (9001, "¥150.00", "¥127.50", "¥22.50", "¥2.50"),
        (9002, "¥90.00", "¥76.50", "¥13.50", "¥1.50"),
        (9003, "¥60.00", "¥51.00", "¥9.00", "¥1.00"),  # the fees add up to a tenth of the ¥50 interest
    )
    for chat, got, principal, interest, fee in shares:
        assert [t for t in told(chat) if "is in your wallet" in t] == [
            f"{got} from loan {loan.id} is in your wallet: principal {principal}, interest {interest} "
            f"(after the platform's fee of {fee})."
        ]


def test_the_jobs_collect_an_installment_on_its_due_date_and_running_them_twice_changes_nothing(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    move_to(clock, date(2026, 4, 1), 6)
    run_jobs(app)
    assert not app.lending.installments(loan.id)[0].settled  # not due yet

    move_to(clock, date(2026, 4, 2), 0)
    report = run_jobs(app)
    after = (available(app, "bella"), wallets(app), app.lending.get(loan.id).version)
    again = run_jobs(app)

    assert report.loans_collected == 1 and again.loans_collected == 0
    assert (available(app, "bella"), wallets(app), app.lending.get(loan.id).version) == after
    assert app.lending.installments(loan.id)[0].settled


def test_the_borrower_is_reminded_three_days_ahead_once(app: App, clock: ManualClock) -> None:
    loan = disbursed(app)
    move_to(clock, date(2026, 3, 29), 6)
    assert run_jobs(app).reminders == 0
    move_to(clock, date(2026, 3, 30), 6)
    assert run_jobs(app).reminders == 1
    assert run_jobs(app).reminders == 0
    texts = [n.text for n in app.office.read(lambda tx: tx.uow.outbox.of_recipient("8001", 50))]
    assert any(f"Installment 1 of loan {loan.id}, ¥305.00, falls due on 2026-04-02" in t for t in texts)


# -- partly and with too little --------------------------------------------------------------------------


def test_a_partial_repayment_pays_interest_before_principal_and_reaches_investors_once_settled(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    move_to(clock, date(2026, 3, 20), 12)
    before = wallets(app)

    app.lending.repay(loan.id, customer_id="bella", amount=10_000, request_id="part-1")

    first = app.lending.installments(loan.id)[0]
    assert (first.paid_interest, first.paid_principal, first.settled) == (5_000, 5_000, False)
    assert wallets(app) == before and escrow(app, loan) == 10_000  # waiting for the rest of the installment
    [holding] = app.lending.holdings("ivan")
    assert holding.expected[0].principal == 12_750 and sum(i.principal for i in holding.expected) == 250_000
    app.lending.repay(loan.id, customer_id="bella", amount=20_500, request_id="part-2")
    assert app.lending.installments(loan.id)[0].settled and escrow(app, loan) == 0
    gains = [after - b for after, b in zip(wallets(app), before, strict=True)]
    assert gains == [12_750 + 2_250, 7_650 + 1_350, 5_100 + 900]  # as if it had been paid in one go


def test_an_installment_paid_a_fen_at_a_time_still_reaches_each_investor_in_proportion(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    move_to(clock, date(2026, 3, 20), 12)
    before = wallets(app)
    for n in range(10):
        app.lending.repay(loan.id, customer_id="bella", amount=1, request_id=f"fen-{n}")
    app.lending.repay(loan.id, customer_id="bella", amount=30_490, request_id="rest")

    gains = [after - b for after, b in zip(wallets(app), before, strict=True)]
    assert gains == [15_000, 9_000, 6_000] and moved(app, codes.LOAN_INTEREST_FEE) == 500


def test_a_regular_repayment_cannot_reach_beyond_the_next_installment(app: App, clock: ManualClock) -> None:
    loan = disbursed(app)
    move_to(clock, date(2026, 3, 20), 12)
    with pytest.raises(InvalidInput, match="repay the whole loan early"):
        app.lending.repay(loan.id, customer_id="bella", amount=30_501, request_id="r150")
    with pytest.raises(InvalidInput):
        app.lending.repay(loan.id, customer_id="bella", amount=0, request_id="r152")
    assert app.lending.get(loan.id).payments == 0


def test_repaying_without_the_money_is_refused_and_nothing_moves(app: App, clock: ManualClock) -> None:
    loan = disbursed(app)
    freeze_bella(app, available(app, "bella") - 1_000)
    move_to(clock, date(2026, 4, 2), 12)
    with pytest.raises(InsufficientFunds):
        app.lending.repay(loan.id, customer_id="bella", request_id="r161")
    assert app.lending.get(loan.id).payments == 0 and escrow(app, loan) == 0


def test_repaying_twice_with_one_request_id_pays_once(app: App, clock: ManualClock) -> None:
    loan = disbursed(app)
    move_to(clock, date(2026, 4, 2), 12)
    app.lending.repay(loan.id, customer_id="bella", request_id="tap-9")
    app.lending.repay(loan.id, customer_id="bella", request_id="tap-9")
    assert app.lending.get(loan.id).payments == 1
    assert available(app, "bella") == BELLA_START + AMOUNT - LISTING_FEE - 30_500


# -- overdue ----------------------------------------------------------------------------------------------


def test_an_unpaid_installment_is_overdue_accrues_penalty_and_is_paid_penalty_first(
    app: App, clock: ManualClock
) -> None:
    app.staff.enrol_by_operator("risk-1", ["risk_officer"], telegram_user_id=6001)
    loan = disbursed(app)
    freeze_bella(app, available(app, "bella"))
    move_to(clock, date(2026, 4, 2), 1)
    assert run_jobs(app).loans_collected == 0
    move_to(clock, date(2026, 4, 3), 1)
    assert run_jobs(app).installments_overdue == 1
    assert run_jobs(app).installments_overdue == 0

    move_to(clock, date(2026, 4, 12), 1)
    run_jobs(app)
    view = app.lending.schedule(loan.id)[0]
    penalty = 25_500 * 5 * 10 // 10_000  # 0.05 % a day on ¥255.00 of principal for ten days
    assert (view.days_overdue, view.bucket, view.installment.penalty) == (10, "M1", penalty)
    assert view.owed == 30_500 + penalty

    credit(app, "bella", 50_000, "bella-top-up")
    before = wallets(app)
    app.lending.repay(loan.id, customer_id="bella", amount=30_500 + penalty, request_id="r198")
    first = app.lending.installments(loan.id)[0]
    assert first.settled and first.paid_penalty == penalty
    gains = [after - b for after, b in zip(wallets(app), before, strict=True)]
    assert sum(gains) == 30_500 + penalty - 500  # the platform keeps a tenth of the ¥50.00 interest
    told = [n.text for n in app.office.read(lambda tx: tx.uow.outbox.of_recipient("6001", 50))]
    assert (
        f"逾期：借款 {loan.id} 第 1 期（应还日 2026-04-02）未还 ¥305.12。" in told
    )  # a day of penalty: ¥0.12


def test_investors_paid_a_late_installment_are_told_their_penalty_interest(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    freeze_bella(app, available(app, "bella"))
    move_to(clock, date(2026, 4, 12), 1)
    run_jobs(app)  # ten days late: ¥1.27 of penalty interest
    credit(app, "bella", 50_000, "bella-top-up")

    app.lending.repay(loan.id, customer_id="bella", amount=30_500 + 127, request_id="r-late")

    told = [n.text for n in app.office.read(lambda tx: tx.uow.outbox.of_recipient("9001", 50))]
    assert [t for t in told if "is in your wallet" in t] == [  # half the loan: ¥0.64 of the ¥1.27
        f"¥150.64 from loan {loan.id} is in your wallet: principal ¥127.50, interest ¥22.50, penalty "
        "interest ¥0.64 (after the platform's fee of ¥2.50)."
    ]


def test_overdue_buckets_follow_the_days_late(app: App, clock: ManualClock) -> None:
    loan = disbursed(app)
    freeze_bella(app, available(app, "bella"))
    for day, expected in ((date(2026, 5, 2), "M1"), (date(2026, 5, 3), "M2"), (date(2026, 7, 2), "M3+")):
        move_to(clock, day, 12)
        assert app.lending.schedule(loan.id)[0].bucket == expected
    holding = app.lending.holdings("ivan")[0]
    assert holding.bucket == "M3+" and holding.days_overdue == 91


# -- early ------------------------------------------------------------------------------------------------


def test_repaying_early_charges_interest_to_date_and_the_early_fee_and_ends_the_loan(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    move_to(clock, date(2026, 4, 2), 12)
    app.lending.repay(loan.id, customer_id="bella", request_id="r227")
    move_to(clock, date(2026, 4, 17), 12)  # 15 of April's 30 days

    quote = app.lending.payoff(loan.id, customer_id="bella")
    balance = AMOUNT - 25_500
    interest = 2_373  # April's ¥47.45 of interest for 15 of its 30 days: ¥23.725, rounded half up
    assert quote.early_fee == balance * 100 // 10_000
    assert quote.total == balance + interest + quote.early_fee

    before = available(app, "bella")
    repaid = app.lending.repay_early(loan.id, customer_id="bella", request_id="r237")
    assert repaid.status is LoanStatus.REPAID
    assert available(app, "bella") == before - quote.total
    assert all(i.settled for i in app.lending.installments(loan.id))
    for investment in app.lending.investments(loan.id):
        assert investment.principal_received == investment.amount
    assert moved(app, codes.LOAN_EARLY_FEE) == quote.early_fee


# -- to the last installment -----------------------------------------------------------------------------


@pytest.mark.parametrize("method", list(Method))
def test_every_method_repaid_by_the_jobs_ends_with_each_investor_whole(
    app: App, clock: ManualClock, method: Method
) -> None:
    months = 6
    loan = disbursed(app, method=method, months=months)
    plan = schedule(AMOUNT, 1_200, months, method, START)
    for installment in plan:
        move_to(clock, installment.due, 0)
        run_jobs(app)

    assert app.lending.get(loan.id).status is LoanStatus.REPAID
    paid = BELLA_START + AMOUNT - LISTING_FEE - available(app, "bella")
    assert paid == AMOUNT + total_interest(plan)
    investments = app.lending.investments(loan.id)
    assert [i.principal_received for i in investments] == [i.amount for i in investments]
    interest_to_investors = sum(i.interest_received for i in investments)
    assert interest_to_investors + moved(app, codes.LOAN_INTEREST_FEE) == total_interest(plan)
    assert all(frozen(app, investor) == 0 for investor in INVESTORS)


def test_the_reference_loan_repaid_to_the_end_costs_the_borrower_488_22_of_interest(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    for installment in app.lending.installments(loan.id):
        move_to(clock, installment.due, 0)
        run_jobs(app)
    paid = BELLA_START + AMOUNT - LISTING_FEE - available(app, "bella")
    assert paid - AMOUNT == 48_822
    assert app.lending.get(loan.id).status is LoanStatus.REPAID


# -- views and figures ------------------------------------------------------------------------------------


def test_an_investors_holding_shows_what_was_received_and_what_is_expected(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    move_to(clock, date(2026, 4, 2), 12)
    app.lending.repay(loan.id, customer_id="bella", request_id="r290")

    [holding] = app.lending.holdings("iris")
    assert holding.investment.principal_received == 7_650
    assert len(holding.expected) == 17
    assert sum(i.principal for i in holding.expected) == 150_000 - 7_650
    every = [h for investor in INVESTORS for h in app.lending.holdings(investor)]
    for number in range(2, 19):
        shares = [i for h in every for i in h.expected if i.number == number]
        row = app.lending.installments(loan.id)[number - 1]
        assert (
            sum(s.principal for s in shares) == row.principal
            and sum(s.interest for s in shares) == row.interest
        )


def test_the_platform_figures_show_outstanding_and_overdue_principal_and_income_by_kind(
    app: App, clock: ManualClock
) -> None:
    disbursed(app)
    freeze_bella(app, available(app, "bella"))
    move_to(clock, date(2026, 4, 10), 12)

    figures = app.lending.figures(by="root")

    assert figures.loans_by_status == {"repaying": 1}
    assert (figures.outstanding_principal, figures.overdue_principal) == (AMOUNT, 25_500)
    assert figures.overdue_ratio_bp == 25_500 * 10_000 // AMOUNT
    assert figures.income == {codes.LOAN_LISTING_FEE: LISTING_FEE}


# -- asking twice, and asking for what changed -----------------------------------------------------------


def test_one_request_id_for_another_amount_is_refused_and_moves_nothing(app: App, clock: ManualClock) -> None:
    loan = disbursed(app)
    move_to(clock, date(2026, 3, 20), 12)
    app.lending.repay(loan.id, customer_id="bella", amount=100, request_id="same")
    with pytest.raises(IdempotencyConflict):
        app.lending.repay(loan.id, customer_id="bella", amount=30_000, request_id="same")
    assert app.lending.installments(loan.id)[0].paid_interest == 100


def test_a_repayment_confirmed_for_an_amount_that_changed_meanwhile_is_refused(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    move_to(clock, date(2026, 4, 2), 0)
    seen = app.lending.get(loan.id).payments
    run_jobs(app)  # the jobs collected the installment the borrower was looking at (the next one is the same)
    with pytest.raises(Refused, match="changed"):
        app.lending.repay(
            loan.id,
            customer_id="bella",
            amount=30_500,
            expected=30_500,
            payments_seen=seen,
            request_id="seen",
        )
    quote = app.lending.payoff(loan.id, customer_id="bella")
    move_to(clock, date(2026, 4, 20), 12)
    with pytest.raises(Refused, match="changed"):
        app.lending.repay_early(loan.id, customer_id="bella", expected=quote.total, request_id="early")
    assert app.lending.get(loan.id).payments == 1


def test_a_long_request_id_names_a_payment_as_well_as_a_short_one(app: App, clock: ManualClock) -> None:
    loan = disbursed(app)
    move_to(clock, date(2026, 4, 2), 12)
    request_id = "tg-" + "9" * 190
    app.lending.repay(loan.id, customer_id="bella", request_id=request_id)
    app.lending.repay(loan.id, customer_id="bella", request_id=request_id)
    assert app.lending.get(loan.id).payments == 1


def test_the_dashboard_counts_a_repaying_loan_in_the_bucket_of_its_oldest_unpaid_installment(
    app: App, clock: ManualClock
) -> None:
    disbursed(app)
    assert app.dashboard.figures(by="risk-1").buckets["current"] == 1
    freeze_bella(app, available(app, "bella"))
    move_to(clock, date(2026, 5, 3), 12)  # the first installment 32 days late

    assert app.dashboard.figures(by="risk-1").buckets == {"current": 0, "M1": 0, "M2": 1, "M3": 0, "M3+": 0}
