"""The state the lending benchmark starts from, built through the library.

``platform`` enrols the staff (an administrator holding ``super_admin``, two reviewers and a risk
officer), defines the ``bench.personal`` loan product and registers the borrower: verified, with a
qualification document uploaded and accepted. ``investors`` adds verified customers on the bot with
verified phones and funded wallets, ``batch`` per transaction. ``listed_loan`` applies for a loan and
passes its first and final review (two reviewers). ``fill`` invests equal shares in a listed loan, each
investment the core step ``bidding.invest`` that ``Lending.invest`` runs, ``batch`` per transaction
(``Backoffice.run``): the same rows, holds, audit records and messages as one service call each, with
fewer commits. ``Lending.approve_full`` (the risk officer's full review) then disburses the loan.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

from PIL import Image

from p2pstock.bootstrap import App
from p2pstock.core.backoffice import Tx
from p2pstock.core.ledger import chart
from p2pstock.core.lending import bidding
from p2pstock.core.lending.loans import Investment, Loan
from p2pstock.core.lending.products import LoanProduct
from p2pstock.core.lending.schedules import Method
from p2pstock.core.money import Money
from p2pstock.core.papers import LENDING_RISK, Acknowledgement
from p2pstock.core.people.customers import Customer, KycStatus

PRODUCT = LoanProduct(
    code="bench.personal",
    version=1,
    name="个人信用借款",
    amount_min=100_000,
    amount_max=1_000_000_000,
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
"""¥1,000 to ¥10,000,000 over 1–36 months at 6–24 %; bids from ¥50 in ¥1 steps; a 2 % listing fee and
10 % of the investors' interest."""
RATE_BP, MONTHS = 1_200, 12
"""Every benchmark loan: 12 % a year over 12 months, equal installments."""

ADMIN = "bench-admin"
REVIEWERS = ("bench-reviewer-1", "bench-reviewer-2")
RISK_OFFICER = "bench-risk"
BORROWER = "bench-borrower"


def _png() -> bytes:
    """A small PNG that decodes (uploads must)."""
    out = io.BytesIO()
    Image.new("RGB", (32, 20), (200, 200, 200)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()

START = date(2026, 3, 2)
"""Monday: the loans are applied for, listed, filled and disbursed on it (the clock reads 10:00)."""


def shanghai(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def investor_id(i: int) -> str:
    return f"bi{i:06d}"


def platform(app: App) -> None:
    """Staff, the product and the borrower with an accepted qualification document."""
    app.staff.enrol_by_operator(ADMIN, ["super_admin"])
    for reviewer in REVIEWERS:
        app.staff.enrol_by_operator(reviewer, ["reviewer"])
    app.staff.enrol_by_operator(RISK_OFFICER, ["risk_officer"], telegram_user_id=9_000_001)
    app.loan_products.define(PRODUCT, by=ADMIN)
    app.office.run(lambda tx: tx.uow.customers.add(_verified(BORROWER, 8_999_999, tx.now)))
    app.wallets.open(BORROWER)


def _verified(customer_id: str, n: int, now: int) -> Customer:
    return Customer(
        customer_id,
        telegram_user_id=8_000_000 + n,
        language="zh",
        phone=f"+86138{n:08d}",
        real_name="李四",
        status=KycStatus.VERIFIED,
        created_at=now,
    )


def investors(app: App, count: int, wallet: int, batch: int) -> list[str]:
    """``count`` verified customers (``bi000000`` …) with ``wallet`` fen each, ``batch`` per transaction
    who accepted the lender's risk disclosure (four service calls each otherwise: register, accept, open the
    wallet, confirm a deposit)."""
    ids = [investor_id(i) for i in range(count)]
    for start in range(0, count, batch):
        chunk = ids[start : start + batch]

        def add(tx: Tx, chunk: list[str] = chunk) -> None:
            for cid in chunk:
                tx.uow.customers.add(_verified(cid, int(cid[2:]), tx.now))
                tx.uow.acknowledgements.add(
                    Acknowledgement(cid, LENDING_RISK.name, LENDING_RISK.version, tx.now)
                )
                app.ledger.create_accounts_in(tx.uow.ledger, [chart.wallet(cid)])
                app.wallets.credit_deposit(
                    tx, cid, gateway="bank", transaction_id=f"{cid}-seed", amount=Money(wallet)
                )

        app.office.run(add)
    return ids


def listed_loan(app: App, amount: int) -> Loan:
    """A loan of ``amount`` fen applied for by the borrower and listed for three days of bidding."""
    document = app.customers.upload_document(BORROWER, "house_certificate", PNG)
    app.kyc.accept_document(document.id, by=REVIEWERS[0])
    loan = app.lending.apply(
        BORROWER,
        product=PRODUCT.code,
        amount=amount,
        months=MONTHS,
        rate_bp=RATE_BP,
        method=Method.EQUAL_INSTALLMENTS,
        purpose="shop renovation",
        documents=[document.id],
        bidding_days=3,
    )
    app.lending.first_review(loan.id, by=REVIEWERS[0])
    return app.lending.final_review(loan.id, by=REVIEWERS[1])


def fill(app: App, loan: Loan, holders: list[str], share: int, batch: int) -> list[Investment]:
    """Each of ``holders`` invests ``share`` in ``loan`` (``bidding.invest``, ``batch`` per transaction)."""
    desk = app.lending.desk
    made: list[Investment] = []
    for start in range(0, len(holders), batch):
        chunk = holders[start : start + batch]

        def invest(tx: Tx, chunk: list[str] = chunk) -> list[Investment]:
            return [bidding.invest(desk, tx, loan.id, holder, share) for holder in chunk]

        made += app.office.run(invest)
    return made
