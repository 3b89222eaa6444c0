"""The financing hall (理财大厅): loans open for bidding as investors see them.

An investor sees a loan's terms, progress and time left, what the platform verified about the borrower
(never a private document or an identity number), and the schedule they would receive for an amount.
"""

from __future__ import annotations

from datetime import date

import attrs

from p2pstock.core.backoffice import Tx
from p2pstock.core.lending import schedules
from p2pstock.core.lending.loans import Loan, LoanStatus
from p2pstock.core.people.customers import Customer, KycStatus
from p2pstock.core.people.documents import ReviewStatus


@attrs.frozen
class BorrowerFacts:
    """What the platform verified about a borrower, fit to show investors."""

    name: str
    """The family name and a star for each other character (王**)."""
    identity_verified: bool
    phone_verified: bool
    qualifications: tuple[str, ...]
    """The kinds of the loan's accepted qualification documents."""
    loans_repaid: int


@attrs.frozen
class LoanPage:
    loan: Loan
    borrower: BorrowerFacts
    schedule: tuple[schedules.Installment, ...]
    """What the investor would receive for the amount asked about (empty if none was)."""

    @property
    def progress_bp(self) -> int:
        """How much of the loan is funded, in basis points (rounded down)."""
        return self.loan.funded * 10_000 // self.loan.amount


def masked_name(real_name: str) -> str:
    return real_name[:1] + "*" * (len(real_name) - 1) if real_name else "—"


def borrower_facts(tx: Tx, loan: Loan) -> BorrowerFacts:
    customer = tx.uow.customers.get(loan.borrower_id)
    accepted = []
    for document_id in loan.documents:
        document = tx.uow.documents.get(document_id)
        if document is not None and document.status is ReviewStatus.ACCEPTED:
            accepted.append(document.kind.value)
    repaid = sum(
        1 for other in tx.uow.loans.of_borrower(loan.borrower_id) if other.status is LoanStatus.REPAID
    )
    return BorrowerFacts(
        name=masked_name(customer.real_name if customer else ""),
        identity_verified=_verified(customer),
        phone_verified=bool(customer and customer.phone),
        qualifications=tuple(sorted(set(accepted))),
        loans_repaid=repaid,
    )


def _verified(customer: Customer | None) -> bool:
    return customer is not None and customer.status is KycStatus.VERIFIED


def planned_schedule(loan: Loan, start: date) -> tuple[schedules.Installment, ...]:
    """The borrower's schedule: as created at disbursement, or as it would be if disbursed on ``start``."""
    t = loan.terms
    return schedules.schedule(t.amount, t.rate_bp, t.months, t.method, loan.start_date or start)
