"""What the lending services need from storage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

import attrs

from p2pstock.core.lending.auto_invest import AutoInvestRule
from p2pstock.core.lending.debt_transfer import TransferListing, TransferPurchase
from p2pstock.core.lending.loans import Investment, Loan, LoanInstallment, LoanStatus
from p2pstock.core.lending.products import LoanProduct
from p2pstock.core.lending.schedules import Method
from p2pstock.core.people.customers import Customer


@attrs.frozen
class LoanCatalogEntry:
    """A stored loan product version, and whether it is still offered."""

    product: LoanProduct
    defined_at: int
    defined_by: str
    offered: bool = True


class LoanProductRepository(Protocol):
    def latest(self, code: str, *, lock: bool = False) -> LoanCatalogEntry | None: ...
    def get(self, code: str, version: int) -> LoanCatalogEntry | None: ...
    def add(self, entry: LoanCatalogEntry) -> None: ...
    def set_offered(self, code: str, version: int, offered: bool) -> None: ...
    def offered(self) -> list[LoanCatalogEntry]:
        """The newest version of every product still offered, by code."""
        ...

    def newest(self) -> list[LoanCatalogEntry]:
        """The newest version of every product, offered or withdrawn, by code."""
        ...


@attrs.frozen
class HallFilter:
    """Which listed loans an investor wants to see (every bound inclusive; None for any)."""

    rate_min_bp: int | None = None
    rate_max_bp: int | None = None
    months_min: int | None = None
    months_max: int | None = None
    method: Method | None = None

    def admits(self, loan: Loan) -> bool:
        terms = loan.terms
        return (
            (self.rate_min_bp is None or terms.rate_bp >= self.rate_min_bp)
            and (self.rate_max_bp is None or terms.rate_bp <= self.rate_max_bp)
            and (self.months_min is None or terms.months >= self.months_min)
            and (self.months_max is None or terms.months <= self.months_max)
            and (self.method is None or terms.method is self.method)
        )


class LoanRepository(Protocol):
    def get(self, loan_id: str, *, lock: bool = False) -> Loan | None: ...
    def add(self, loan: Loan) -> None: ...
    def save(self, loan: Loan) -> None:
        """Store ``loan`` over version ``loan.version - 1``; ``TransientConflict`` if it moved on."""
        ...

    def listed(self, where: HallFilter, offset: int, limit: int) -> list[Loan]:
        """Loans open for bidding that ``where`` admits, the newest listing first."""
        ...

    def in_status(self, statuses: Sequence[LoanStatus], limit: int) -> list[Loan]:
        """Loans in any of ``statuses``, the oldest application first."""
        ...

    def of_borrower(self, customer_id: str) -> list[Loan]:
        """The customer's loans, the newest first."""
        ...

    def bidding_closed(self, now: int, limit: int) -> list[Loan]:
        """Listed loans whose bidding deadline is at or before ``now``, the earliest deadline first."""
        ...

    def count_by_status(self) -> dict[str, int]:
        """Status → number of loans (statuses without loans left out)."""
        ...

    def without_contract(self, limit: int) -> list[Loan]:
        """Disbursed loans whose agreement was not issued yet, the earliest disbursed first."""
        ...


class InvestmentRepository(Protocol):
    def get(self, investment_id: str) -> Investment | None: ...
    def add(self, investment: Investment) -> None: ...
    def save_all(self, investments: Sequence[Investment]) -> None: ...
    def of_loan(self, loan_id: str) -> list[Investment]:
        """A loan's investments in the order they were made."""
        ...

    def holders(self, loan_id: str) -> list[tuple[Investment, Customer | None]]:
        """A loan's investments in the order they were made, each with its investor's customer record
        (read together: an installment tells each investor what reached their wallet)."""
        ...

    def of_investor(self, investor_id: str) -> list[Investment]:
        """An investor's investments, the newest first."""
        ...


class InstallmentRepository(Protocol):
    def add_all(self, installments: Sequence[LoanInstallment]) -> None: ...
    def save_all(self, installments: Sequence[LoanInstallment]) -> None: ...
    def of_loan(self, loan_id: str) -> list[LoanInstallment]:
        """A loan's installments by number."""
        ...

    def due_by(self, day: date, limit: int) -> list[LoanInstallment]:
        """Unsettled installments due on or before ``day``, the earliest first."""
        ...

    def loans_due(self, day: date, after: str, limit: int) -> list[str]:
        """Ids (after ``after``, in order) of loans with an unsettled installment due on or before ``day``."""
        ...

    def to_remind(self, until: date, limit: int) -> list[LoanInstallment]:
        """Unsettled installments not reminded of, due on or before ``until``, the earliest first."""
        ...

    def overdue_untold(self, day: date, limit: int) -> list[LoanInstallment]:
        """Unsettled installments due before ``day`` nobody was told are overdue, the earliest first."""
        ...

    def unpaid_principal(self, day: date) -> tuple[int, int]:
        """The principal unpaid on every loan, and the part of it in installments due before ``day``."""
        ...

    def penalty_due(self, day: date, limit: int) -> list[LoanInstallment]:
        """Unsettled installments due before ``day`` whose penalty is not worked out up to ``day``."""
        ...


class TransferListingRepository(Protocol):
    """Debt transfer listings (债权转让): saved by version, like a loan."""

    def get(self, listing_id: str, *, lock: bool = False) -> TransferListing | None: ...
    def add(self, listing: TransferListing) -> None: ...
    def save(self, listing: TransferListing) -> None:
        """Store ``listing`` over version ``listing.version - 1``; ``TransientConflict`` if it moved on."""
        ...

    def open_of(self, investment_id: str) -> TransferListing | None:
        """The open listing of a holding, if any (there is at most one)."""
        ...

    def open(self, now: int, offset: int, limit: int) -> list[TransferListing]:
        """Open listings not past their time at ``now``, the newest first."""
        ...

    def of_seller(self, seller_id: str, limit: int) -> list[TransferListing]:
        """A seller's listings, the newest first."""
        ...

    def expiring(self, now: int, limit: int) -> list[TransferListing]:
        """Open listings whose time is up at ``now``, the earliest first."""
        ...


class TransferPurchaseRepository(Protocol):
    def get(self, purchase_id: str) -> TransferPurchase | None: ...
    def add(self, purchase: TransferPurchase) -> None: ...
    def of_listing(self, listing_id: str) -> list[TransferPurchase]:
        """A listing's purchases in the order they were made."""
        ...

    def of_party(self, customer_id: str, limit: int) -> list[TransferPurchase]:
        """Purchases the customer bought or sold in, the newest first."""
        ...

    def without_contract(self, limit: int) -> list[TransferPurchase]:
        """Purchases whose transfer agreement was not issued yet, the earliest first."""
        ...

    def record_contract(self, purchase_id: str, contract: str, contract_hash: str) -> bool:
        """Record the purchase's agreement unless one is recorded; whether this call recorded it."""
        ...


class AutoInvestRuleRepository(Protocol):
    """Investors' auto-invest rules, one per investor. ``save`` writes what the investor chose (terms,
    active) over ``rule.version - 1``; ``record`` writes where rules stand in the queue, and never moves
    a version (a run never undoes an investor's change, nor an investor's change a run's)."""

    def get(self, investor_id: str) -> AutoInvestRule | None: ...
    def add(self, rule: AutoInvestRule) -> None:
        """Store a new rule; ``TransientConflict`` if the investor has one."""
        ...

    def save(self, rule: AutoInvestRule) -> None:
        """Store the investor's terms and whether the rule is active, over version ``rule.version - 1``;
        ``TransientConflict`` if it moved on."""
        ...

    def remove(self, investor_id: str) -> bool:
        """Delete the investor's rule; whether there was one."""
        ...

    def admitting(self, months: int, rate_bp: int) -> list[AutoInvestRule]:
        """Active rules whose term and rate ranges hold ``months`` and ``rate_bp``, in any order."""
        ...

    def record(self, fired: Sequence[str], at: int, told: Sequence[str]) -> None:
        """The rules of the investors ``fired`` invested at ``at`` (and are no longer marked told); those of
        ``told`` were told their balance is too low."""
        ...
