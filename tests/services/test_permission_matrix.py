"""Who may call which administrative service: every call × every default role, a customer and an unknown
id, each cell on fresh storage, compared with one grid written out below. A denied call changes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import attrs
import pytest

from agreement_sketch import Sketch
from conftest import HOLIDAY_SOURCES, TEST_ENCRYPTION_KEY
from p2pstock.adapters.clock import ManualClock
from p2pstock.adapters.documents import MemoryDocumentStore
from p2pstock.adapters.memory import MemoryUnitOfWorkFactory
from p2pstock.adapters.payments import callback_body, sign
from p2pstock.adapters.payments.sandbox import process_secret
from p2pstock.bootstrap import App, bootstrap
from p2pstock.config import Settings
from p2pstock.core.allocation.allocations import Status
from p2pstock.core.allocation.products import LeverageRate, Mode, Product
from p2pstock.core.allocation.statuses import Figures
from p2pstock.core.backoffice import Tx
from p2pstock.core.catalog_file import catalog_text
from p2pstock.core.lending.loans import LoanStatus
from p2pstock.core.lending.products import LoanProduct
from p2pstock.core.lending.schedules import Method
from p2pstock.core.money import CNY, Money
from p2pstock.core.papers import ALLOCATION_RISK, LENDING_RISK
from p2pstock.core.payments import PaymentCallback
from p2pstock.core.people.customers import Customer, KycStatus
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import PermissionDenied
from sample_documents import png

ACTORS = {
    "super_admin": "root",
    "reviewer": "reviewer-1",
    "risk_officer": "risk-1",
    "finance": "finance-2",
    "support": "support-1",
    "customer": "alice",
    "unknown": "nobody",
}
"""Who acts in each column: an administrator of each default role, a registered customer, an unknown id."""

ROSTER = {
    "root": "super_admin",
    "root-2": "super_admin",
    "reviewer-1": "reviewer",
    "reviewer-2": "reviewer",
    "risk-1": "risk_officer",
    "finance-1": "finance",
    "finance-2": "finance",
    "support-1": "support",
}
"""The administrators of the memory apps the matrix builds (the ``app`` fixture enrols the same)."""

CUSTOMER = "alice"
PHONE = "+8613800138000"
RESIDENT_ID = "11010519491231002X"
PNG = png("id card")

FOLLOWING = {"super_admin", "reviewer", "risk_officer", "finance"}
"""Any permission on allocations lets an administrator read them."""

LOAN_REVIEWERS = {"super_admin", "reviewer", "risk_officer"}
"""Either lending permission (``loan.review``, ``loan.full_review``) lets an administrator read the queue."""

EXPECTED: dict[str, set[str]] = {
    "KycReview.pending_documents": {"super_admin", "reviewer"},
    "KycReview.document_content": {"super_admin", "reviewer"},
    "KycReview.accept_document": {"super_admin", "reviewer"},
    "KycReview.reject_document": {"super_admin", "reviewer"},
    "KycReview.identities_to_review": {"super_admin", "reviewer"},
    "KycReview.verify_identity": {"super_admin", "reviewer"},
    "KycReview.reject_identity": {"super_admin", "reviewer"},
    "Customers.named": {"super_admin", "reviewer", "risk_officer", "finance", "support"},
    "Approvals.consequences[withdrawal.approve]": {"super_admin", "finance"},
    "Wallets.approve_withdrawal": {"super_admin", "finance"},
    "Wallets.reject_withdrawal": {"super_admin", "finance"},
    "Wallets.withdrawal_queue": {"super_admin", "finance"},
    "PlatformStatistics.overview": {"super_admin", "reviewer", "risk_officer", "finance", "support"},
    "CustomerPages.search": {"super_admin", "reviewer", "risk_officer", "finance", "support"},
    "CustomerPages.page": {"super_admin", "reviewer", "risk_officer", "finance", "support"},
    "Dashboard.figures": {"super_admin", "risk_officer"},
    "ProductCatalog.define": {"super_admin"},
    "ProductCatalog.withdraw": {"super_admin"},
    "ProductCatalog.catalogue": {"super_admin"},
    "ProductFiles.publish": {"super_admin"},
    "ProductFiles.export": {"super_admin"},
    "TradingDays.set_override": {"super_admin", "risk_officer"},
    "TradingDays.clear_override": {"super_admin", "risk_officer"},
    "TradingDays.load_year": {"super_admin", "risk_officer"},
    "Staff.administrators": {"super_admin"},
    "Staff.appoint": {"super_admin"},
    "Staff.change_roles": {"super_admin"},
    "Staff.deactivate": {"super_admin"},
    "Staff.define_role": {"super_admin"},
    "Approvals.approve[withdrawal.approve]": {"super_admin", "finance"},
    "Approvals.reject[withdrawal.approve]": {"super_admin", "finance"},
    "Approvals.approve[role.manage]": {"super_admin"},
    "Approvals.reject[role.manage]": {"super_admin"},
    "AuditTrail.records": {"super_admin", "risk_officer", "finance"},
    "AuditTrail.verify_as": {"super_admin", "risk_officer", "finance"},
    "Allocations.record_call": {"super_admin", "reviewer"},
    "Allocations.confirm": {"super_admin", "reviewer"},
    "Allocations.reject": {"super_admin", "reviewer"},
    "Allocations.assign_account": {"super_admin", "finance"},
    "Allocations.record_status": {"super_admin", "risk_officer"},
    "Allocations.import_statement": {"super_admin", "risk_officer"},
    "Allocations.settle": {"super_admin", "risk_officer"},
    "Allocations.decide[top_up]": {"super_admin", "reviewer"},
    "Allocations.decide[termination]": {"super_admin", "risk_officer"},
    "Allocations.queue": FOLLOWING,
    "Allocations.pending_requests": FOLLOWING,
    "Allocations.timeline": FOLLOWING,
    "Allocations.stress": {"super_admin", "risk_officer"},
    "CapitalPool.fund": {"super_admin", "finance"},
    "CapitalPool.take_out": {"super_admin", "finance"},
    "CapitalPool.position": {"super_admin", "reviewer", "risk_officer", "finance", "support"},
    "Approvals.approve[allocation.settle]": {"super_admin", "risk_officer"},
    "Approvals.reject[allocation.settle]": {"super_admin", "risk_officer"},
    "LoanCatalog.define": {"super_admin"},
    "LoanCatalog.withdraw": {"super_admin"},
    "LoanCatalog.catalogue": {"super_admin"},
    "Lending.queue": LOAN_REVIEWERS,
    "Lending.first_review": {"super_admin", "reviewer"},
    "Lending.final_review": {"super_admin", "reviewer"},
    "Lending.reject": {"super_admin", "reviewer"},
    "Lending.approve_full": {"super_admin", "risk_officer"},
    "Lending.refuse_full": {"super_admin", "risk_officer"},
    "Lending.figures": {"super_admin", "reviewer", "risk_officer", "finance", "support"},
    "Guarantee.fund_reserve": {"super_admin", "finance"},
    "Guarantee.figures": {"super_admin", "reviewer", "risk_officer", "finance", "support"},
    "Guarantee.write_off": {"super_admin", "risk_officer"},
    "Approvals.consequences[loan.write_off]": {"super_admin", "risk_officer"},
    "Approvals.approve[loan.write_off]": {"super_admin", "risk_officer"},
    "Payments.to_resolve": {"super_admin", "finance"},
    "Payments.resolve": {"super_admin", "finance"},
    "Approvals.approve[payment.resolve]": {"super_admin", "finance"},
    "Approvals.reject[payment.resolve]": {"super_admin", "finance"},
}
"""Action → the columns allowed to call it; every other column must get ``PermissionDenied``."""


# -- preconditions: each answers the id the call is about


def registered(app: App) -> str:
    return app.customers.register(customer_id=CUSTOMER, language="en").id


PRODUCT = Product(
    code="daily.basic",
    version=1,
    name="daily",
    mode=Mode.DAILY,
    rates=(LeverageRate(5, 600),),
    deposit_min=100_000,
    deposit_max=10_000_000,
    deposit_step=100_000,
    term_min=2,
    term_max=30,
)


def with_product(app: App) -> str:
    """A product on the rate table, defined by a super administrator."""
    app.products.define(PRODUCT, by="root")
    return registered(app)


PRODUCT_FILE = catalog_text([attrs.evolve(PRODUCT, code="daily.file")])
"""A product file defining one allocation product."""
CLOSED_DAY = date(2026, 9, 16)


def with_override(app: App) -> str:
    """A day the calendar closes by an administrator's override."""
    app.trading_days.set_override(CLOSED_DAY, trades=False, reason="closed", by="root")
    return registered(app)


def uploaded_document(app: App) -> str:
    registered(app)
    return app.customers.upload_document(CUSTOMER, "id_card_front", PNG).id


def submitted_identity(app: App) -> str:
    """A customer whose identity waits for review, with both sides of the ID card accepted."""
    registered(app)
    app.customers.request_phone_code(CUSTOMER, PHONE)
    text = app.office.read(lambda tx: tx.uow.outbox.of_recipient(PHONE, 10))[-1].text
    code = re.search(r"code is (\d+)", text)
    assert code is not None, text
    app.customers.confirm_phone(CUSTOMER, PHONE, code.group(1))
    app.customers.submit_identity(CUSTOMER, "张三", RESIDENT_ID)
    for n, kind in enumerate(["id_card_front", "id_card_back"]):
        document = app.customers.upload_document(CUSTOMER, kind, png(f"id card {n}"))
        app.kyc.accept_document(document.id, by="reviewer-2")
    return CUSTOMER


def pending_withdrawal(app: App) -> str:
    """A withdrawal below the four-eyes threshold, frozen and waiting for a decision."""
    registered(app)
    app.wallets.open(CUSTOMER)
    app.wallets.confirm_deposit(CUSTOMER, gateway="bank", transaction_id="t1", amount=Money(100_000, CNY))
    return app.wallets.request_withdrawal(CUSTOMER, request_id="w1", amount=Money(10_000, CNY)).id


def withdrawal_request(app: App) -> str:
    """An approval request for a large withdrawal, opened by finance-1."""
    registered(app)
    app.wallets.open(CUSTOMER)
    app.wallets.confirm_deposit(CUSTOMER, gateway="bank", transaction_id="t1", amount=Money(10_000_000, CNY))
    app.wallets.request_withdrawal(CUSTOMER, request_id="w-big", amount=Money(6_000_000, CNY))
    request = app.wallets.approve_withdrawal("w-big", by="finance-1")
    assert isinstance(request, ApprovalRequest)
    return request.id


def role_request(app: App) -> str:
    """An approval request for an appointment, opened by root-2."""
    registered(app)
    request = app.staff.appoint("newbie", ["support"], by="root-2")
    assert isinstance(request, ApprovalRequest)
    return request.id


def paid_allocation(app: App) -> str:
    """A verified customer's allocation, fully paid and waiting for review; the pool funded."""
    app.products.define(PRODUCT, by="root")
    app.capital.fund(100_000_000, reference="seed", by="root")
    verified = Customer(CUSTOMER, language="en", phone=PHONE, status=KycStatus.VERIFIED)
    app.office.run(lambda tx: tx.uow.customers.add(verified))
    app.papers.acknowledge(verified.id, ALLOCATION_RISK)
    app.wallets.open(CUSTOMER)
    app.wallets.confirm_deposit(CUSTOMER, gateway="bank", transaction_id="t1", amount=Money(5_000_000, CNY))
    allocation = app.allocations.apply(CUSTOMER, product="daily.basic", deposit=1_000_000, leverage=5, term=5)
    return app.allocations.pay(allocation.id, "deposit", customer_id=CUSTOMER).id


def called_allocation(app: App) -> str:
    allocation = paid_allocation(app)
    app.allocations.record_call(allocation, by="reviewer-2", outcome="confirmed")
    return allocation


def confirmed_allocation(app: App) -> str:
    allocation = called_allocation(app)
    return app.allocations.confirm(allocation, by="reviewer-2").id


def running_allocation(app: App) -> str:
    allocation = confirmed_allocation(app)
    return app.allocations.assign_account(allocation, by="finance-1", sub_account="S-1", password="pw").id


def side_request(kind: str) -> Setup:
    def setup(app: App) -> str:
        allocation = running_allocation(app)
        return app.allocations.ask(allocation, kind, customer_id=CUSTOMER, amount=10_000).id

    return setup


def settlement_request(app: App) -> str:
    """An approval request for a settlement, opened by root-2."""
    request = app.allocations.settle(running_allocation(app), final_assets=6_000_000, by="root-2")
    assert isinstance(request, ApprovalRequest)
    return request.id


LOAN_PRODUCT = LoanProduct(
    code="personal",
    version=1,
    name="personal",
    amount_min=100_000,
    amount_max=10_000_000,
    months_min=1,
    months_max=36,
    rate_min_bp=600,
    rate_max_bp=2_400,
    methods=(Method.EQUAL_INSTALLMENTS,),
    listing_fee_bp=200,
)
LOAN_AMOUNT = 500_000
INVESTORS = ("ivan", "iris")


def with_loan_product(app: App) -> str:
    """A loan product on offer, defined by a super administrator."""
    app.loan_products.define(LOAN_PRODUCT, by="root")
    return registered(app)


def verified_customer(app: App, customer_id: str, phone: str, *, wallet: int = 0) -> None:
    """A verified customer with an open wallet holding ``wallet`` fen, who accepted the lender's risk
    disclosure."""
    customer = Customer(customer_id, language="en", phone=phone, status=KycStatus.VERIFIED)
    app.office.run(lambda tx: tx.uow.customers.add(customer))
    app.papers.acknowledge(customer_id, LENDING_RISK)
    app.wallets.open(customer_id)
    if wallet:
        app.wallets.confirm_deposit(
            customer_id, gateway="bank", transaction_id=f"{customer_id}-t1", amount=Money(wallet, CNY)
        )


def applied_loan(app: App) -> str:
    """A verified borrower's application resting on a house certificate accepted by reviewer-2."""
    app.loan_products.define(LOAN_PRODUCT, by="root")
    verified_customer(app, CUSTOMER, PHONE)
    document = app.customers.upload_document(CUSTOMER, "house_certificate", PNG)
    app.kyc.accept_document(document.id, by="reviewer-2")
    loan = app.lending.apply(
        CUSTOMER,
        product="personal",
        amount=LOAN_AMOUNT,
        months=18,
        rate_bp=1_200,
        method=Method.EQUAL_INSTALLMENTS,
        purpose="shop renovation",
        documents=[document.id],
        bidding_days=3,
    )
    return loan.id


def first_reviewed_loan(app: App) -> str:
    """An application through its first review, made by reviewer-2."""
    loan = applied_loan(app)
    return app.lending.first_review(loan, by="reviewer-2").id


def full_loan(app: App) -> str:
    """A loan listed by root-2 and filled by two verified investors: it awaits its full review."""
    loan = first_reviewed_loan(app)
    app.lending.final_review(loan, by="root-2")
    for n, investor in enumerate(INVESTORS):
        verified_customer(app, investor, f"+861390000000{n}", wallet=LOAN_AMOUNT)
    app.lending.invest(loan, investor_id="ivan", amount=300_000)
    app.lending.invest(loan, investor_id="iris", amount=LOAN_AMOUNT - 300_000)
    assert app.lending.get(loan).status is LoanStatus.FULL
    return loan


def loan_past_m3(app: App) -> str:
    """A loan disbursed by risk-1, nothing of it repaid 130 days on (past M3)."""
    loan = full_loan(app)
    app.lending.approve_full(loan, by="risk-1")
    clock = app.office.clock
    assert isinstance(clock, ManualClock)
    clock.advance(days=130)
    return loan


def write_off_request(app: App) -> str:
    """An approval request to write a loan past M3 off, opened by root-2."""
    request = app.guarantee.write_off(loan_past_m3(app), by="root-2", reason="borrower unreachable")
    assert isinstance(request, ApprovalRequest)
    return request.id


def held_payment(app: App) -> str:
    """A deposit order of ¥100.00 the sandbox gateway reported paid with ¥90.00: held for resolution."""
    registered(app)
    app.wallets.open(CUSTOMER)
    link = app.payments.start_deposit(CUSTOMER, Money(10_000, CNY))
    body = callback_body(PaymentCallback(link.order_id, "T-1", 9_000, "CNY"))
    app.payments.confirm("sandbox", sign(process_secret(), app.payments.now() // 1_000_000, body), body)
    return link.order_id


def resolution_request(app: App) -> str:
    """An approval request to credit a held payment, opened by root-2."""
    request = app.payments.resolve(held_payment(app), "credit", by="root-2", reason="¥90 arrived")
    assert isinstance(request, ApprovalRequest)
    return request.id


STATEMENT = (
    "sub_account,trade_date,total_assets,market_value,cash_available,cash_frozen,cash_withdrawable,"
    "daily_pnl,floating_pnl\nS-1,2026-01-05,60000.00,50000.00,10000.00,0,0,0,0\n"
)


Setup = Callable[[App], str]
Call = Callable[[App, str, str], object]
"""Calls the service as ``by`` (the last argument) about the id the setup answered."""

CALLS: dict[str, tuple[Setup, Call]] = {
    "KycReview.pending_documents": (uploaded_document, lambda app, _, by: app.kyc.pending_documents(by=by)),
    "KycReview.document_content": (
        uploaded_document,
        lambda app, document, by: app.kyc.document_content(document, by=by),
    ),
    "KycReview.accept_document": (
        uploaded_document,
        lambda app, document, by: app.kyc.accept_document(document, by=by),
    ),
    "KycReview.reject_document": (
        uploaded_document,
        lambda app, document, by: app.kyc.reject_document(document, by=by, reason="too blurry"),
    ),
    "KycReview.identities_to_review": (
        submitted_identity,
        lambda app, _, by: app.kyc.identities_to_review(by=by),
    ),
    "KycReview.verify_identity": (
        submitted_identity,
        lambda app, customer, by: app.kyc.verify_identity(customer, by=by),
    ),
    "KycReview.reject_identity": (
        submitted_identity,
        lambda app, customer, by: app.kyc.reject_identity(customer, by=by, reason="name does not match"),
    ),
    "Customers.named": (registered, lambda app, customer, by: app.customers.named([customer], by=by)),
    "Approvals.consequences[withdrawal.approve]": (
        withdrawal_request,
        lambda app, request, by: app.approvals.consequences(request, by=by),
    ),
    "Wallets.approve_withdrawal": (
        pending_withdrawal,
        lambda app, withdrawal, by: app.wallets.approve_withdrawal(withdrawal, by=by),
    ),
    "Wallets.reject_withdrawal": (
        pending_withdrawal,
        lambda app, withdrawal, by: app.wallets.reject_withdrawal(withdrawal, by=by, reason="unusual"),
    ),
    "Staff.administrators": (registered, lambda app, _, by: app.staff.administrators(by=by)),
    "Staff.appoint": (registered, lambda app, _, by: app.staff.appoint("newbie", ["reviewer"], by=by)),
    "Staff.change_roles": (
        registered,
        lambda app, _, by: app.staff.change_roles("support-1", ["reviewer"], by=by),
    ),
    "Staff.deactivate": (registered, lambda app, _, by: app.staff.deactivate("support-1", by=by)),
    "Staff.define_role": (
        registered,
        lambda app, _, by: app.staff.define_role("auditor", ["audit.view"], by=by),
    ),
    "Approvals.approve[withdrawal.approve]": (
        withdrawal_request,
        lambda app, request, by: app.approvals.approve(request, by=by),
    ),
    "Approvals.reject[withdrawal.approve]": (
        withdrawal_request,
        lambda app, request, by: app.approvals.reject(request, by=by, reason="not now"),
    ),
    "Approvals.approve[role.manage]": (
        role_request,
        lambda app, request, by: app.approvals.approve(request, by=by),
    ),
    "Approvals.reject[role.manage]": (
        role_request,
        lambda app, request, by: app.approvals.reject(request, by=by, reason="not now"),
    ),
    "AuditTrail.records": (registered, lambda app, _, by: app.audit.records(by=by)),
    "AuditTrail.verify_as": (registered, lambda app, _, by: app.audit.verify_as(by=by)),
    "Wallets.withdrawal_queue": (registered, lambda app, _, by: app.wallets.withdrawal_queue(by=by)),
    "PlatformStatistics.overview": (registered, lambda app, _, by: app.statistics.overview(by=by)),
    "CustomerPages.search": (registered, lambda app, _, by: app.customer_pages.search("alice", by=by)),
    "CustomerPages.page": (registered, lambda app, customer, by: app.customer_pages.page(customer, by=by)),
    "Dashboard.figures": (registered, lambda app, _, by: app.dashboard.figures(by=by)),
    "ProductCatalog.define": (registered, lambda app, _, by: app.products.define(PRODUCT, by=by)),
    "ProductCatalog.withdraw": (with_product, lambda app, _, by: app.products.withdraw("daily.basic", by=by)),
    "ProductCatalog.catalogue": (with_product, lambda app, _, by: app.products.catalogue(by=by)),
    "ProductFiles.publish": (registered, lambda app, _, by: app.product_files.publish(PRODUCT_FILE, by=by)),
    "ProductFiles.export": (with_product, lambda app, _, by: app.product_files.export(by=by)),
    "TradingDays.set_override": (
        registered,
        lambda app, _, by: app.trading_days.set_override(CLOSED_DAY, trades=False, reason="closed", by=by),
    ),
    "TradingDays.clear_override": (
        with_override,
        lambda app, _, by: app.trading_days.clear_override(CLOSED_DAY, by=by),
    ),
    "TradingDays.load_year": (
        registered,
        lambda app, _, by: app.trading_days.load_year("2031-01-01\n2031-02-10 ~ 2031-02-14", by=by),
    ),
    "Allocations.record_call": (
        paid_allocation,
        lambda app, allocation, by: app.allocations.record_call(allocation, by=by, outcome="no_answer"),
    ),
    "Allocations.confirm": (
        called_allocation,
        lambda app, allocation, by: app.allocations.confirm(allocation, by=by),
    ),
    "Allocations.reject": (
        paid_allocation,
        lambda app, allocation, by: app.allocations.reject(allocation, by=by, reason="unclear source"),
    ),
    "Allocations.assign_account": (
        confirmed_allocation,
        lambda app, allocation, by: app.allocations.assign_account(
            allocation, by=by, sub_account="S-2", password="pw"
        ),
    ),
    "Allocations.record_status": (
        running_allocation,
        lambda app, allocation, by: app.allocations.record_status(
            allocation, date(2026, 1, 5), Figures(6_000_000, 5_000_000, 1_000_000), by=by
        ),
    ),
    "Allocations.import_statement": (
        running_allocation,
        lambda app, _, by: app.allocations.import_statement(STATEMENT, by=by),
    ),
    "Allocations.settle": (
        running_allocation,
        lambda app, allocation, by: app.allocations.settle(allocation, final_assets=6_000_000, by=by),
    ),
    "Allocations.decide[top_up]": (
        side_request("top_up"),
        lambda app, request, by: app.allocations.decide(request, by=by, approve=True),
    ),
    "Allocations.decide[termination]": (
        side_request("termination"),
        lambda app, request, by: app.allocations.decide(request, by=by, approve=True),
    ),
    "Allocations.queue": (
        paid_allocation,
        lambda app, _, by: app.allocations.queue([Status.UNDER_REVIEW], by=by),
    ),
    "Allocations.pending_requests": (
        side_request("top_up"),
        lambda app, _, by: app.allocations.pending_requests(by=by),
    ),
    "Allocations.timeline": (
        paid_allocation,
        lambda app, allocation, by: app.allocations.timeline(allocation, by=by),
    ),
    "Allocations.stress": (registered, lambda app, _, by: app.allocations.stress([-1000], by=by)),
    "CapitalPool.fund": (registered, lambda app, _, by: app.capital.fund(1_000, reference="more", by=by)),
    "CapitalPool.position": (registered, lambda app, _, by: app.capital.position(by=by)),
    "CapitalPool.take_out": (
        paid_allocation,
        lambda app, _, by: app.capital.take_out(1_000, reference="less", by=by),
    ),
    "Approvals.approve[allocation.settle]": (
        settlement_request,
        lambda app, request, by: app.approvals.approve(request, by=by),
    ),
    "Approvals.reject[allocation.settle]": (
        settlement_request,
        lambda app, request, by: app.approvals.reject(request, by=by, reason="check the statement"),
    ),
    "LoanCatalog.define": (registered, lambda app, _, by: app.loan_products.define(LOAN_PRODUCT, by=by)),
    "LoanCatalog.catalogue": (registered, lambda app, _, by: app.loan_products.catalogue(by=by)),
    "LoanCatalog.withdraw": (
        with_loan_product,
        lambda app, _, by: app.loan_products.withdraw("personal", by=by),
    ),
    "Lending.queue": (
        applied_loan,
        lambda app, _, by: app.lending.queue([LoanStatus.APPLIED], by=by),
    ),
    "Lending.first_review": (
        applied_loan,
        lambda app, loan, by: app.lending.first_review(loan, by=by),
    ),
    "Lending.final_review": (
        first_reviewed_loan,
        lambda app, loan, by: app.lending.final_review(loan, by=by),
    ),
    "Lending.reject": (
        applied_loan,
        lambda app, loan, by: app.lending.reject(loan, by=by, reason="income not shown"),
    ),
    "Lending.approve_full": (full_loan, lambda app, loan, by: app.lending.approve_full(loan, by=by)),
    "Lending.refuse_full": (
        full_loan,
        lambda app, loan, by: app.lending.refuse_full(loan, by=by, reason="borrower unreachable"),
    ),
    "Lending.figures": (applied_loan, lambda app, _, by: app.lending.figures(by=by)),
    "Guarantee.fund_reserve": (
        with_loan_product,
        lambda app, _, by: app.guarantee.fund_reserve("personal", 1_000, reference="seed", by=by),
    ),
    "Guarantee.figures": (with_loan_product, lambda app, _, by: app.guarantee.figures(by=by)),
    "Guarantee.write_off": (
        loan_past_m3,
        lambda app, loan, by: app.guarantee.write_off(loan, by=by, reason="borrower unreachable"),
    ),
    "Approvals.consequences[loan.write_off]": (
        write_off_request,
        lambda app, request, by: app.approvals.consequences(request, by=by),
    ),
    "Approvals.approve[loan.write_off]": (
        write_off_request,
        lambda app, request, by: app.approvals.approve(request, by=by),
    ),
    "Payments.to_resolve": (held_payment, lambda app, _, by: app.payments.to_resolve(by=by)),
    "Payments.resolve": (
        held_payment,
        lambda app, order, by: app.payments.resolve(order, "refund", by=by, reason="returned"),
    ),
    "Approvals.approve[payment.resolve]": (
        resolution_request,
        lambda app, request, by: app.approvals.approve(request, by=by),
    ),
    "Approvals.reject[payment.resolve]": (
        resolution_request,
        lambda app, request, by: app.approvals.reject(request, by=by, reason="not what the bank shows"),
    ),
}


def snapshot(app: App) -> object:
    """Everything a call could change: the trail's head, the queues, staff, the customer, the customer's
    loans with their investments and installments, the loan products on offer, the ledger."""

    def read(tx: Tx) -> object:
        uow = tx.uow
        loans = uow.loans.of_borrower(CUSTOMER)
        return (
            loans,
            [(uow.investments.of_loan(loan.id), uow.installments.of_loan(loan.id)) for loan in loans],
            uow.loan_products.offered(),
            uow.audit.records(0, 1000),
            uow.approvals.pending(100),
            uow.withdrawals.list(None, 100),
            uow.staff.all(),
            uow.staff.custom_roles(),
            uow.customers.get(CUSTOMER),
            uow.documents.of_customer(CUSTOMER),
            uow.outbox.of_recipient(PHONE, 100),
            uow.allocations.of_customer(CUSTOMER),
            uow.side_requests.pending(100),
            uow.calendar_overrides.all(),
            uow.calendar_years.latest(),
            uow.products.newest(),
            uow.payments.of_customer(CUSTOMER, 100),
        )

    return app.office.read(read), app.ledger.trial_balance()


def attempt(app: App, action: str, actor: str) -> tuple[bool, bool]:
    """Set up ``action``'s preconditions, call it as ``actor``: (allowed, changed anything if denied)."""
    setup, call = CALLS[action]
    subject = setup(app)
    before = snapshot(app)
    try:
        call(app, subject, ACTORS[actor])
    except PermissionDenied:
        return False, snapshot(app) != before
    return True, False


def memory_app(tmp_path: Path) -> App:
    app = bootstrap(
        Settings(data_dir=tmp_path, encryption_key=TEST_ENCRYPTION_KEY),
        uow_factory=MemoryUnitOfWorkFactory(),
        clock=ManualClock(),
        documents=MemoryDocumentStore(),
        senders={},
        holidays=HOLIDAY_SOURCES,
    )
    app.contracts.printer = app.allocation_contracts.printer = Sketch()  # agreements are not what it checks
    for admin_id, role in ROSTER.items():
        app.staff.enrol_by_operator(admin_id, [role])
    return app


def test_the_table_covers_every_call_and_names_only_known_columns() -> None:
    assert EXPECTED.keys() == CALLS.keys()
    assert set().union(*EXPECTED.values()) <= ACTORS.keys()


def test_every_administrative_call_is_allowed_exactly_as_the_grid_says(tmp_path: Path) -> None:
    computed: dict[str, set[str]] = {}
    changed_when_denied: list[tuple[str, str]] = []
    for action in CALLS:
        computed[action] = set()
        for actor in ACTORS:
            allowed, changed = attempt(memory_app(tmp_path), action, actor)
            if allowed:
                computed[action].add(actor)
            if changed:
                changed_when_denied.append((action, actor))

    assert computed == EXPECTED
    assert changed_when_denied == []


SPOT_CHECKS = [
    ("KycReview.verify_identity", "reviewer"),
    ("KycReview.accept_document", "finance"),
    ("Wallets.approve_withdrawal", "finance"),
    ("Wallets.reject_withdrawal", "customer"),
    ("Staff.appoint", "super_admin"),
    ("Staff.define_role", "risk_officer"),
    ("Approvals.approve[withdrawal.approve]", "finance"),
    ("Approvals.reject[role.manage]", "finance"),
    ("AuditTrail.records", "risk_officer"),
    ("AuditTrail.verify_as", "unknown"),
    ("Lending.final_review", "reviewer"),
    ("Lending.approve_full", "reviewer"),
    ("Payments.resolve", "finance"),
    ("Payments.resolve", "risk_officer"),
]


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
@pytest.mark.parametrize(("action", "actor"), SPOT_CHECKS)
def test_the_grid_holds_on_sql_storage(app: App, action: str, actor: str) -> None:
    allowed, changed = attempt(app, action, actor)

    assert allowed is (actor in EXPECTED[action])
    assert changed is False


def test_the_spot_checks_cover_allowed_and_denied_cells() -> None:
    outcomes = {actor in EXPECTED[action] for action, actor in SPOT_CHECKS}
    assert outcomes == {True, False}
