"""The platform's guarantee (垫付/代偿): a loan product's guarantee reserve advances an overdue installment to
the investors, and gets back what the borrower pays of it later.

::

    an unsettled installment of a product with ``guarantee_days`` > 0, overdue more than that many days
        ──advance (the jobs)──▶ the reserve pays its unpaid principal and interest into the loan's escrow,
              and the investors receive the whole installment as if it had settled (principal, interest
              less the platform's fee, any penalty interest paid so far); ``advanced_at``/``advanced`` set
        ──the borrower pays it (penalty, interest, principal, oldest first, as always)──▶ from the escrow
              to the reserve at once (``recovered``); settling it pays the investors nothing more

A reserve that cannot cover an installment advances nothing of it, and the full reviewers are told once.
An installment is advanced once: the loan is locked and its installments read again first, and the mark is
saved with the money. The reserve's funding and figures are in ``reserve``; a loan past M3 is written off
in ``write_off``; ``Guarantee`` is the service embedders and the bot call for all three.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from functools import partial

import attrs

from p2pstock.core.backoffice import SYSTEM, Tx
from p2pstock.core.errors import NotFound, P2PStockError
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.lending import repayments, reserve, write_off
from p2pstock.core.lending.desk import LoanDesk
from p2pstock.core.lending.loans import Investment, Loan, LoanInstallment, LoanStatus
from p2pstock.core.lending.repayments import Parts, accrued
from p2pstock.core.money import Money
from p2pstock.core.people.customers import Customer
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import Permission

log = logging.getLogger(__name__)
BATCH = 100
SHORT_TOLD = "guarantee-short:"
"""Prefix of the mark (``<prefix><loan>:<number>``) that the staff were told the reserve could not cover an
installment."""


def due_for_advance(loan: Loan, plan: Sequence[LoanInstallment], day: date) -> list[LoanInstallment]:
    """The installments of ``loan`` its product's reserve advances on ``day``, oldest first."""
    days = loan.product.guarantee_days
    if loan.status is not LoanStatus.REPAYING or days <= 0:
        return []
    return [i for i in plan if not i.settled and i.advanced_at is None and (day - i.due).days > days]


def recovered(
    plan: Sequence[LoanInstallment], changed: Sequence[LoanInstallment]
) -> tuple[list[LoanInstallment], int]:
    """``changed`` (installments a payment changed, from ``plan`` as it was) with what the payment brought
    of each advanced one added to its ``recovered``, and the sum: it goes to the reserve at once."""
    if all(i.advanced_at is None for i in changed):
        return list(changed), 0
    before = {i.number: i for i in plan}
    brought = [_paid(i) - _paid(before[i.number]) if i.advanced_at is not None else 0 for i in changed]
    marked = [
        attrs.evolve(i, recovered=i.recovered + paid) if paid else i
        for i, paid in zip(changed, brought, strict=True)
    ]
    return marked, sum(brought)


def _paid(i: LoanInstallment) -> int:
    return i.paid_penalty + i.paid_interest + i.paid_principal


@attrs.frozen
class Advanced:
    """One installment advanced: as saved, and what each investor received."""

    installment: LoanInstallment
    out: repayments.Distribution


def advance(desk: LoanDesk, tx: Tx, loan_id: str, day: date) -> int:
    """Advance the installments of the loan due for it on ``day``, oldest first, as far as the reserve
    covers them; how many were advanced."""
    loan = desk.load(tx, loan_id)
    plan = [accrued(i, day, loan.product) for i in tx.uow.installments.of_loan(loan.id)]
    due = due_for_advance(loan, plan, day)
    if not due:
        return 0
    reserve_id = chart.guarantee_reserve_id(loan.product.code)
    found = tx.uow.ledger.lock_accounts([reserve_id])
    left = found[reserve_id].balances.available if reserve_id in found else 0
    holders = tx.uow.investments.holders(loan.id)
    investments = {i.id: i for i, _ in holders}
    moves: list[Transfer] = []
    done: list[Advanced] = []
    for installment in due:
        need = installment.unpaid_interest + installment.unpaid_principal
        if need > left:
            _tell_short(tx, loan, installment, need, left)
            break
        whole = Parts(installment.paid_penalty, installment.interest, installment.principal)
        out = repayments.distribute(list(investments.values()), whole, loan.product.interest_fee_bp)
        payer = (reserve_id, codes.LOAN_ADVANCE)
        moves += repayments.transfers(loan, f"adv{installment.number}", need, out, 0, payer=payer)
        investments.update((s.investment.id, repayments.received(s)) for s in out.shares)
        left -= need
        done.append(Advanced(attrs.evolve(installment, advanced_at=tx.now, advanced=need), out))
    if done:
        desk.move(tx, moves)
        _save(tx, loan, done, investments)
        _tell_advanced(tx, loan, done, {i.investor_id: investor for i, investor in holders})
    return len(done)


def _save(tx: Tx, loan: Loan, done: Sequence[Advanced], investments: Mapping[str, Investment]) -> None:
    paid = sorted({s.investment.id for advanced in done for s in advanced.out.shares})
    tx.uow.investments.save_all([investments[i] for i in paid])
    tx.uow.installments.save_all([advanced.installment for advanced in done])
    amounts = {str(a.installment.number): a.installment.advanced for a in done}
    tx.audit(SYSTEM, "loan.advance", loan.id, after={"product": loan.product.code, "advanced": amounts})


def _tell_short(tx: Tx, loan: Loan, installment: LoanInstallment, need: int, left: int) -> None:
    """Tell the full reviewers, once per installment, that the reserve cannot advance it."""
    mark = f"{SHORT_TOLD}{loan.id}:{installment.number}"
    if tx.uow.ui_state.get(mark) is not None:
        return
    tx.uow.ui_state.put(mark, str(tx.now))
    tx.tell_staff(
        Permission.LOAN_FULL_REVIEW,
        "loan.reserve_short.staff",
        product=loan.product.code,
        id=loan.id,
        number=installment.number,
        amount=Money(need),
        left=Money(left),
    )


def _tell_advanced(
    tx: Tx, loan: Loan, done: Sequence[Advanced], investors: Mapping[str, Customer | None]
) -> None:
    borrower = tx.uow.customers.get(loan.borrower_id)
    for advanced in done:
        number, amount = advanced.installment.number, Money(advanced.installment.advanced)
        tx.tell(borrower, "loan.advanced.borrower", id=loan.id, number=number, amount=amount)
        shares = advanced.out.shares
        told = ((investors.get(s.investment.investor_id), _received(loan, number, s)) for s in shares)
        tx.tell_each("loan.advanced", told)


def _received(loan: Loan, number: int, share: repayments.Share) -> dict[str, object]:
    p = share.parts
    return {
        "id": loan.id,
        "number": number,
        "amount": Money(p.total),
        "principal": Money(p.principal),
        "interest": Money(p.interest),
        "penalty": Money(p.penalty),
        "fee": Money(share.fee),
    }


@attrs.define
class Guarantee:
    """The guarantee reserves, their advances and write-offs, one transaction per call."""

    desk: LoanDesk

    def __attrs_post_init__(self) -> None:
        office = self.desk.office
        office.register(
            write_off.WRITE_OFF,
            lambda tx, command, admin: write_off.carry_out(self.desk, tx, command, admin),
            lambda tx, waiting: write_off.preview(self.desk, tx, waiting),
        )
        office.register(
            reserve.FUND, lambda tx, command, admin: reserve.carry_out(self.desk, tx, command, admin)
        )

    def fund_reserve(self, product: str, amount: int, *, reference: str, by: str) -> Money | ApprovalRequest:
        """Put ``amount`` of the platform's own money into ``product``'s guarantee reserve
        (``capital.manage``; from the capital movements' four-eyes threshold on it waits for a second
        administrator): the reserve's balance afterwards, or the request. ``reference`` names the movement:
        asking again moves the money once."""
        return self.desk.office.run(lambda tx: reserve.fund(tx, product, amount, reference=reference, by=by))

    def figures(self, *, by: str) -> list[reserve.ReserveFigures]:
        """Each loan product's reserve: balance, advanced, recovered, outstanding, written off (holders of
        ``capital.manage`` or ``stats.view``)."""
        return reserve.figures(self.desk, by=by)

    def write_off(self, loan_id: str, *, by: str, reason: str) -> Loan | ApprovalRequest:
        """Write a loan past M3 off (``loan.write_off``; a second administrator approves it by default): the
        loan written off, or the request waiting for the second administrator."""
        return self.desk.office.run(
            lambda tx: write_off.request(self.desk, tx, loan_id, by=by, reason=reason)
        )

    def still_owed(self, loan_id: str, *, customer_id: str) -> int:
        """What the borrower of a written-off loan still owes those who lost (0 for a loan not written
        off); ``NotFound`` for a loan not theirs."""

        def look(tx: Tx) -> int:
            loan = self.desk.load(tx, loan_id, lock=False)
            if loan.borrower_id != customer_id:
                raise NotFound(f"no loan {loan_id}", code="loan_not_found", loan=loan_id)
            return write_off.recoverable(tx, loan) if loan.status is LoanStatus.WRITTEN_OFF else 0

        return self.desk.office.read(look)

    def advance_due(self, day: date) -> int:
        """Advance every installment due for it on ``day`` (the jobs), one loan per transaction; how many."""
        self.desk.not_ahead(day)
        advanced, after = 0, ""
        while True:
            ids = self.desk.office.read(partial(_overdue, day=day, after=after))
            advanced += sum(self._advance(loan_id, day) for loan_id in ids)
            if len(ids) < BATCH:
                return advanced
            after = ids[-1]

    def _advance(self, loan_id: str, day: date) -> int:
        def wanted(tx: Tx) -> bool:
            loan = self.desk.load(tx, loan_id, lock=False)
            return bool(due_for_advance(loan, tx.uow.installments.of_loan(loan.id), day))

        try:
            if not self.desk.office.read(wanted):
                return 0
            return self.desk.office.run(lambda tx: advance(self.desk, tx, loan_id, day))
        except P2PStockError as error:
            log.warning("loan %s was not advanced for %s: %s", loan_id, day, type(error).__name__)
            return 0


def _overdue(tx: Tx, *, day: date, after: str) -> list[str]:
    """Ids (after ``after``) of loans with an installment overdue on ``day``."""
    return tx.uow.installments.loans_due(day - timedelta(days=1), after, BATCH)
