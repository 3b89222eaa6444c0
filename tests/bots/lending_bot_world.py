"""A platform ready for lending in the bot: a loan product, a verified borrower (the harness's user 1001) and
two verified investors, and two reviewers and a risk officer on Telegram."""

from __future__ import annotations

from datetime import UTC, datetime

from bot_harness import BotHarness, button_data

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.lending.products import LoanProduct
from p2pstock.core.lending.schedules import Method
from p2pstock.core.money import Money
from p2pstock.core.papers import LENDING_RISK
from p2pstock.core.people.customers import Customer, KycStatus
from sample_documents import png

BORROWER, IVAN, IRIS = 1001, 2001, 2002
REVIEWER_1, REVIEWER_2, RISK = 7101, 7102, 7103
PNG = png("house certificate")
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
    methods=(Method.EQUAL_INSTALLMENTS, Method.BULLET),
    bidding_days_max=3,
    listing_fee_bp=200,
    interest_fee_bp=1_000,
)


def the_platform(app: App, clock: ManualClock) -> None:
    clock.set(datetime(2026, 3, 2, 2, tzinfo=UTC))  # 10:00 in Shanghai
    app.loan_products.define(PRODUCT, by="root")
    for customer_id, telegram, wallet in [
        ("bella", BORROWER, 100_000),
        ("ivan", IVAN, 1_000_000),
        ("iris", IRIS, 1_000_000),
    ]:
        a_customer(app, customer_id, telegram, wallet=wallet)
    for admin_id, role, telegram in [
        ("reviewer-1", "reviewer", REVIEWER_1),
        ("reviewer-2", "reviewer", REVIEWER_2),
        ("risk-1", "risk_officer", RISK),
    ]:
        app.staff.enrol_by_operator(admin_id, [role], telegram_user_id=telegram)


def a_customer(
    app: App,
    customer_id: str,
    telegram: int,
    *,
    wallet: int,
    status: KycStatus = KycStatus.VERIFIED,
    accepted: bool = True,
    language: str = "en",
) -> None:
    """A customer on Telegram, reading ``language``, whose wallet holds ``wallet``; a verified one accepted
    the lender's risk disclosure unless ``accepted`` is false."""
    customer = Customer(
        customer_id,
        telegram_user_id=telegram,
        language=language,
        phone=f"+86138000{telegram:05d}",
        real_name="王小明",
        status=status,
    )
    app.office.run(lambda tx: tx.uow.customers.add(customer))
    app.wallets.open(customer_id)
    if accepted and status is KycStatus.VERIFIED:
        app.papers.acknowledge(customer_id, LENDING_RISK)
    if wallet:
        app.wallets.confirm_deposit(
            customer_id, gateway="bank", transaction_id=customer_id, amount=Money(wallet)
        )


def confirm_button(bot: BotHarness) -> str:
    """The ✅ of the confirmation the bot sent last (its token is new for each confirmation)."""
    sent = [p for name, p in bot.request.calls if name == "sendMessage"][-1]
    [data] = [d for d in button_data(sent) if d.startswith("ln:ok:")]
    return data
