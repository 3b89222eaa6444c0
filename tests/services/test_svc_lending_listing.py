"""A loan from application through the reviews, the financing hall and bidding to disbursement, a failed
listing and a refusal at the full review — on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import attrs
import pytest
from lending_world import (
    AMOUNT,
    PERSONAL,
    START,
    applied,
    assert_books_hold,
    available,
    escrow,
    frozen,
    full,
    listed,
    move_to,
    open_lending,
    qualification,
    verified,
)

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.errors import IdempotencyConflict, InsufficientFunds, InvalidInput, NotFound, Refused
from p2pstock.core.ledger import chart
from p2pstock.core.lending.loans import InvestmentStatus, LoanStatus
from p2pstock.core.lending.ports import HallFilter
from p2pstock.core.lending.schedules import Method
from p2pstock.core.money import Money
from p2pstock.core.notifications import render
from p2pstock.core.people.permissions import PermissionDenied
from p2pstock.jobs import run_jobs
from sample_documents import jpeg


@pytest.fixture(autouse=True)
def platform(app: App, clock: ManualClock) -> Iterator[None]:
    open_lending(app, clock)
    yield
    assert_books_hold(app)


def sent_to(app: App, customer_id: str) -> list[str]:
    """The texts queued for a customer (by Telegram)."""
    chat = str(app.customers.get(customer_id).telegram_user_id)
    return [n.text for n in app.office.read(lambda tx: tx.uow.outbox.of_recipient(chat, 200))]


# -- application and review -----------------------------------------------------------------------------


def test_an_application_keeps_the_terms_and_the_product_version_it_was_made_under(app: App) -> None:
    loan = applied(app)

    assert loan.status is LoanStatus.APPLIED
    assert (loan.amount, loan.terms.months, loan.terms.rate_bp) == (AMOUNT, 18, 1_200)
    assert loan.terms.min_bid == 5_000 and loan.product.version == 1
    assert app.lending.loans_of("bella") == [loan]


def test_applying_again_with_the_same_request_id_answers_the_same_loan(app: App) -> None:
    document = qualification(app)
    ask = dict(product="personal", amount=AMOUNT, months=18, rate_bp=1_200, method="equal_installments")
    first = app.lending.apply(
        "bella", **ask, purpose="shop", documents=[document], bidding_days=3, request_id="r1"
    )
    again = app.lending.apply(
        "bella", **ask, purpose="shop", documents=[document], bidding_days=3, request_id="r1"
    )

    assert again == first and len(app.lending.loans_of("bella")) == 1
    with pytest.raises(IdempotencyConflict):
        app.lending.apply(
            "bella",
            product="personal",
            amount=AMOUNT + 100,
            months=18,
            rate_bp=1_200,
            method="equal_installments",
            purpose="shop",
            documents=[document],
            bidding_days=3,
            request_id="r1",
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amount": 50_000}, "amount must be between"),
        ({"months": 37}, "term must be between"),
        ({"rate_bp": 2_500}, "rate must be between"),
        ({"bidding_days": 8}, "bidding period must be between"),
        ({"min_bid": 4_000}, "minimum bid must be between"),
        ({"amount": 500_050}, "steps of"),
    ],
)
def test_an_application_outside_the_product_is_refused_and_nothing_is_stored(
    app: App, change: dict[str, int], message: str
) -> None:
    ask: dict[str, object] = dict(
        product="personal", amount=AMOUNT, months=18, rate_bp=1_200, method="bullet", bidding_days=3
    )
    with pytest.raises(InvalidInput, match=message):
        app.lending.apply("bella", **{**ask, **change}, purpose="shop", documents=[qualification(app)])
    assert app.lending.loans_of("bella") == []


def test_an_unverified_borrower_or_a_foreign_or_identity_document_is_refused(app: App) -> None:
    app.customers.register(customer_id="newbie", telegram_user_id=4242)
    ask: dict[str, object] = dict(
        product="personal", amount=AMOUNT, months=18, rate_bp=1_200, method="bullet", bidding_days=3
    )
    with pytest.raises(Refused, match="verify your identity"):
        app.lending.apply("newbie", **ask, purpose="x", documents=["d"])
    ivans = qualification(app, "ivan")
    with pytest.raises(NotFound, match="of yours"):
        app.lending.apply("bella", **ask, purpose="x", documents=[ivans])
    card = app.customers.upload_document("bella", "id_card_front", jpeg("card"))
    with pytest.raises(InvalidInput, match="identity document"):
        app.lending.apply("bella", **ask, purpose="x", documents=[card.id])
    with pytest.raises(InvalidInput, match="at least one qualification"):
        app.lending.apply("bella", **ask, purpose="x", documents=[])


def test_the_first_review_waits_until_every_qualification_is_authenticated(app: App) -> None:
    pending = qualification(app, accept=False)
    loan = app.lending.apply(
        "bella",
        product="personal",
        amount=AMOUNT,
        months=18,
        rate_bp=1_200,
        method="bullet",
        purpose="shop",
        documents=[pending],
        bidding_days=3,
    )
    with pytest.raises(Refused, match="not authenticated yet: house certificate"):
        app.lending.first_review(loan.id, by="reviewer-1")

    app.kyc.accept_document(pending, by="reviewer-2")
    assert app.lending.first_review(loan.id, by="reviewer-1").status is LoanStatus.FIRST_REVIEWED


def test_the_final_review_lists_the_loan_and_needs_a_second_reviewer(app: App, clock: ManualClock) -> None:
    loan = applied(app)
    app.lending.first_review(loan.id, by="reviewer-1")
    with pytest.raises(Refused, match="another administrator"):
        app.lending.final_review(loan.id, by="reviewer-1")

    listed_ = app.lending.final_review(loan.id, by="reviewer-2")

    assert listed_.status is LoanStatus.LISTED
    assert listed_.deadline == listed_.listed_at + 3 * 86_400 * 10**6
    assert [r.by for r in listed_.reviews] == ["reviewer-1", "reviewer-2"]
    assert any("is listed in the financing hall" in text for text in sent_to(app, "bella"))


def test_a_rejection_at_either_review_tells_the_borrower_why(app: App) -> None:
    first = applied(app)
    rejected = app.lending.reject(first.id, by="reviewer-1", reason="income not shown")
    assert (rejected.status, rejected.reason) == (LoanStatus.REJECTED, "income not shown")
    second = applied(app)
    app.lending.first_review(second.id, by="reviewer-1")
    assert (
        app.lending.reject(second.id, by="reviewer-2", reason="too much debt").status is LoanStatus.REJECTED
    )
    texts = sent_to(app, "bella")
    assert any("income not shown" in t for t in texts) and any("too much debt" in t for t in texts)


def test_only_loan_reviewers_review_and_only_risk_officers_give_the_full_review(app: App) -> None:
    loan = applied(app)
    with pytest.raises(PermissionDenied):
        app.lending.first_review(loan.id, by="finance-1")
    app.lending.first_review(loan.id, by="reviewer-1")
    app.lending.final_review(loan.id, by="reviewer-2")
    for investor, amount in (("ivan", 250_000), ("iris", 250_000)):
        app.lending.invest(loan.id, investor_id=investor, amount=amount)
    with pytest.raises(PermissionDenied):
        app.lending.approve_full(loan.id, by="reviewer-1")
    assert app.lending.approve_full(loan.id, by="risk-1").status is LoanStatus.REPAYING


def test_the_borrower_may_withdraw_until_the_loan_is_listed(app: App) -> None:
    loan = applied(app)
    assert app.lending.withdraw(loan.id, customer_id="bella").status is LoanStatus.WITHDRAWN
    other = listed(app)
    with pytest.raises(Refused):
        app.lending.withdraw(other.id, customer_id="bella")
    with pytest.raises(NotFound):
        app.lending.withdraw(other.id, customer_id="ivan")


# -- the financing hall ---------------------------------------------------------------------------------


def test_the_hall_lists_open_loans_newest_first_filtered_and_paged(app: App, clock: ManualClock) -> None:
    bullet = listed(app, method=Method.BULLET, months=6)
    clock.advance(timedelta(minutes=1))
    annuity = listed(app)
    clock.advance(timedelta(minutes=1))
    applied(app)  # not listed

    assert [loan.id for loan in app.lending.hall()] == [annuity.id, bullet.id]
    assert [loan.id for loan in app.lending.hall(HallFilter(method=Method.BULLET))] == [bullet.id]
    assert [loan.id for loan in app.lending.hall(HallFilter(months_min=12))] == [annuity.id]
    assert [loan.id for loan in app.lending.hall(page=1, size=1)] == [bullet.id]
    with pytest.raises(InvalidInput):
        app.lending.hall(size=0)


def test_a_loan_page_shows_verified_facts_and_the_schedule_for_an_amount_never_the_identity(app: App) -> None:
    loan = listed(app)
    page = app.lending.loan_page(loan.id, amount=50_000)

    facts = page.borrower
    assert (facts.name, facts.identity_verified, facts.phone_verified) == ("王**", True, True)
    assert facts.qualifications == ("house_certificate",)
    assert "王小明" not in repr(page) and "+86" not in repr(page)
    assert sum(i.principal for i in page.schedule) == 50_000
    assert len(page.schedule) == 18 and page.schedule[0].interest == 500  # a tenth of ¥50.00 of interest
    assert page.progress_bp == 0
    with pytest.raises(NotFound):
        app.lending.loan_page(applied(app).id)


# -- bidding --------------------------------------------------------------------------------------------


def test_an_investment_is_frozen_at_once_and_counts_towards_the_loan(app: App) -> None:
    loan = listed(app)
    investment = app.lending.invest(loan.id, investor_id="ivan", amount=100_000)

    assert investment.status is InvestmentStatus.FROZEN
    assert (available(app, "ivan"), frozen(app, "ivan")) == (900_000, 100_000)
    after = app.lending.get(loan.id)
    assert (after.funded, after.investors, after.remainder) == (100_000, 1, 400_000)
    assert app.lending.loan_page(loan.id).progress_bp == 2_000


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (4_900, "between ¥49.00|between ¥50.00"),
        (500_100, "between"),
        (5_050, "steps of"),
        (True, "whole number"),
    ],
)
def test_a_bid_outside_the_range_or_off_the_step_is_refused_and_nothing_is_frozen(
    app: App, amount: int, message: str
) -> None:
    loan = listed(app)
    with pytest.raises(InvalidInput, match=message):
        app.lending.invest(loan.id, investor_id="ivan", amount=amount)
    assert frozen(app, "ivan") == 0 and app.lending.get(loan.id).funded == 0


def test_when_less_than_the_minimum_bid_remains_the_remainder_is_accepted(app: App) -> None:
    loan = listed(app)
    app.lending.invest(loan.id, investor_id="ivan", amount=AMOUNT - 3_000)
    with pytest.raises(InvalidInput, match=r"between ¥30\.00 and ¥30\.00"):
        app.lending.invest(loan.id, investor_id="iris", amount=2_000)
    app.lending.invest(loan.id, investor_id="iris", amount=3_000)
    assert app.lending.get(loan.id).status is LoanStatus.FULL


def test_a_borrower_cannot_invest_in_their_own_loan_nor_anyone_beyond_their_balance(app: App) -> None:
    loan = listed(app)
    with pytest.raises(Refused, match="own loan"):
        app.lending.invest(loan.id, investor_id="bella", amount=10_000)
    verified(app, "poor", wallet=1_000)
    with pytest.raises(InsufficientFunds):
        app.lending.invest(loan.id, investor_id="poor", amount=5_000)
    assert app.lending.get(loan.id).funded == 0 and app.lending.investments(loan.id) == []


def test_investing_twice_with_one_request_id_freezes_once(app: App) -> None:
    loan = listed(app)
    first = app.lending.invest(loan.id, investor_id="ivan", amount=10_000, request_id="tap-1")
    again = app.lending.invest(loan.id, investor_id="ivan", amount=10_000, request_id="tap-1")

    assert again == first and frozen(app, "ivan") == 10_000 and app.lending.get(loan.id).funded == 10_000


def test_the_investment_that_fills_the_loan_makes_it_full_and_tells_the_full_reviewers(app: App) -> None:
    app.staff.enrol_by_operator("risk-1", ["risk_officer"], telegram_user_id=6001)
    loan = full(app)

    assert (loan.status, loan.funded, loan.investors) == (LoanStatus.FULL, AMOUNT, 3)
    to_risk_officer = app.office.read(lambda tx: tx.uow.outbox.of_recipient("6001", 10))
    assert [n.text for n in to_risk_officer] == [f"借款 {loan.id} 已满标（¥5,000.00），请复审。"]
    with pytest.raises(Refused, match="not open for bidding"):
        app.lending.invest(loan.id, investor_id="ivan", amount=5_000)


# -- full review and disbursement ------------------------------------------------------------------------


def test_the_full_review_disburses_in_one_step_and_creates_the_schedule(app: App) -> None:
    loan = full(app)
    disbursed = app.lending.approve_full(loan.id, by="risk-1")

    assert disbursed.status is LoanStatus.REPAYING and disbursed.start_date == START
    fee = AMOUNT * 200 // 10_000
    assert available(app, "bella") == 100_000 + AMOUNT - fee
    assert [frozen(app, i) for i in ("ivan", "iris", "igor")] == [0, 0, 0]
    assert [available(app, i) for i in ("ivan", "iris", "igor")] == [750_000, 850_000, 900_000]
    assert escrow(app, loan) == 0
    fees = app.ledger.account(chart.fee_income().id).balances
    assert fees.credits_posted - fees.debits_posted == fee
    assert {i.status for i in app.lending.investments(loan.id)} == {InvestmentStatus.HOLDING}
    plan = app.lending.installments(loan.id)
    assert (
        len(plan) == 18
        and plan[0].principal + plan[0].interest == 30_500
        and plan[-1].principal + plan[-1].interest == 30_322
    )
    assert plan[0].due.isoformat() == "2026-04-02"
    assert any("is disbursed" in t for t in sent_to(app, "bella"))
    assert any("now earns interest" in t for t in sent_to(app, "igor"))


def test_approving_the_full_review_twice_disburses_once(app: App) -> None:
    loan = full(app)
    app.lending.approve_full(loan.id, by="risk-1")
    again = app.lending.approve_full(loan.id, by="risk-1")

    assert again.status is LoanStatus.REPAYING
    assert available(app, "bella") == 100_000 + AMOUNT - AMOUNT * 200 // 10_000
    assert len(app.lending.installments(loan.id)) == 18


def test_a_refusal_at_the_full_review_releases_every_investment_and_tells_everyone(app: App) -> None:
    loan = full(app)
    refused = app.lending.refuse_full(loan.id, by="risk-1", reason="borrower's income fell")

    assert refused.status is LoanStatus.REFUSED
    assert [available(app, i) for i in ("ivan", "iris", "igor")] == [1_000_000] * 3
    assert [frozen(app, i) for i in ("ivan", "iris", "igor")] == [0, 0, 0]
    assert {i.status for i in app.lending.investments(loan.id)} == {InvestmentStatus.RELEASED}
    assert app.lending.installments(loan.id) == [] and available(app, "bella") == 100_000
    assert any("refused at its full review" in t for t in sent_to(app, "ivan"))
    assert any("borrower's income fell" in t for t in sent_to(app, "bella"))


@pytest.mark.parametrize("decision", ["approve", "refuse"])
def test_at_the_full_review_each_investor_is_told_once_of_their_own_amount(app: App, decision: str) -> None:
    loan = full(app)
    before = {i: Counter(sent_to(app, i)) for i in ("ivan", "iris", "igor")}
    if decision == "approve":
        app.lending.approve_full(loan.id, by="risk-1")
    else:
        app.lending.refuse_full(loan.id, by="risk-1", reason="borrower's income fell")

    key = "loan.lent" if decision == "approve" else "loan.refused"
    for investment in app.lending.investments(loan.id):
        told = Counter(sent_to(app, investment.investor_id)) - before[investment.investor_id]
        assert told == Counter([render(key, "en", id=loan.id, amount=Money(investment.amount))])


# -- failed listing (流标) -------------------------------------------------------------------------------


def test_a_loan_not_full_by_its_deadline_fails_and_every_investment_is_released(
    app: App, clock: ManualClock
) -> None:
    loan = listed(app)
    app.lending.invest(loan.id, investor_id="ivan", amount=100_000)
    app.lending.invest(loan.id, investor_id="iris", amount=50_000)

    clock.advance(timedelta(days=3) - timedelta(seconds=1))
    assert app.lending.fail_unfunded() == 0
    clock.advance(timedelta(seconds=1))
    with pytest.raises(Refused, match="not open for bidding"):
        app.lending.invest(loan.id, investor_id="igor", amount=5_000)
    assert app.lending.fail_unfunded() == 1
    assert app.lending.fail_unfunded() == 0

    assert app.lending.get(loan.id).status is LoanStatus.FAILED
    assert (available(app, "ivan"), frozen(app, "ivan")) == (1_000_000, 0)
    assert (available(app, "iris"), frozen(app, "iris")) == (1_000_000, 0)
    assert any("not fully funded in time" in t for t in sent_to(app, "ivan"))
    assert any("withdrawn" in t for t in sent_to(app, "bella"))
    assert app.lending.hall() == []


def test_the_jobs_run_fails_unfunded_loans(app: App, clock: ManualClock) -> None:
    loan = listed(app)
    app.lending.invest(loan.id, investor_id="ivan", amount=100_000)
    move_to(clock, START + timedelta(days=4), 1)
    run_jobs(app)
    assert app.lending.get(loan.id).status is LoanStatus.FAILED and frozen(app, "ivan") == 0


def test_a_product_cannot_offer_terms_no_schedule_can_be_drawn_for(app: App) -> None:
    with pytest.raises(InvalidInput, match="at most 360 months"):
        attrs.evolve(PERSONAL, months_max=361)
