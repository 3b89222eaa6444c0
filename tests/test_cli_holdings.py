"""``p2pstock jobs holdings --month``: the investors' monthly summary of an ended month sent by hand, each
investor told once however often it runs; a month that has not ended is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import bootstrap
from p2pstock.cli import main
from p2pstock.core.lending.products import LoanProduct
from p2pstock.core.lending.schedules import Method
from p2pstock.core.money import Money
from p2pstock.core.papers import LENDING_RISK
from p2pstock.core.people.customers import Customer, KycStatus
from sample_documents import png

pytestmark = pytest.mark.usefixtures("operator_shell")

PRODUCT = LoanProduct(
    code="personal",
    version=1,
    name="个人信用借款",
    amount_min=100_000,
    amount_max=10_000_000,
    months_min=1,
    months_max=12,
    rate_min_bp=600,
    rate_max_bp=2_400,
    methods=(Method.EQUAL_INSTALLMENTS,),
    bidding_days_max=3,
    interest_fee_bp=1_000,
)
STAFF = {"root": "super_admin", "reviewer-1": "reviewer", "reviewer-2": "reviewer", "risk-1": "risk_officer"}


def a_repaid_installment_in_april() -> None:
    """In the CLI's embedded database: Bella's ¥5,000 over 12 months, held by Ivan and Iris since 2 March,
    its first installment repaid on 2 April."""
    clock = ManualClock(datetime(2026, 3, 2, 2, tzinfo=UTC))
    app = bootstrap(clock=clock)
    for admin_id, role in STAFF.items():
        app.staff.enrol_by_operator(admin_id, [role])
    app.loan_products.define(PRODUCT, by="root")
    for n, customer_id in enumerate(("bella", "ivan", "iris")):
        phone, money = f"+861380000{n:04d}", Money(500_000)
        customer = Customer(customer_id, 9000 + n, language="en", phone=phone, status=KycStatus.VERIFIED)
        app.office.run(lambda tx, c=customer: tx.uow.customers.add(c))
        app.papers.acknowledge(customer_id, LENDING_RISK)
        app.wallets.open(customer_id)
        app.wallets.confirm_deposit(customer_id, gateway="bank", transaction_id=customer_id, amount=money)
    document = app.customers.upload_document("bella", "house_certificate", png("house certificate"))
    app.kyc.accept_document(document.id, by="reviewer-1")
    loan = app.lending.apply(
        "bella",
        product="personal",
        amount=500_000,
        months=12,
        rate_bp=1_200,
        method=Method.EQUAL_INSTALLMENTS,
        purpose="shop",
        documents=[document.id],
        bidding_days=3,
    )
    app.lending.first_review(loan.id, by="reviewer-1")
    app.lending.final_review(loan.id, by="reviewer-2")
    app.lending.invest(loan.id, investor_id="ivan", amount=300_000)
    app.lending.invest(loan.id, investor_id="iris", amount=200_000)
    app.lending.approve_full(loan.id, by="risk-1")
    clock.set(datetime(2026, 4, 2, 1, tzinfo=UTC))
    app.lending.repay(loan.id, customer_id="bella", request_id="first")
    app.close()


def test_jobs_holdings_tells_each_investor_of_a_month_once(capsys: pytest.CaptureFixture[str]) -> None:
    a_repaid_installment_in_april()

    assert main(["jobs", "holdings", "--month", "2026-04"]) == 0
    assert main(["jobs", "holdings", "--month", "2026-04"]) == 0

    first, again = capsys.readouterr().out.splitlines()
    assert first == "investors told the holdings summary of 2026-04: 2"
    assert again == "investors told the holdings summary of 2026-04: 0"


def test_jobs_holdings_refuses_a_month_that_has_not_ended(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jobs", "holdings", "--month", "2999-01"]) == 1
    assert "refused: 2999-01 has not ended" in capsys.readouterr().err
