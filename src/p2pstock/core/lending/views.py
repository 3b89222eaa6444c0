"""What borrowers, investors and administrators read about loans that are being repaid: each installment
with what is owed on a day, an investor's holdings with what was received and what is expected, overdue
buckets, and the platform's lending figures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import attrs

from p2pstock.core.lending import schedules
from p2pstock.core.lending.loans import Investment, InvestmentStatus, Loan, LoanInstallment
from p2pstock.core.lending.repayments import accrued, owed

BUCKETS = ((0, "current"), (30, "M1"), (60, "M2"), (90, "M3"))
"""Days overdue up to which an installment is in each bucket; beyond the last, ``M3+``."""


def bucket(days_overdue: int) -> str:
    """The overdue bucket of ``days_overdue`` days: current, M1 (1–30), M2 (31–60), M3 (61–90), M3+."""
    for limit, name in BUCKETS:
        if days_overdue <= limit:
            return name
    return "M3+"


@attrs.frozen
class InstallmentView:
    installment: LoanInstallment
    """With penalty interest worked out up to the day the view was made."""
    owed: int
    days_overdue: int

    @property
    def bucket(self) -> str:
        return bucket(self.days_overdue)


def installment_views(loan: Loan, plan: Sequence[LoanInstallment], day: date) -> list[InstallmentView]:
    views = []
    for installment in plan:
        now = accrued(installment, day, loan.product)
        late = 0 if now.settled else max((day - now.due).days, 0)
        views.append(InstallmentView(now, owed(now).total, late))
    return views


def days_overdue(views: Sequence[InstallmentView]) -> int:
    """How long the oldest unpaid installment has been overdue (0 when none is)."""
    return max((v.days_overdue for v in views), default=0)


@attrs.frozen
class Holding:
    """One investment as its investor sees it."""

    investment: Investment
    loan: Loan
    expected: tuple[schedules.Installment, ...]
    """What the investor can still expect, installment by installment (interest before the platform's fee)."""
    days_overdue: int

    @property
    def bucket(self) -> str:
        return bucket(self.days_overdue)


def expected(
    investment: Investment, investments: Sequence[Investment], plan: Sequence[LoanInstallment]
) -> tuple[schedules.Installment, ...]:
    """The investor's part of what the borrower still owes, shared as ``investor_schedules`` does."""
    if investment.status is not InvestmentStatus.HOLDING or investment.outstanding == 0:
        return ()
    left = [
        schedules.Installment(i.number, i.due, i.principal, i.interest)  # paid out whole, once settled
        for i in plan
        if not i.settled and i.advanced_at is None  # or once the guarantee reserve advanced it
    ]
    holdings = {
        i.id: i.outstanding for i in investments if i.status is InvestmentStatus.HOLDING and i.outstanding
    }
    if sum(i.principal for i in left) != sum(holdings.values()):
        raise ValueError(
            f"loan {investment.loan_id}: the investors' outstanding principal differs from the borrower's"
        )
    return schedules.investor_schedules(left, holdings)[investment.id]


@attrs.frozen
class LendingFigures:
    """The platform's lending at a glance (money in fen)."""

    day: date
    loans_by_status: dict[str, int]
    outstanding_principal: int
    overdue_principal: int
    """Unpaid principal of installments past their due date."""
    income: dict[str, int]
    """Fees the platform took, by transfer code, over the whole history."""

    @property
    def overdue_ratio_bp(self) -> int:
        """Overdue principal as basis points of the outstanding principal."""
        return (
            self.overdue_principal * 10_000 // self.outstanding_principal if self.outstanding_principal else 0
        )
