"""A platform ready for allocations: two products, a funded capital pool and verified customers with money
in their wallets; and the checks every allocation test ends with."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import attrs

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.allocation.allocations import Allocation, CallOutcome
from p2pstock.core.allocation.products import Component, LeverageRate, Mode, Product, RefundPolicy
from p2pstock.core.allocation.statuses import Figures
from p2pstock.core.ledger import chart
from p2pstock.core.money import Money
from p2pstock.core.papers import ALLOCATION_RISK
from p2pstock.core.people.customers import Customer, KycStatus

DAILY = Product(
    code="daily",
    version=1,
    name="按天配资",
    mode=Mode.DAILY,
    rates=(LeverageRate(3, 500), LeverageRate(5, 600)),
    deposit_min=100_000,
    deposit_max=100_000_000,
    deposit_step=100_000,
    term_min=2,
    term_max=30,
    risk_fund_ppm=5_000,
)
"""Deposit ¥10,000 at 5× gives B = ¥50,000, a fee of ¥30 a trading day and a ¥250 risk fund."""
MONTHLY = attrs.evolve(
    DAILY,
    code="monthly",
    name="按月配资",
    mode=Mode.MONTHLY,
    rates=(LeverageRate(5, 15_000),),
    term_min=1,
    term_max=6,
    prepaid_periods=1,
    refund_policy=RefundPolicy.UNUSED_PERIODS,
)
"""Deposit ¥10,000 at 5×: ¥750 a month, the first prepaid with the application."""

DEPOSIT = 1_000_000
B = 5_000_000
WL, CL = 5_500_000, 5_300_000
DAILY_FEE, MONTHLY_FEE, RISK_FUND = 3_000, 75_000, 25_000
POOL = 100_000_000
SUB_ACCOUNT_PASSWORD = "Tr4de!pass"


def open_platform(app: App) -> None:
    app.products.define(DAILY, by="root")
    app.products.define(MONTHLY, by="root")
    app.capital.fund(POOL, reference="seed", by="finance-1")


def verified_customer(app: App, customer_id: str = "alice", *, wallet: int = 5_000_000) -> Customer:
    customer = Customer(
        customer_id,
        telegram_user_id=7001 if customer_id == "alice" else None,
        language="en",
        phone="+8613800138000" if customer_id == "alice" else "+8613900139000",
        real_name="张三",
        status=KycStatus.VERIFIED,
    )
    app.office.run(lambda tx: tx.uow.customers.add(customer))
    app.papers.acknowledge(customer_id, ALLOCATION_RISK)
    app.wallets.open(customer_id)
    if wallet:
        credit(app, customer_id, wallet, f"{customer_id}-start")
    return customer


def credit(app: App, customer_id: str, amount: int, transaction_id: str) -> None:
    app.wallets.confirm_deposit(
        customer_id, gateway="bank", transaction_id=transaction_id, amount=Money(amount)
    )


def applied(app: App, product: Product = DAILY, *, term: int = 5, customer_id: str = "alice") -> Allocation:
    return app.allocations.apply(customer_id, product=product.code, deposit=DEPOSIT, leverage=5, term=term)


def paid(app: App, product: Product = DAILY, *, term: int = 5, customer_id: str = "alice") -> Allocation:
    allocation = applied(app, product, term=term, customer_id=customer_id)
    for component in allocation.due:
        allocation = app.allocations.pay(allocation.id, component, customer_id=customer_id)
    return allocation


def confirmed(app: App, product: Product = DAILY, *, term: int = 5) -> Allocation:
    allocation = paid(app, product, term=term)
    app.allocations.record_call(
        allocation.id, by="reviewer-1", outcome=CallOutcome.CONFIRMED, note="wants 5×"
    )
    return app.allocations.confirm(allocation.id, by="reviewer-1")


def running(
    app: App, product: Product = DAILY, *, term: int = 5, sub_account: str = "HOMS-001"
) -> Allocation:
    allocation = confirmed(app, product, term=term)
    return app.allocations.assign_account(
        allocation.id, by="finance-1", sub_account=sub_account, password=SUB_ACCOUNT_PASSWORD
    )


def figures(assets: int, *, withdrawable: int = 0) -> Figures:
    """A sub-account holding ``assets``: a fifth in cash, the rest in shares."""
    cash = assets // 5
    return Figures(assets, assets - cash, cash, cash_withdrawable=withdrawable or cash)


def shanghai_day(clock: ManualClock) -> date:
    return (clock.now() + timedelta(hours=8)).date()


def move_to(clock: ManualClock, day: date, hour: int = 16) -> None:
    """Set the clock to ``hour`` o'clock in Shanghai on ``day``."""
    clock.set(datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=8))


def available(app: App, customer_id: str = "alice") -> int:
    return app.wallets.balance(customer_id).available.minor


def frozen(app: App, customer_id: str = "alice") -> int:
    return app.wallets.balance(customer_id).frozen.minor


def balance_of(app: App, account_id: str) -> int:
    account = app.ledger.account(account_id)
    return account.balances.credits_posted - account.balances.debits_posted


def pool(app: App) -> int:
    return app.capital.balance().minor


def event_kinds(app: App, allocation: Allocation) -> list[str]:
    return [
        e.kind for e in app.allocations.timeline(allocation.id, customer_id=allocation.customer_id).events
    ]


def event_data(app: App, allocation: Allocation, kind: str) -> list[dict[str, object]]:
    events = app.allocations.timeline(allocation.id, customer_id=allocation.customer_id).events
    return [json.loads(e.data) for e in events if e.kind == kind]


def assert_books_hold(app: App) -> None:
    """The ledger's invariants: debits equal credits, no wallet overdrawn, balances equal the replay."""
    report = app.ledger.audit()
    assert report.ok, report
    assert app.ledger.trial_balance().balanced


def allocation_account(allocation: Allocation) -> str:
    return chart.allocation_account_id(allocation.id)


COMPONENTS = (Component.DEPOSIT, Component.RISK_FUND)


def running_for(app: App, customer_id: str, sub_account: str, *, term: int = 5) -> Allocation:
    """A running daily allocation of ``customer_id`` on ``sub_account``, every step through the services."""
    allocation = paid(app, customer_id=customer_id, term=term)
    app.allocations.record_call(allocation.id, by="reviewer-1", outcome=CallOutcome.CONFIRMED)
    app.allocations.confirm(allocation.id, by="reviewer-1")
    return app.allocations.assign_account(
        allocation.id, by="finance-1", sub_account=sub_account, password=SUB_ACCOUNT_PASSWORD
    )
