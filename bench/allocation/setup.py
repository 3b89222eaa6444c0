"""The state the allocation benchmark starts from: running daily allocations, built through the library.

``count`` allocations of the ``bench.daily`` product (deposit ¥10,000 at 5×: B = ¥50,000, a fee of ¥30 a
trading day, a ¥250 risk fund), ten per verified customer, each customer on the bot (Telegram) with a
verified phone and a wallet holding far more than its allocations and fees need. All of them are applied
for, paid (deposit, then risk fund), phoned, confirmed and started with their own trading sub-account
(``HOMS-000000`` …) on Monday 2026-01-05 before the cut-off, so they start that day.

Two ways to get there, which leave the same state behind:

* ``services`` — the public service calls, one transaction per step (apply, pay × 2, call, confirm,
  assign: six per allocation), as the bot and the administrators make them;
* ``batched`` — the same core functions (``applications.apply``/``pay``, ``review.record_call``/``confirm``/
  ``assign_and_start``) on the service's own ``Desk``, for ``batch`` allocations per transaction
  (``Backoffice.run``): the same rows, ledger transfers, events, audit records and outbox messages, with
  fewer commits.

``history`` then gives the allocations a first day: the statement of 2026-01-05 imported (everyone
normal) and that day's fees charged, both through the services.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.allocation import applications, review
from p2pstock.core.allocation.allocations import Allocation, CallOutcome, Status
from p2pstock.core.allocation.products import Component, LeverageRate, Mode, Product
from p2pstock.core.allocation.statuses import CSV_COLUMNS
from p2pstock.core.backoffice import Tx
from p2pstock.core.ledger import chart
from p2pstock.core.money import Money
from p2pstock.core.papers import ALLOCATION_RISK, Acknowledgement
from p2pstock.core.people.customers import Customer, KycStatus
from p2pstock.core.people.four_eyes import ApprovalRequest

PRODUCT = Product(
    code="bench.daily",
    version=1,
    name="按天配资",
    mode=Mode.DAILY,
    rates=(LeverageRate(5, 600),),
    deposit_min=100_000,
    deposit_max=100_000_000,
    deposit_step=100_000,
    term_min=2,
    term_max=60,
    risk_fund_ppm=5_000,
)
DEPOSIT, LEVERAGE, TERM = 1_000_000, 5, 20
ALLOCATED = DEPOSIT * LEVERAGE
PER_CUSTOMER = 10
WALLET = 50_000_000
"""¥500,000 per customer: ten deposits and risk funds (¥102,500) and every fee of every term, many times."""
ADMIN = "bench-admin"
RISK_OFFICER = "bench-risk"
RISK_OFFICER_TELEGRAM = 9_000_001
PASSWORD = "Tr4de!pass"

START = date(2026, 1, 5)
"""Monday: the allocations start on it (the setup clock reads 09:30 in Shanghai, before the cut-off)."""
HISTORY_DAY = START
"""The day of history the template holds: its statement imported and its fees charged."""
MEASURED_DAY = date(2026, 1, 6)
"""The day the measured import and fee job are for."""


def shanghai(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def customer_id(i: int) -> str:
    return f"bc{i:06d}"


def sub_account(i: int) -> str:
    return f"HOMS-{i:06d}"


CHECKER = "bench-root-2"
"""A second super administrator: approves the pool's funding (a movement that size waits for one)."""


def platform(app: App) -> None:
    """Staff, the product and a capital pool that covers every allocation."""
    app.staff.enrol_by_operator(ADMIN, ["super_admin"])
    app.staff.enrol_by_operator(CHECKER, ["super_admin"])
    app.staff.enrol_by_operator(RISK_OFFICER, ["risk_officer"], telegram_user_id=RISK_OFFICER_TELEGRAM)
    app.products.define(PRODUCT, by=ADMIN)


def fund_pool(app: App, count: int) -> None:
    funded = app.capital.fund(max(count, 1) * ALLOCATED * 2, reference="bench-seed", by=ADMIN)
    if isinstance(funded, ApprovalRequest):
        app.approvals.approve(funded.id, by=CHECKER)


def customers(app: App, count: int, batch: int) -> list[str]:
    """Verified customers who accepted the allocation risk disclosure, with funded wallets, ``batch`` per
    transaction (four service calls each otherwise: register, accept, open the wallet, confirm a
    deposit)."""
    ids = [customer_id(i) for i in range(math.ceil(count / PER_CUSTOMER))]
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]

        def add(tx: Tx, chunk: list[str] = chunk) -> None:
            for cid in chunk:
                n = int(cid[2:])
                tx.uow.customers.add(
                    Customer(
                        cid,
                        telegram_user_id=8_000_000 + n,
                        language="zh",
                        phone=f"+86138{n:08d}",
                        real_name="张三",
                        status=KycStatus.VERIFIED,
                        created_at=tx.now,
                    )
                )
                paper = ALLOCATION_RISK
                tx.uow.acknowledgements.add(Acknowledgement(cid, paper.name, paper.version, tx.now))
                app.ledger.create_accounts_in(tx.uow.ledger, [chart.wallet(cid)])
                app.wallets.credit_deposit(
                    tx, cid, gateway="bank", transaction_id=f"{cid}-seed", amount=Money(WALLET)
                )

        app.office.run(add)
    return ids


def owner(i: int) -> str:
    return customer_id(i // PER_CUSTOMER)


def start_one(app: App, i: int) -> Allocation:
    """Allocation ``i`` from application to start through the public services (six transactions)."""
    service, cid = app.allocations, owner(i)
    allocation = service.apply(cid, product=PRODUCT.code, deposit=DEPOSIT, leverage=LEVERAGE, term=TERM)
    for component in (Component.DEPOSIT, Component.RISK_FUND):
        allocation = service.pay(allocation.id, component, customer_id=cid)
    service.record_call(allocation.id, by=ADMIN, outcome=CallOutcome.CONFIRMED, note="bench")
    service.confirm(allocation.id, by=ADMIN)
    return service.assign_account(allocation.id, by=ADMIN, sub_account=sub_account(i), password=PASSWORD)


def start_batch(app: App, numbers: range) -> list[Allocation]:
    """Allocations ``numbers`` from application to start in one transaction, step by step with the core
    functions the services call (each step's checks, transfers, events, audit records and messages)."""
    desk = app.allocations.desk

    def work(tx: Tx) -> list[Allocation]:
        started = []
        for i in numbers:
            cid = owner(i)
            allocation = applications.apply(
                desk, tx, cid, PRODUCT.code, deposit=DEPOSIT, leverage=LEVERAGE, term=TERM
            )
            for component in (Component.DEPOSIT, Component.RISK_FUND):
                allocation = applications.pay(desk, tx, allocation.id, component, cid)
            review.record_call(desk, tx, allocation.id, by=ADMIN, outcome=CallOutcome.CONFIRMED, note="bench")
            review.confirm(desk, tx, allocation.id, ADMIN)
            started.append(
                review.assign_and_start(
                    desk, tx, allocation.id, by=ADMIN, sub_account=sub_account(i), password=PASSWORD
                )
            )
        return started

    return app.office.run(work)


def allocations(
    app: App,
    count: int,
    *,
    mode: str,
    batch: int,
    progress: Callable[[int], None] | None = None,
) -> list[Allocation]:
    """``count`` running allocations, numbered 0 … count − 1 (sub-account ``HOMS-{n:06d}``)."""
    started: list[Allocation] = []
    for first in range(0, count, batch):
        numbers = range(first, min(first + batch, count))
        if mode == "services":
            started += [start_one(app, i) for i in numbers]
        else:
            started += start_batch(app, numbers)
        if progress is not None:
            progress(len(started))
    wrong = [a.id for a in started if a.status is not Status.IN_PROGRESS or a.start_date != START]
    if wrong:
        raise RuntimeError(f"{len(wrong)} allocations did not start on {START}: {wrong[:3]}")
    return started


# -- statements --------------------------------------------------------------------------------------------


def assets_of(i: int, day: date, warning_every: int) -> int:
    """Total assets of allocation ``i`` at the close of ``day``: around ¥61,000 (T0 = ¥60,000), except
    that every ``warning_every``-th allocation (0 for none) has dropped to ¥54,000 — below its warning
    line of ¥55,000, above the liquidation line of ¥53,000."""
    if warning_every and i % warning_every == 0:
        return 5_400_000
    return 6_000_000 + (i * 7919 + day.toordinal()) % 200_000


def figures_of(assets: int) -> tuple[int, int, int, int, int, int, int]:
    """(total, market value, cash available, cash frozen, withdrawable, daily P&L, floating P&L)."""
    cash = assets // 5
    frozen = cash // 10
    available = cash - frozen
    return assets, assets - cash, available, frozen, available // 2, assets - 6_050_000, assets - 6_000_000


def _yuan(minor: int) -> str:
    sign = "-" if minor < 0 else ""
    return f"{sign}{abs(minor) // 100}.{abs(minor) % 100:02d}"


def statement(count: int, day: date, warning_every: int) -> str:
    """A broker's statement (CSV, amounts in yuan) with one row per allocation for ``day``."""
    lines = [",".join((*CSV_COLUMNS, "note"))]
    for i in range(count):
        amounts = figures_of(assets_of(i, day, warning_every))
        lines.append(",".join((sub_account(i), day.isoformat(), *map(_yuan, amounts), "")))
    return "\n".join(lines) + "\n"


def history(app: App, clock: ManualClock, count: int) -> None:
    """The first trading day behind the allocations: its statement (all normal) and its fees."""
    clock.set(shanghai(HISTORY_DAY, 16))
    report = app.allocations.import_statement(statement(count, HISTORY_DAY, 0), by=ADMIN)
    if not report.ok or report.applied != count:
        raise RuntimeError(f"the history statement was not applied: {report.errors[:3]}")
    clock.set(shanghai(HISTORY_DAY, 17))
    charged = app.allocations.charge_fees(HISTORY_DAY)
    if charged != count:
        raise RuntimeError(f"the history fee job charged {charged} of {count} allocations")
