"""Storage ports: a unit of work per business transaction, holding the repositories core needs."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from p2pstock.core.allocation.ports import (
    AllocationRepository,
    CalendarOverrideRepository,
    CalendarYearRepository,
    DailyStatusRepository,
    EventRepository,
    ProductRepository,
    SideRequestRepository,
)
from p2pstock.core.audit import AuditLog
from p2pstock.core.leases import LeaseRepository, LocalLocks
from p2pstock.core.ledger.ports import LedgerSession
from p2pstock.core.lending.ports import (
    AutoInvestRuleRepository,
    InstallmentRepository,
    InvestmentRepository,
    LoanProductRepository,
    LoanRepository,
    TransferListingRepository,
    TransferPurchaseRepository,
)
from p2pstock.core.notifications import NoticeMarks, Outbox
from p2pstock.core.papers import AcknowledgementRepository
from p2pstock.core.payments import PaymentOrderRepository, UiStateRepository
from p2pstock.core.people.ports import (
    ApprovalRepository,
    CustomerRepository,
    DocumentRepository,
    PhoneCodeRepository,
    StaffRepository,
)
from p2pstock.core.wallet.ports import WithdrawalRepository


class UnitOfWork(Protocol):
    """One database transaction. Leaving the ``with`` block without ``commit()`` rolls it back."""

    @property
    def ledger(self) -> LedgerSession: ...
    @property
    def withdrawals(self) -> WithdrawalRepository: ...
    @property
    def customers(self) -> CustomerRepository: ...
    @property
    def phone_codes(self) -> PhoneCodeRepository: ...
    @property
    def documents(self) -> DocumentRepository: ...
    @property
    def staff(self) -> StaffRepository: ...
    @property
    def approvals(self) -> ApprovalRepository: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def payments(self) -> PaymentOrderRepository: ...
    @property
    def ui_state(self) -> UiStateRepository: ...
    @property
    def products(self) -> ProductRepository: ...
    @property
    def calendar_overrides(self) -> CalendarOverrideRepository: ...
    @property
    def calendar_years(self) -> CalendarYearRepository: ...
    @property
    def notice_marks(self) -> NoticeMarks: ...
    @property
    def allocations(self) -> AllocationRepository: ...
    @property
    def side_requests(self) -> SideRequestRepository: ...
    @property
    def daily_statuses(self) -> DailyStatusRepository: ...
    @property
    def allocation_events(self) -> EventRepository: ...
    @property
    def loan_products(self) -> LoanProductRepository: ...
    @property
    def loans(self) -> LoanRepository: ...
    @property
    def investments(self) -> InvestmentRepository: ...
    @property
    def installments(self) -> InstallmentRepository: ...
    @property
    def auto_invest_rules(self) -> AutoInvestRuleRepository: ...
    @property
    def transfer_listings(self) -> TransferListingRepository: ...
    @property
    def transfer_purchases(self) -> TransferPurchaseRepository: ...
    @property
    def leases(self) -> LeaseRepository: ...
    @property
    def acknowledgements(self) -> AcknowledgementRepository: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    """Opens units of work. ``readonly`` ones may run beside writers and must not write."""

    def __call__(self, *, readonly: bool = False) -> UnitOfWork: ...
    @property
    def local_locks(self) -> LocalLocks | None:
        """Locks among the processes of this machine, where only this machine's processes can open the
        storage (a SQLite file); ``None`` elsewhere (see ``p2pstock.core.leases``)."""
        ...
