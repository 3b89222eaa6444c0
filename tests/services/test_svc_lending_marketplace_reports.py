"""What the marketplace's own steps leave the reports saying: the monthly summary's fee after a holding was
sold on, the statement lines of an advance, and the agreements the jobs issue late — the same as they would
have been issued on time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import attrs
import pytest
from guarantee_world import fund, hold_back
from lending_world import PERSONAL, full, move_to, open_lending, verified

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.bots.telegram import statement_lines
from p2pstock.bots.telegram.services import BotServices
from p2pstock.core.agreements import Agreement
from p2pstock.core.errors import StorageError
from p2pstock.core.ledger import chart
from p2pstock.core.lending.agreements import LOAN_AGREEMENT
from p2pstock.core.lending.debt_transfer import TransferPurchase
from p2pstock.core.lending.loans import Loan
from p2pstock.core.lending.monthly_summary import MonthlySummaries

MARKET = attrs.evolve(
    PERSONAL, guarantee_days=3, reserve_fee_bp=2_000, transfer_fee_bp=10, transfer_fee_cap_bp=100
)


@pytest.fixture(autouse=True)
def platform(app: App, clock: ManualClock) -> Iterator[None]:
    open_lending(app, clock)  # ivan ¥2,500, iris ¥1,500, igor ¥1,000 of Bella's ¥5,000 at 12 %
    app.loan_products.define(MARKET, by="root")
    verified(app, "olga", wallet=1_000_000)
    yield


def disbursed(app: App) -> Loan:
    return app.lending.approve_full(full(app).id, by="risk-1")


def ivan_sells_to_olga(app: App, clock: ManualClock, loan: Loan) -> TransferPurchase:
    """¥1,000 of Ivan's holding, bought by Olga on 17 March."""
    move_to(clock, date(2026, 3, 17), 10)
    [ivan] = [i for i in app.lending.investments(loan.id) if i.investor_id == "ivan"]
    listing = app.debt_market.list_for_sale(ivan.id, seller_id="ivan", principal=100_000, request_id="s1")
    return app.debt_market.buy(listing.id, buyer_id="olga", principal=100_000, request_id="b1")


def test_the_monthly_fee_of_every_holder_is_known_after_a_holding_was_sold_on(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    ivan_sells_to_olga(app, clock, loan)
    move_to(clock, date(2026, 4, 2), 12)
    app.lending.collect_due(date(2026, 4, 2))

    summaries = MonthlySummaries(app.lending.desk)
    fees = {who: summaries.so_far(who).fee for who in ("ivan", "iris", "igor", "olga")}

    fee = 5_000 * PERSONAL.interest_fee_bp // 10_000  # a tenth of the first installment's ¥50.00
    assert fees == {"ivan": fee * 15 // 50, "iris": fee * 15 // 50, "igor": fee * 10 // 50, "olga": fee // 5}


def test_the_statement_names_the_installment_each_advance_was_for(app: App, clock: ManualClock) -> None:
    loan = disbursed(app)
    fund(app, 1_000_000)
    move_to(clock, date(2026, 4, 2), 12)
    app.lending.collect_due(date(2026, 4, 2))  # the first installment on time
    hold_back(app)
    for day in (date(2026, 5, 6), date(2026, 6, 6)):
        move_to(clock, day, 6)
        assert app.guarantee.advance_due(day) == 1  # the second, then the third

    page = app.ledger.activity(chart.wallet_id("ivan"), limit=1000)
    named = statement_lines.known(BotServices.of(app), "ivan", page.movements)
    said = [
        statement_lines.what(m, "en", named) for m in reversed(page.movements) if m.code == "loan.principal"
    ]

    assert said == [
        f"Principal received, loan #{loan.id}, installment 1",
        f"Principal received, loan #{loan.id}, installment 2 (advanced by the guarantee)",
        f"Principal received, loan #{loan.id}, installment 3 (advanced by the guarantee)",
    ]


class Printer:
    """Keeps what it is asked to print; refuses while ``down``."""

    def __init__(self) -> None:
        self.down, self.printed = True, list[Agreement]()

    def print(self, agreement: Agreement) -> bytes:
        if self.down:
            raise StorageError("the printer is down")
        self.printed.append(agreement)
        return b"%PDF-" + repr(agreement).encode()


def test_a_loan_agreement_issued_after_a_sale_names_the_lenders_as_they_lent(
    app: App, clock: ManualClock
) -> None:
    printer = app.contracts.printer = Printer()
    loan = disbursed(app)
    ivan_sells_to_olga(app, clock, loan)
    printer.down = False

    assert app.contracts.issue_missing() == 2  # the loan's and the purchase's

    [agreement] = [a for a in printer.printed if a.template is LOAN_AGREEMENT]
    lent = sorted(p.amount for p in agreement.parties[1:])
    assert lent == [100_000, 150_000, 250_000] and sum(lent) == loan.amount


def test_a_transfer_agreement_issued_after_the_next_payment_lists_what_was_due_after_the_purchase(
    app: App, clock: ManualClock
) -> None:
    loan = disbursed(app)
    printer = app.contracts.printer = Printer()
    purchase = ivan_sells_to_olga(app, clock, loan)
    move_to(clock, date(2026, 4, 2), 12)
    app.lending.collect_due(date(2026, 4, 2))
    printer.down = False

    app.contracts.issue_missing()

    [agreement] = printer.printed
    assert agreement.number == f"ZR-{purchase.id}"
    assert [row.number for row in agreement.schedule] == list(range(1, 19))
