"""Writing a loan off (核销), and what its borrower pays afterwards.

::

    a REPAYING loan whose oldest unpaid installment is more than 90 days overdue (past M3)
        ──request (loan.write_off, a reason)──▶ waits for a second administrator (four eyes)
        ──approved──▶ what waited in the escrow (parts of installments not settled) paid out to the
                      investors as a settlement would; every holding WRITTEN_OFF, its outstanding principal
                      its ``written_off`` loss; the reserve's unrecovered advances its loss; the loan
                      WRITTEN_OFF (closed); investors, borrower and staff told

The borrower still owes it. What they pay on a written-off loan — by their own repayment or taken by the
collection job from their wallet, as for any loan, so that a deposit reaches those who lost without anyone
having to ask — is a recovery (``loan.recovery``): split exactly (``schedules.split``) among the investors
by the principal each has not got back and the guarantee reserve by the advances it has not, up to what was
written off. A recovery to an investor counts as principal received; one to the reserve pays the advanced
installments' interest and principal, oldest first, and counts as ``recovered``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date

import attrs

from p2pstock.core.backoffice import Command, Tx
from p2pstock.core.errors import InvalidInput, Refused
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.service import wallet_short
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.lending import repayments
from p2pstock.core.lending.desk import LoanDesk
from p2pstock.core.lending.loans import Investment, InvestmentStatus, Loan, LoanInstallment, LoanStatus
from p2pstock.core.lending.repayments import Parts, accrued
from p2pstock.core.lending.schedules import split
from p2pstock.core.lending.views import BUCKETS
from p2pstock.core.money import Money
from p2pstock.core.people.customers import Customer
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import Administrator, Permission
from p2pstock.core.validation import check_reason

WRITE_OFF = "loan.write_off"
"""The action of a write-off (``payload``: its reason)."""
M3_DAYS = BUCKETS[-1][0]
"""A loan is written off once its oldest unpaid installment is more overdue than this (past M3)."""
RESERVE = "reserve"
"""The guarantee reserve's key among the investments' in a recovery's split."""


def days_overdue(plan: Sequence[LoanInstallment], day: date) -> int:
    """How long the oldest unpaid installment has been overdue on ``day`` (0 when none is)."""
    return max((max((day - i.due).days, 0) for i in plan if not i.settled), default=0)


def _past_m3(loan: Loan, plan: Sequence[LoanInstallment], day: date) -> int:
    loan.require(LoanStatus.REPAYING)
    late = days_overdue(plan, day)
    if late <= M3_DAYS:
        raise Refused(
            f"loan {loan.id} is {late} days overdue: a loan is written off only past {M3_DAYS} days",
            code="write_off_too_early",
            loan=loan.id,
            days=late,
            most=M3_DAYS,
        )
    return late


def _plan(desk: LoanDesk, tx: Tx, loan: Loan) -> list[LoanInstallment]:
    day = desk.today(tx)
    return [accrued(i, day, loan.product) for i in tx.uow.installments.of_loan(loan.id)]


def request(desk: LoanDesk, tx: Tx, loan_id: str, *, by: str, reason: str) -> Loan | ApprovalRequest:
    """Ask for the loan to be written off: the request waiting for a second administrator (or, without a
    four-eyes rule, the loan written off)."""
    tx.admin(by, Permission.LOAN_WRITE_OFF)
    why = check_reason(reason)
    loan = desk.load(tx, loan_id, lock=False)
    if loan.status is LoanStatus.WRITTEN_OFF:
        return loan
    _past_m3(loan, _plan(desk, tx, loan), desk.today(tx))
    return tx.act(by, Command(WRITE_OFF, Permission.LOAN_WRITE_OFF, loan.id, {"reason": why}), Loan)


def waiting(plan: Sequence[LoanInstallment]) -> Parts:
    """What the escrow holds for the investors: what was paid of installments neither settled nor
    advanced (a settled one was paid out, an advanced one to the reserve)."""
    open_ = [i for i in plan if not i.settled and i.advanced_at is None]
    return Parts(
        sum(i.paid_penalty for i in open_),
        sum(i.paid_interest for i in open_),
        sum(i.paid_principal for i in open_),
    )


def reserve_claim(plan: Sequence[LoanInstallment]) -> int:
    """What the borrower still owes the guarantee reserve of the installments it advanced (interest and
    principal; penalty interest is not part of an advance)."""
    return sum(i.unpaid_interest + i.unpaid_principal for i in plan if i.advanced_at is not None)


def unrecovered(investment: Investment) -> int:
    """The principal a written-off investment has not got back (its ``written_off`` less recoveries)."""
    if investment.status is not InvestmentStatus.WRITTEN_OFF:
        return 0
    return investment.amount - investment.principal_received - investment.sold


@attrs.frozen
class Losses:
    """What writing a loan off would do now: the escrow paid out, then each holding's loss."""

    paid_out: repayments.Distribution
    investments: tuple[Investment, ...]
    """Every investment of the loan after the payout, each holding one WRITTEN_OFF with its loss."""
    reserve: int

    @property
    def investors(self) -> int:
        return sum(i.written_off for i in self.investments if i.status is InvestmentStatus.WRITTEN_OFF)


def losses(loan: Loan, investments: Sequence[Investment], plan: Sequence[LoanInstallment]) -> Losses:
    out = repayments.distribute(investments, waiting(plan), loan.product.interest_fee_bp)
    paid = {s.investment.id: repayments.received(s) for s in out.shares}
    after = [paid.get(i.id, i) for i in investments]
    lost = [
        attrs.evolve(i, status=InvestmentStatus.WRITTEN_OFF, written_off=i.outstanding)
        if i.status is InvestmentStatus.HOLDING
        else i
        for i in after
    ]
    return Losses(out, tuple(lost), reserve_claim(plan))


def preview(desk: LoanDesk, tx: Tx, request: ApprovalRequest) -> dict[str, object]:
    """What a waiting write-off would do as things stand: the escrow paid out, the investors' loss, the
    reserve's, how overdue the loan is, and the reason given."""
    loan = desk.load(tx, request.target, lock=False)
    if loan.status is not LoanStatus.REPAYING:
        return {}
    plan = _plan(desk, tx, loan)
    found = losses(loan, tx.uow.investments.of_loan(loan.id), plan)
    holding = sum(1 for i in found.investments if i.status is InvestmentStatus.WRITTEN_OFF and i.written_off)
    return {
        "reason": _reason(request.payload),
        "days": days_overdue(plan, desk.today(tx)),
        "paid_out": Money(waiting(plan).total),
        "investors": holding,
        "lost": Money(found.investors),
        "reserve": Money(found.reserve),
    }


def _reason(payload: str) -> str:
    found = json.loads(payload) if payload else {}
    return str(found.get("reason", "")) if isinstance(found, dict) else ""


def carry_out(desk: LoanDesk, tx: Tx, command: Command, admin: Administrator) -> Loan:
    """Write the loan off (approved): see the module's docstring."""
    loan = desk.load(tx, command.target)
    if loan.status is LoanStatus.WRITTEN_OFF:
        return loan
    why = check_reason(command.payload.get("reason"))
    plan = _plan(desk, tx, loan)
    _past_m3(loan, plan, desk.today(tx))
    holders = tx.uow.investments.holders(loan.id)
    found = losses(loan, [i for i, _ in holders], plan)
    if found.paid_out.shares or found.paid_out.fee:
        desk.move(tx, repayments.transfers(loan, "write-off", 0, found.paid_out, 0))
    tx.uow.investments.save_all(list(found.investments))
    quiet = [attrs.evolve(i, reminded=True, overdue_told=True) for i in plan if not i.settled]
    tx.uow.installments.save_all(quiet)  # no reminder nor overdue notice of a loan written off
    closed = attrs.evolve(loan, status=LoanStatus.WRITTEN_OFF, written_off_at=tx.now, reason=why)
    saved = desk.change(tx, loan, closed, actor=admin.id, action="write_off")
    lost = {"investors": found.investors, "reserve": found.reserve}
    tx.audit(admin.id, "loan.write_off.losses", loan.id, after=lost)
    _tell_written_off(tx, saved, found, {i.id: investor for i, investor in holders})
    return saved


def _tell_written_off(tx: Tx, loan: Loan, found: Losses, investors: Mapping[str, Customer | None]) -> None:
    told = [
        (investors.get(i.id), {"id": loan.id, "amount": Money(i.written_off)})
        for i in found.investments
        if i.status is InvestmentStatus.WRITTEN_OFF and i.written_off
    ]
    tx.tell_each("loan.written_off", told)
    tx.tell(tx.uow.customers.get(loan.borrower_id), "loan.written_off.borrower", id=loan.id)
    lost, reserve = Money(found.investors), Money(found.reserve)
    key = "loan.written_off.staff"
    tx.tell_staff(Permission.LOAN_WRITE_OFF, key, id=loan.id, lost=lost, reserve=reserve, reason=loan.reason)


# -- recoveries ----------------------------------------------------------------------------------------------


def claims(investments: Sequence[Investment], plan: Sequence[LoanInstallment]) -> dict[str, int]:
    """Who a recovery on a written-off loan is for, and how much each has not got back: investment ids,
    and ``RESERVE`` for the guarantee reserve."""
    owed = {i.id: unrecovered(i) for i in investments}
    owed[RESERVE] = reserve_claim(plan)
    return {key: amount for key, amount in owed.items() if amount > 0}


def recoverable(tx: Tx, loan: Loan) -> int:
    """What the borrower of a written-off loan still owes those who lost."""
    return sum(claims(tx.uow.investments.of_loan(loan.id), tx.uow.installments.of_loan(loan.id)).values())


def repay(
    desk: LoanDesk,
    tx: Tx,
    loan: Loan,
    *,
    amount: int | None,
    expected: int | None,
    payments_seen: int | None,
    key: str,
) -> Loan:
    """The borrower repays on a written-off loan: ``amount`` (default: all that is owed) recovered."""
    most = recoverable(tx, loan)
    changed = payments_seen is not None and payments_seen != loan.payments
    if changed or (expected is not None and expected != most):
        raise Refused(
            f"what is owed changed to {Money(most)} since it was shown; look at the loan again",
            code="owed_changed",
            amount=Money(most),
        )
    wanted = most if amount is None else amount
    if isinstance(wanted, bool) or not isinstance(wanted, int) or not 0 < wanted <= most:
        raise InvalidInput(
            f"repay between ¥0.01 and {Money(most)} on this written-off loan",
            code="recovery_range",
            most=Money(most),
        )
    return recover(desk, tx, loan, wanted, key=key, actor=loan.borrower_id)


def collect(desk: LoanDesk, tx: Tx, loan: Loan, *, key: str, actor: str) -> bool:
    """The jobs take what the borrower of a written-off loan has available, up to what is owed (the
    wallet locked first); whether anything was taken."""
    wallet_id = chart.wallet_id(loan.borrower_id)
    wallet = tx.uow.ledger.lock_accounts([wallet_id]).get(wallet_id)
    amount = min(wallet.available if wallet else 0, recoverable(tx, loan))
    if amount <= 0:
        return False
    recover(desk, tx, loan, amount, key=key, actor=actor)
    return True


def recover(desk: LoanDesk, tx: Tx, loan: Loan, amount: int, *, key: str, actor: str) -> Loan:
    """Book ``amount`` from the borrower's wallet on the written-off loan as a recovery, split exactly."""
    holders = tx.uow.investments.holders(loan.id)
    plan = tx.uow.installments.of_loan(loan.id)
    owed = claims([i for i, _ in holders], plan)
    parts = split(amount, owed)
    paid = [
        attrs.evolve(i, principal_received=i.principal_received + parts[i.id])
        for i, _ in holders
        if parts.get(i.id)
    ]
    owners = {i.id: i.investor_id for i, _ in holders}
    desk.move(tx, _recovery_moves(loan, key, amount, parts, owners), short=wallet_short(amount))
    tx.uow.investments.save_all(paid)
    tx.uow.installments.save_all(_to_reserve(plan, parts.get(RESERVE, 0), tx.now))
    saved = desk.change(
        tx, loan, attrs.evolve(loan, payments=loan.payments + 1), actor=actor, action="recover"
    )
    borrower = tx.uow.customers.get(loan.borrower_id)
    left = Money(sum(owed.values()) - amount)
    tx.tell(borrower, "loan.recovery.borrower", id=loan.id, amount=Money(amount), left=left)
    told = [
        (investor, {"id": loan.id, "amount": Money(parts[i.id])})
        for i, investor in holders
        if parts.get(i.id)
    ]
    tx.tell_each("loan.recovered", told)
    return saved


def _to_reserve(plan: Sequence[LoanInstallment], amount: int, now: int) -> list[LoanInstallment]:
    """The advanced installments after the reserve's part of a recovery paid their interest, then their
    principal, oldest first."""
    left, changed = amount, []
    for i in plan:
        if left == 0:
            break
        if i.advanced_at is None:
            continue
        interest = min(left, i.unpaid_interest)
        principal = min(left - interest, i.unpaid_principal)
        if not interest + principal:
            continue
        left -= interest + principal
        after = attrs.evolve(
            i,
            paid_interest=i.paid_interest + interest,
            paid_principal=i.paid_principal + principal,
            recovered=i.recovered + interest + principal,
        )
        changed.append(after if repayments.owed(after).total else attrs.evolve(after, settled_at=now))
    return changed


def _recovery_moves(
    loan: Loan, key: str, amount: int, parts: Mapping[str, int], owners: Mapping[str, str]
) -> list[Transfer]:
    """From the borrower's wallet into the escrow, and out to each investor (``owners``: investment →
    investor) and the reserve, linked."""
    escrow, prefix = chart.loan_escrow_id(loan.id), f"loan:{loan.id}:{key}"
    reserve = chart.guarantee_reserve_id(loan.product.code)
    moves = [(f"{prefix}:in", chart.wallet_id(loan.borrower_id), escrow, amount)]
    moves += [
        (f"{prefix}:{to}:recovery", escrow, reserve if to == RESERVE else chart.wallet_id(owners[to]), part)
        for to, part in sorted(parts.items())
        if part
    ]
    last = len(moves) - 1
    return [
        Transfer.single(
            id_,
            debit=debit,
            credit=credit,
            amount=value,
            code=codes.LOAN_RECOVERY,
            reference=loan.id,
            linked=n < last,
        )
        for n, (id_, debit, credit, value) in enumerate(moves)
    ]
