"""A platform ready for lending: a loan product, a verified borrower with accepted qualifications and
verified investors with money in their wallets; and the checks every lending test ends with."""

from __future__ import annotations

from datetime import date

from allocation_world import assert_books_hold, available, balance_of, credit, frozen, move_to

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.ledger import chart
from p2pstock.core.lending.loans import Loan
from p2pstock.core.lending.products import LoanProduct
from p2pstock.core.lending.schedules import Method
from p2pstock.core.papers import LENDING_RISK
from p2pstock.core.people.customers import Customer, KycStatus
from sample_documents import png

__all__ = ["assert_books_hold", "available", "credit", "frozen", "move_to"]

PERSONAL = LoanProduct(
    code="personal",
    version=1,
    name="个人信用借款",
    amount_min=100_000,
    amount_max=100_000_000,
    months_min=1,
    months_max=36,
    rate_min_bp=600,
    rate_max_bp=2_400,
    methods=(Method.EQUAL_INSTALLMENTS, Method.EQUAL_PRINCIPAL, Method.INTEREST_ONLY, Method.BULLET),
    min_bid=5_000,
    bid_step=100,
    bidding_days_max=7,
    listing_fee_bp=200,
    interest_fee_bp=1_000,
    early_fee_bp=100,
)
"""Up to ¥1,000,000 over 1–36 months at 6–24 %; bids from ¥50 in ¥1 steps; 2 % listing fee, 10 % of
investors' interest, 1 % of the outstanding principal for repaying early."""

AMOUNT = 500_000
"""The reference loan: ¥5,000 at 12 % over 18 months, equal installments."""
PNG = png("house certificate scan")
START = date(2026, 3, 2)
INVESTORS = ("ivan", "iris", "igor")


def verified(app: App, customer_id: str, *, wallet: int = 0, telegram: int | None = None) -> Customer:
    customer = Customer(
        customer_id,
        telegram_user_id=telegram,
        language="en",
        phone=f"+86138{abs(hash(customer_id)) % 10**8:08d}",
        real_name="王小明" if customer_id == "bella" else "李四",
        status=KycStatus.VERIFIED,
    )
    app.office.run(lambda tx: tx.uow.customers.add(customer))
    app.papers.acknowledge(customer_id, LENDING_RISK)
    app.wallets.open(customer_id)
    if wallet:
        credit(app, customer_id, wallet, f"{customer_id}-start")
    return customer


def open_lending(app: App, clock: ManualClock) -> None:
    """The product, the borrower Bella and three investors, at 10:00 on ``START``."""
    move_to(clock, START, 10)
    app.loan_products.define(PERSONAL, by="root")
    verified(app, "bella", wallet=100_000, telegram=8001)
    for i, investor in enumerate(INVESTORS):
        verified(app, investor, wallet=1_000_000, telegram=9001 + i)


def qualification(app: App, customer_id: str = "bella", *, accept: bool = True) -> str:
    document = app.customers.upload_document(
        customer_id, "house_certificate", png(f"house certificate scan {customer_id}")
    )
    if accept:
        app.kyc.accept_document(document.id, by="reviewer-1")
    return document.id


def applied(
    app: App, *, amount: int = AMOUNT, method: Method = Method.EQUAL_INSTALLMENTS, months: int = 18
) -> Loan:
    return app.lending.apply(
        "bella",
        product="personal",
        amount=amount,
        months=months,
        rate_bp=1_200,
        method=method,
        purpose="shop renovation",
        documents=[qualification(app)],
        bidding_days=3,
    )


def listed(app: App, **terms: object) -> Loan:
    loan = applied(app, **terms)
    app.lending.first_review(loan.id, by="reviewer-1")
    return app.lending.final_review(loan.id, by="reviewer-2")


def full(app: App, **terms: object) -> Loan:
    """A listed loan filled by Ivan (half), Iris (three tenths) and Igor (the rest)."""
    loan = listed(app, **terms)
    half, part = loan.amount // 2, loan.amount * 3 // 10
    app.lending.invest(loan.id, investor_id="ivan", amount=half)
    app.lending.invest(loan.id, investor_id="iris", amount=part)
    app.lending.invest(loan.id, investor_id="igor", amount=loan.amount - half - part)
    return app.lending.get(loan.id)


def escrow(app: App, loan: Loan) -> int:
    """What the loan's escrow account holds (posted credits less debits)."""
    return balance_of(app, chart.loan_escrow_id(loan.id))
