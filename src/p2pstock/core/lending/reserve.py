"""A loan product's guarantee reserve (风险准备金): the platform's own money put into it, and its figures.

Besides its share of the platform's fees on the product's loans (``reserve_fee_bp``, booked with each
disbursement and repayment), a reserve is funded by an administrator holding ``capital.manage``: a transfer
from the platform's own funds (``chart.capital_funding``), named by the caller's reference so that asking
again moves the money once; like a capital pool movement it waits for a second administrator from the
capital four-eyes threshold on.

``figures`` tells per product what the reserve holds, what it advanced and what came back to it (from the
ledger, by code), the advances still owed on loans being repaid, and what write-offs left lost: the
reserve's advances and the investors' principal not recovered since.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import attrs

from p2pstock.core.backoffice import Command, Tx
from p2pstock.core.errors import IdempotencyConflict, InvalidInput, NotFound
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.lending.desk import LoanDesk
from p2pstock.core.lending.loans import Loan, LoanStatus
from p2pstock.core.lending.products import LoanProduct
from p2pstock.core.lending.write_off import reserve_claim, unrecovered
from p2pstock.core.money import Money
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import Administrator, Permission
from p2pstock.core.validation import check_amount, check_code, check_name

FUND = "loan.reserve_fund"
"""The action of funding a reserve (``payload``: the product and the amount; ``target``:
``<product>:<reference>``)."""
EPOCH = date(2000, 1, 1)
"""The first day the reserves' movements are summed from."""
FIRST_READ = 500
"""Loans read at first for the figures (a list that fills it is read again with four times as many)."""


def fund(tx: Tx, product: str, amount: int, *, reference: str, by: str) -> Money | ApprovalRequest:
    """Put ``amount`` into ``product``'s reserve, or open the request waiting for a second administrator."""
    tx.admin(by, Permission.CAPITAL_MANAGE)
    minor, code, ref = (
        check_amount(amount),
        check_code(product, "product code"),
        check_name(reference, "reference"),
    )
    if minor <= 0:
        raise InvalidInput("amount must be positive", code="amount_not_positive")
    if tx.uow.loan_products.latest(code) is None:
        raise NotFound(f"no loan product {code}", code="loan_product_not_found", product=code)
    if _booked(tx, code, ref, minor):
        return balance(tx, code)
    command = Command(
        FUND, Permission.CAPITAL_MANAGE, f"{code}:{ref}", {"product": code, "amount": minor}, minor
    )
    return tx.act(by, command, Money)


def _transfer_id(product: str, reference: str) -> str:
    return f"loan-reserve:{product}:{reference}"


def _booked(tx: Tx, product: str, reference: str, amount: int) -> bool:
    """Whether the funding named ``reference`` was booked already; another amount under it is refused."""
    transfer_id = _transfer_id(product, reference)
    found = tx.uow.ledger.find_transfers([transfer_id]).get(transfer_id)
    if found is not None and found.amount != amount:
        raise IdempotencyConflict(
            f"reference {reference} was used for another funding of the reserve", code="request_reused"
        )
    return found is not None


def carry_out(desk: LoanDesk, tx: Tx, command: Command, admin: Administrator) -> Money:
    """Move the money of a funding (now, or once a second administrator approved it)."""
    product, minor = str(command.payload["product"]), int(str(command.payload["amount"]))
    reference = command.target.partition(":")[2]
    if _booked(tx, product, reference, minor):
        return balance(tx, product)
    funding, reserve = chart.capital_funding(), chart.guarantee_reserve(product)
    desk.ledger.create_accounts_in(tx.uow.ledger, [funding, reserve])
    transfer = Transfer.single(
        _transfer_id(product, reference),
        debit=funding.id,
        credit=reserve.id,
        amount=minor,
        code=codes.LOAN_RESERVE_FUNDING,
        reference=product,
    )
    desk.move(tx, [transfer])
    tx.audit(admin.id, FUND, product, after={"amount": minor, "reference": reference})
    return balance(tx, product)


def balance(tx: Tx, product: str) -> Money:
    """What ``product``'s reserve holds, free to advance."""
    reserve_id = chart.guarantee_reserve_id(product)
    found = tx.uow.ledger.find_accounts([reserve_id])
    return Money(found[reserve_id].balances.available if reserve_id in found else 0)


@attrs.frozen
class ReserveFigures:
    """One loan product's guarantee reserve (money in fen)."""

    product: str
    name: str
    guarantee_days: int
    """Of the newest version of the product (0: no guarantee)."""
    balance: int
    advanced: int
    """Paid out in advances, ever."""
    recovered: int
    """Come back to it from borrowers since (penalty interest, recoveries after a write-off included)."""
    outstanding: int
    """Advances the borrowers of loans still being repaid owe it."""
    written_off: int
    """Advances it lost to write-offs and has not recovered."""
    investors_written_off: int
    """Principal investors lost to write-offs and have not recovered."""


def figures(desk: LoanDesk, *, by: str) -> list[ReserveFigures]:
    """Every loan product's reserve, for holders of ``capital.manage`` or ``stats.view``."""

    def read(tx: Tx) -> tuple[list[ReserveFigures], date]:
        tx.admin_any(by, [Permission.CAPITAL_MANAGE, Permission.STATS_VIEW])
        loans = _open_loans(tx)
        return [_figures(tx, e.product, loans) for e in tx.uow.loan_products.newest()], desk.today(tx)

    found, today = desk.office.read(read)
    return [_moved(desk, f, today) for f in found]


def _open_loans(tx: Tx) -> list[Loan]:
    """The loans being repaid or written off (the storage lists them whole, at most a number at a time)."""
    most, wanted = FIRST_READ, [LoanStatus.REPAYING, LoanStatus.WRITTEN_OFF]
    while len(found := tx.uow.loans.in_status(wanted, most)) == most:
        most *= 4
    return found


def _figures(tx: Tx, product: LoanProduct, loans: Sequence[Loan]) -> ReserveFigures:
    outstanding = written_off = investors = 0
    for loan in (loan for loan in loans if loan.product.code == product.code):
        plan = tx.uow.installments.of_loan(loan.id)
        if loan.status is LoanStatus.REPAYING:
            outstanding += reserve_claim(plan)
            continue
        written_off += reserve_claim(plan)
        investors += sum(unrecovered(i) for i in tx.uow.investments.of_loan(loan.id))
    held = balance(tx, product.code).minor
    return ReserveFigures(
        product.code, product.name, product.guarantee_days, held, 0, 0, outstanding, written_off, investors
    )


def _moved(desk: LoanDesk, found: ReserveFigures, today: date) -> ReserveFigures:
    """``found`` with what its reserve advanced and got back, summed from the ledger."""
    reserve_id = chart.guarantee_reserve_id(found.product)
    totals = desk.ledger.statistics("month", start=EPOCH, end=today, account_id=reserve_id)
    advanced = sum(t.debits for t in totals if t.code == codes.LOAN_ADVANCE)
    back = sum(t.credits for t in totals if t.code in (codes.LOAN_ADVANCE_RECOVERY, codes.LOAN_RECOVERY))
    return attrs.evolve(found, advanced=advanced, recovered=back)
