"""Repayment: what the borrower owes, how a payment is applied, and how it reaches the investors.

A payment is applied to the oldest unsettled installment first, and within an installment to penalty
interest, then interest, then principal; a regular payment may cover the installments due so far and
the next one (to repay more, the borrower repays the whole loan early). What the installments settled by
a payment brought — penalty, interest, principal — is split among the investors in proportion to the
principal they have outstanding (``schedules.split``), after the platform took the product's share of the
interest (once, rounded down), and the platform keeps any early repayment fee. Everything moves in one
linked batch through the loan's escrow. Investors are paid an
installment once it is settled (回款): a partly paid installment waits in the escrow, so that each
installment reaches them split once, exactly; once every installment is settled the escrow is empty and
the borrower has paid exactly what the investors received plus the platform's fees. The product's
``reserve_fee_bp`` of the interest fee goes to its guarantee reserve; an installment the reserve advanced
(``guarantee``) reached the investors then, so what is paid of it goes to the reserve at once instead.

Penalty interest accrues on an overdue installment's unpaid principal, ``penalty_bp_per_day`` for every
day after its due date, rounded down; it is worked out up to the day of a payment or of the jobs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import attrs

from p2pstock.core import trusted
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.transfers import Transfer, TransferFlags
from p2pstock.core.lending.loans import Investment, InvestmentStatus, Loan, LoanInstallment, LoanStatus
from p2pstock.core.lending.products import BP, LoanProduct, share_of
from p2pstock.core.lending.schedules import split
from p2pstock.core.validation import check_amount, check_id


@attrs.frozen
class Parts:
    """What a payment covers, by kind."""

    penalty: int = 0
    interest: int = 0
    principal: int = 0

    @property
    def total(self) -> int:
        return self.penalty + self.interest + self.principal

    def __add__(self, other: Parts) -> Parts:
        return Parts(
            self.penalty + other.penalty, self.interest + other.interest, self.principal + other.principal
        )


def accrued(installment: LoanInstallment, day: date, product: LoanProduct) -> LoanInstallment:
    """``installment`` with its penalty interest worked out up to ``day``."""
    start = installment.penalty_through or installment.due
    if installment.settled or day <= start:
        return installment
    fen_days = installment.overdue_fen_days + installment.unpaid_principal * (day - start).days
    penalty = fen_days * product.penalty_bp_per_day // BP
    return attrs.evolve(installment, penalty=penalty, overdue_fen_days=fen_days, penalty_through=day)


def owed(installment: LoanInstallment) -> Parts:
    """What is left to pay of ``installment`` (penalty as accrued so far)."""
    i = installment
    return Parts(i.penalty - i.paid_penalty, i.unpaid_interest, i.unpaid_principal)


def payable(installments: Sequence[LoanInstallment], day: date) -> list[LoanInstallment]:
    """The unsettled installments a regular payment on ``day`` may cover: every one due by ``day``, and the
    next one."""
    open_ = [i for i in installments if not i.settled]
    due = [i for i in open_ if i.due <= day]
    later = [i for i in open_ if i.due > day]
    return due + later[:1]


def due_now(installments: Sequence[LoanInstallment], day: date) -> int:
    """What settles every installment due by ``day``, or the next one when none is due."""
    open_ = [i for i in installments if not i.settled]
    due = [i for i in open_ if i.due <= day] or open_[:1]
    return sum(owed(i).total for i in due)


def apply(
    installments: Sequence[LoanInstallment], amount: int, now: int
) -> tuple[list[LoanInstallment], Parts]:
    """Apply ``amount`` to ``installments`` in order — penalty, interest, principal in each — and return the
    installments changed and what the payment covered. ``amount`` must not exceed what they owe."""
    left, paid, changed = amount, Parts(), []
    for installment in installments:
        if left == 0:
            break
        debt = owed(installment)
        part = Parts(min(left, debt.penalty), 0, 0)
        part = attrs.evolve(part, interest=min(left - part.penalty, debt.interest))
        part = attrs.evolve(part, principal=min(left - part.penalty - part.interest, debt.principal))
        left -= part.total
        paid += part
        after = attrs.evolve(
            installment,
            paid_penalty=installment.paid_penalty + part.penalty,
            paid_interest=installment.paid_interest + part.interest,
            paid_principal=installment.paid_principal + part.principal,
        )
        if owed(after).total == 0:
            after = attrs.evolve(after, settled_at=now)
        changed.append(after)
    if left:
        raise ValueError(f"{left} fen more than the installments owe")
    return changed, paid


def settled_parts(before: Sequence[LoanInstallment], after: Sequence[LoanInstallment]) -> Parts:
    """Everything paid on the installments that ``after`` settles and ``before`` did not: what reaches the
    investors now (a partly paid installment waits in the escrow until it is settled). An installment the
    guarantee reserve advanced reached them then, whole: what is paid of it goes to the reserve."""
    was = {i.number for i in before if i.settled}
    done = [i for i in after if i.settled and i.number not in was and i.advanced_at is None]
    return Parts(
        sum(i.paid_penalty for i in done),
        sum(i.paid_interest for i in done),
        sum(i.paid_principal for i in done),
    )


@attrs.frozen
class Share:
    """One investor's part of settled installments: penalty, interest (after the platform's fee) and
    principal."""

    investment: Investment
    parts: Parts
    fee: int = 0
    """The investment's part of the platform's fee (the fee split as the interest is)."""


@attrs.frozen
class Distribution:
    shares: tuple[Share, ...]
    fee: int
    """The platform's share of the interest."""


def distribute(investments: Sequence[Investment], settled: Parts, fee_bp: int) -> Distribution:
    """Split what settled installments brought among the investments by their outstanding principal; the
    platform's fee is taken once from the interest, rounded down, and the rest of it is split."""
    fee = share_of(settled.interest, fee_bp)
    holding = [i for i in investments if i.status is InvestmentStatus.HOLDING and i.outstanding > 0]
    if settled.total == 0 or not holding:
        return Distribution((), fee if holding else 0)
    weights = {i.id: i.outstanding for i in holding}
    nothing = dict.fromkeys(weights, 0)
    penalty, interest, principal, fees = (
        split(part, weights) if part else nothing
        for part in (settled.penalty, settled.interest - fee, settled.principal, fee)
    )
    shares = (Share(i, Parts(penalty[i.id], interest[i.id], principal[i.id]), fees[i.id]) for i in holding)
    return Distribution(tuple(share for share in shares if share.parts.total), fee)


def received(share: Share) -> Investment:
    """The investment after receiving its share."""
    i, p = share.investment, share.parts
    return trusted.build(
        Investment,
        i.id,
        i.loan_id,
        i.investor_id,
        i.amount,
        i.at,
        i.status,
        i.principal_received + p.principal,
        i.interest_received + p.interest,
        i.penalty_received + p.penalty,
        i.sold,
        i.written_off,
        i.origin,
    )


def transfers(
    loan: Loan,
    key: str,
    amount: int,
    out: Distribution,
    early_fee: int,
    *,
    recovered: int = 0,
    payer: tuple[str, str] | None = None,
) -> list[Transfer]:
    """The payment in from the borrower (or ``payer``: an account and the code of its payment) and out to
    the investors and the platform, linked: the product's ``reserve_fee_bp`` of the interest fee, and what
    the payment ``recovered`` of advanced installments, go to the product's guarantee reserve.

    Built without ``Transfer``'s validators (two or three per investor, they cost as much as the rest of
    the payment's own work): every id is checked here, every amount is a positive whole number of fen, and
    the accounts, codes and reference are the loan's own. What the ledger decides (accounts that exist and
    cover the debits) it decides."""
    escrow, prefix, fee_income = chart.loan_escrow_id(loan.id), f"loan:{loan.id}:{key}", chart.fee_income().id
    source, code = payer or (chart.wallet_id(loan.borrower_id), codes.LOAN_REPAYMENT)
    moves = [(f"{prefix}:in", source, escrow, amount, code)]
    for share in out.shares:
        wallet, to, p = chart.wallet_id(share.investment.investor_id), share.investment.id, share.parts
        moves += [
            (f"{prefix}:{to}:principal", escrow, wallet, p.principal, codes.LOAN_PRINCIPAL),
            (f"{prefix}:{to}:interest", escrow, wallet, p.interest, codes.LOAN_INTEREST),
            (f"{prefix}:{to}:penalty", escrow, wallet, p.penalty, codes.LOAN_PENALTY),
        ]
    reserve_fee = share_of(out.fee, loan.product.reserve_fee_bp)
    reserve = chart.guarantee_reserve_id(loan.product.code) if reserve_fee or recovered else ""
    moves += [
        (f"{prefix}:fee", escrow, fee_income, out.fee - reserve_fee, codes.LOAN_INTEREST_FEE),
        (f"{prefix}:reserve_fee", escrow, reserve, reserve_fee, codes.LOAN_RESERVE_FEE),
        (f"{prefix}:early", escrow, fee_income, early_fee, codes.LOAN_EARLY_FEE),
        (f"{prefix}:recovery", escrow, reserve, recovered, codes.LOAN_ADVANCE_RECOVERY),
    ]
    moving = [m for m in moves if m[3] > 0]
    last = len(moving) - 1
    return [
        trusted.build(
            Transfer,
            check_id(id_, "transfer id"),
            debit,
            credit,
            check_amount(value),
            code,
            "",
            _LINKED if n < last else _ALONE,
            "",
            0,
            loan.id,
            0,
            None,
        )
        for n, (id_, debit, credit, value, code) in enumerate(moving)
    ]


_LINKED, _ALONE = TransferFlags.LINKED, TransferFlags.NONE


def finish(loan: Loan, installments: Sequence[LoanInstallment]) -> Loan:
    """The loan after a payment: repaid once every installment is settled."""
    counted = attrs.evolve(loan, payments=loan.payments + 1)
    if all(i.settled for i in installments):
        return attrs.evolve(counted, status=LoanStatus.REPAID)
    return counted
