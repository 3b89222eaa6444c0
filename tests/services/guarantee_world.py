"""The lending world with a guarantee: the reference product's next version advances an installment overdue
more than three days from its guarantee reserve, which takes a fifth of the platform's fees; and the
reference loan, disbursed to Bella by Ivan (half), Iris (three tenths) and Igor (the rest).

The reference loan's first installment, due 2026-04-02: ¥50.00 interest and ¥255.00 principal. The platform
takes a tenth of the interest (¥5.00), a fifth of which (¥1.00) funds the reserve; the listing fee is
¥100.00, ¥20.00 of it for the reserve."""

from __future__ import annotations

from datetime import date

import attrs
from allocation_world import balance_of
from lending_world import PERSONAL, full, open_lending

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.errors import NotFound
from p2pstock.core.ledger import chart
from p2pstock.core.lending.loans import Loan
from p2pstock.core.money import Money

GUARANTEED = attrs.evolve(PERSONAL, guarantee_days=3, reserve_fee_bp=2_000)
FIRST_DUE = date(2026, 4, 2)
INTEREST, PRINCIPAL = 5_000, 25_500
"""The first installment's."""
LISTING_SHARE = 2_000
"""The reserve's fifth of the ¥100.00 listing fee."""


def open_guarantee(app: App, clock: ManualClock) -> None:
    """The lending world, the reference product now with its guarantee."""
    open_lending(app, clock)
    app.loan_products.define(GUARANTEED, by="root")


def disbursed(app: App, **terms: object) -> Loan:
    loan = full(app, **terms)
    return app.lending.approve_full(loan.id, by="risk-1")


def reserve(app: App, product: str = "personal") -> int:
    """What the product's guarantee reserve holds."""
    try:
        return balance_of(app, chart.guarantee_reserve_id(product))
    except NotFound:  # no reserve account yet
        return 0


def fund(app: App, amount: int, reference: str = "seed") -> object:
    return app.guarantee.fund_reserve("personal", amount, reference=reference, by="finance-1")


def hold_back(app: App, customer_id: str = "bella") -> None:
    """The customer asks to withdraw everything available: frozen, so the jobs cannot collect it."""
    amount = app.wallets.balance(customer_id).available
    app.wallets.request_withdrawal(customer_id, request_id=f"out-{customer_id}", amount=Money(amount.minor))


def told(app: App, chat: int | str) -> list[str]:
    """What was queued to ``chat``, the oldest first."""
    found = app.office.read(lambda tx: tx.uow.outbox.of_recipient(str(chat), 200))
    return [n.text for n in sorted(found, key=lambda n: n.id)]
