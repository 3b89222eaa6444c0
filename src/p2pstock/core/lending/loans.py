"""A loan and the investments in it, from application to the last repayment.

::

    applied ──first review──▶ first_reviewed ──final review──▶ listed (bidding, in the financing hall)
       │                           │                             │ full (满标)          │ deadline (流标)
       ▼                           ▼                             ▼                      ▼
    rejected / withdrawn        rejected                       full ──full review──▶ repaying ──▶ repaid
                                                                 │ refused (复审拒绝)
                                                                 ▼
                                                              refused

An investment freezes the investor's money as a ledger hold on the loan's escrow account; disbursement
posts every hold and pays the borrower in one linked batch; a failed or refused loan voids them all.
"""

from __future__ import annotations

import enum
import json
from datetime import date
from typing import Any

import attrs

from p2pstock.core.errors import Refused
from p2pstock.core.lending.products import LoanProduct, LoanTerms
from p2pstock.core.lending.schedules import Method


class LoanStatus(enum.StrEnum):
    APPLIED = "applied"
    FIRST_REVIEWED = "first_reviewed"
    LISTED = "listed"
    FULL = "full"
    REPAYING = "repaying"
    REPAID = "repaid"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    FAILED = "failed"
    """Not full by the bidding deadline (流标)."""
    REFUSED = "refused"
    """Refused at the full review (复审)."""
    WRITTEN_OFF = "written_off"
    """Closed as a loss past M3 (核销): what was still owed is booked to the investors (or to the guarantee
    reserve where it advanced); a later payment by the borrower is booked as a recovery."""

    @property
    def open(self) -> bool:
        """Whether the loan can still change (not ended)."""
        return self in _OPEN


_OPEN = frozenset(
    {LoanStatus.APPLIED, LoanStatus.FIRST_REVIEWED, LoanStatus.LISTED, LoanStatus.FULL, LoanStatus.REPAYING}
)


@attrs.frozen
class Review:
    """One administrator's decision on a loan."""

    by: str
    at: int
    approved: bool
    note: str = ""


@attrs.frozen
class Loan:
    id: str
    borrower_id: str
    product: LoanProduct
    terms: LoanTerms
    purpose: str
    documents: tuple[str, ...]
    """The ids of the qualification documents the application rests on."""
    created_at: int
    status: LoanStatus = LoanStatus.APPLIED
    reviews: tuple[Review, ...] = ()
    """First, final and full review, in order."""
    listed_at: int | None = None
    deadline: int | None = None
    """When bidding closes (microseconds)."""
    funded: int = 0
    investors: int = 0
    disbursed_at: int | None = None
    start_date: date | None = None
    """The day the schedule counts from (the disbursement's day in the platform's time zone)."""
    reason: str = ""
    payments: int = 0
    """How many repayments the borrower (or the jobs, from their wallet) made."""
    auto_done: bool = False
    """Whether the investors' auto-invest rules were run on the loan once it was listed."""
    contract: str = ""
    """The document id of the loan agreement issued at disbursement (电子合同), "" before."""
    contract_hash: str = ""
    """The SHA-256 of the agreement's file as issued: any later change of the stored file is detectable."""
    written_off_at: int | None = None
    version: int = 1

    @property
    def amount(self) -> int:
        return self.terms.amount

    @property
    def remainder(self) -> int:
        """What investors may still put in."""
        return self.terms.amount - self.funded

    def require(self, *statuses: LoanStatus) -> None:
        if self.status not in statuses:
            raise Refused(
                f"loan {self.id} is {self.status.value.replace('_', ' ')}", code="loan_status", loan=self.id
            )

    def bid_range(self) -> tuple[int, int]:
        """The smallest and largest investment accepted now: min(minimum bid, remainder) to remainder."""
        return min(self.terms.min_bid, self.remainder), self.remainder


class InvestmentStatus(enum.StrEnum):
    FROZEN = "frozen"
    """Frozen in the investor's wallet while the loan is bidding or awaits its full review."""
    HOLDING = "holding"
    """Lent: the loan was disbursed and repays it."""
    RELEASED = "released"
    """Given back: the loan failed or was refused."""
    WRITTEN_OFF = "written_off"
    """The loan was written off: ``written_off`` is the principal the investor lost."""


@attrs.frozen
class Investment:
    id: str
    loan_id: str
    investor_id: str
    amount: int
    at: int
    status: InvestmentStatus = InvestmentStatus.FROZEN
    principal_received: int = 0
    interest_received: int = 0
    """Interest paid to the investor, after the platform's interest fee."""
    penalty_received: int = 0
    sold: int = 0
    """Principal sold on to other investors (债权转让): no longer the investor's, so later installments
    split without it."""
    written_off: int = 0
    """Principal lost when the loan was written off."""
    origin: str = ""
    """How the investment was made: "" by hand, ``auto`` by an auto-invest rule, ``transfer:<listing id>``
    bought from another investor."""

    @property
    def outstanding(self) -> int:
        """Principal still owed to the investor."""
        if self.status is not InvestmentStatus.HOLDING:
            return 0
        return self.amount - self.principal_received - self.sold

    @property
    def auto(self) -> bool:
        return self.origin == AUTO

    @property
    def bought(self) -> bool:
        """Whether the holding was bought from another investor."""
        return self.origin.startswith(TRANSFER_PREFIX)


AUTO = "auto"
TRANSFER_PREFIX = "transfer:"


def hold_id(investment_id: str) -> str:
    """The ledger hold freezing an investment."""
    return f"loan-bid:{investment_id}"


@attrs.frozen
class LoanInstallment:
    """One installment of a loan's borrower schedule, and what has been paid of it."""

    loan_id: str
    number: int
    due: date
    principal: int
    interest: int
    paid_principal: int = 0
    paid_interest: int = 0
    paid_penalty: int = 0
    settled_at: int | None = None
    """When the installment was paid in full."""
    penalty: int = 0
    """Penalty interest accrued while overdue, up to ``penalty_through``: ``overdue_fen_days`` at the
    product's daily penalty rate, rounded down once (so it does not depend on how often it was worked out)."""
    overdue_fen_days: int = 0
    """The unpaid principal summed over every day it was overdue."""
    penalty_through: date | None = None
    reminded: bool = False
    """Whether the borrower was reminded before the due date (or it had passed when the jobs looked)."""
    overdue_told: bool = False
    """Whether the borrower and the administrators were told it is overdue."""
    advanced_at: int | None = None
    """When the guarantee reserve advanced the installment to the investors (垫付); from then on what the
    borrower pays of it goes to the reserve."""
    advanced: int = 0
    """What the reserve advanced: the installment's unpaid principal and interest then."""
    recovered: int = 0
    """What of the installment reached the reserve after it advanced (penalty interest included)."""

    @property
    def unpaid_principal(self) -> int:
        return self.principal - self.paid_principal

    @property
    def unpaid_interest(self) -> int:
        return self.interest - self.paid_interest

    @property
    def settled(self) -> bool:
        return self.settled_at is not None


def to_json(loan: Loan) -> str:
    """The text a loan is stored as (its product included, so the loan keeps the terms it was made on)."""
    fields = attrs.asdict(loan, recurse=True, value_serializer=_plain)
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def from_json(text: str) -> Loan:
    fields: dict[str, Any] = json.loads(text)
    product = fields.pop("product")
    terms = fields.pop("terms")
    start = fields.pop("start_date")
    return Loan(
        product=LoanProduct(**product),
        terms=LoanTerms(**{**terms, "method": Method(terms["method"])}),
        documents=tuple(fields.pop("documents")),
        reviews=tuple(Review(**review) for review in fields.pop("reviews")),
        status=LoanStatus(fields.pop("status")),
        start_date=None if start is None else date.fromisoformat(start),
        **fields,
    )


def _plain(_instance: object, _field: object, value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value
