"""The core services the Telegram bot calls, handed to it by whoever builds it (the composition root).

The bot never builds a service, a database or an adapter itself: ``BotServices`` carries what it needs,
and ``BotServices.of(app)`` picks them from any object shaped like the wired platform.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

import attrs

from p2pstock.core.acknowledging import Papers
from p2pstock.core.allocation.capital import CapitalPool
from p2pstock.core.allocation.catalog import ProductCatalog
from p2pstock.core.allocation.contracts import AllocationContracts
from p2pstock.core.allocation.service import Allocations
from p2pstock.core.allocation.trading_days import TradingDays
from p2pstock.core.audit_trail import AuditTrail
from p2pstock.core.backoffice import Backoffice, Tx
from p2pstock.core.customer_page import CustomerPages
from p2pstock.core.dashboard import Dashboard
from p2pstock.core.leases import Leases
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.lending.auto_investing import AutoInvest
from p2pstock.core.lending.catalog import LoanCatalog
from p2pstock.core.lending.contracts import Contracts
from p2pstock.core.lending.debt_market import DebtMarket
from p2pstock.core.lending.guarantee import Guarantee
from p2pstock.core.lending.service import Lending
from p2pstock.core.money import Money
from p2pstock.core.payment_service import Payments
from p2pstock.core.payments import PaymentLink
from p2pstock.core.people.approvals import Approvals
from p2pstock.core.people.kyc_review import KycReview
from p2pstock.core.people.registration import Customers
from p2pstock.core.people.staff import Staff
from p2pstock.core.product_files import ProductFiles
from p2pstock.core.statistics import PlatformStatistics
from p2pstock.core.wallet.service import Wallets


class DepositLinks(Protocol):
    """Starts a deposit: records the order and answers where the customer pays it (``Payments``)."""

    def start_deposit(self, customer_id: str, amount: Money) -> PaymentLink: ...


class UiStore(Protocol):
    """Small JSON texts kept for the bot between restarts and shared by the bot's processes, by key
    (conversation state only); and turns, which one process at a time holds for a chat while it handles
    that chat's update."""

    def get(self, key: str) -> str | None: ...
    def get_many(self, keys: Collection[str]) -> dict[str, str]:
        """The stored ones of ``keys``, read together."""
        ...

    def put(self, key: str, value: str) -> None: ...
    def delete(self, key: str) -> None: ...
    def items(self, prefix: str) -> dict[str, str]: ...
    def take_turn(self, key: str, seconds: float) -> bool:
        """Hold the turn ``key`` for ``seconds`` unless another process holds it; whether this one does."""
        ...

    def end_turn(self, key: str) -> None: ...


@attrs.frozen
class OfficeUiStore:
    """``UiStore`` on the platform's storage (``uow.ui_state``; turns as ``Leases.take_turn`` takes them), one
    short transaction per call."""

    office: Backoffice
    leases: Leases = attrs.field(
        default=attrs.Factory(lambda self: Leases(self.office), takes_self=True), repr=False
    )

    def get(self, key: str) -> str | None:
        return self.office.read(lambda tx: tx.uow.ui_state.get(key))

    def get_many(self, keys: Collection[str]) -> dict[str, str]:
        def read(tx: Tx) -> dict[str, str]:
            found = {key: tx.uow.ui_state.get(key) for key in keys}
            return {key: value for key, value in found.items() if value is not None}

        return self.office.read(read)

    def take_turn(self, key: str, seconds: float) -> bool:
        return self.leases.take_turn(key, seconds)

    def end_turn(self, key: str) -> None:
        self.leases.end_turn(key)

    def put(self, key: str, value: str) -> None:
        self.office.run(lambda tx: tx.uow.ui_state.put(key, value))

    def delete(self, key: str) -> None:
        self.office.run(lambda tx: tx.uow.ui_state.delete(key))

    def items(self, prefix: str) -> dict[str, str]:
        return self.office.read(lambda tx: tx.uow.ui_state.items(prefix))


class Platform(Protocol):
    """What ``BotServices.of`` reads from the wired platform (``p2pstock.bootstrap.App`` has it all)."""

    @property
    def office(self) -> Backoffice: ...
    @property
    def customers(self) -> Customers: ...
    @property
    def wallets(self) -> Wallets: ...
    @property
    def ledger(self) -> Ledger: ...
    @property
    def kyc(self) -> KycReview: ...
    @property
    def staff(self) -> Staff: ...
    @property
    def approvals(self) -> Approvals: ...
    @property
    def audit(self) -> AuditTrail: ...
    @property
    def statistics(self) -> PlatformStatistics: ...
    @property
    def customer_pages(self) -> CustomerPages: ...
    @property
    def dashboard(self) -> Dashboard: ...
    @property
    def auto_invest(self) -> AutoInvest: ...
    @property
    def products(self) -> ProductCatalog: ...
    @property
    def allocations(self) -> Allocations: ...
    @property
    def loan_products(self) -> LoanCatalog: ...
    @property
    def lending(self) -> Lending: ...
    @property
    def debt_market(self) -> DebtMarket: ...
    @property
    def papers(self) -> Papers: ...
    @property
    def contracts(self) -> Contracts: ...
    @property
    def allocation_contracts(self) -> AllocationContracts: ...
    @property
    def trading_days(self) -> TradingDays: ...
    @property
    def product_files(self) -> ProductFiles: ...
    @property
    def capital(self) -> CapitalPool: ...
    @property
    def guarantee(self) -> Guarantee: ...
    @property
    def payments(self) -> Payments: ...


@attrs.frozen
class BotServices:
    """Everything the bot calls. ``payments`` is optional: without it the deposit button says deposits
    are not available."""

    customers: Customers
    wallets: Wallets
    ledger: Ledger
    kyc: KycReview
    staff: Staff
    approvals: Approvals
    audit: AuditTrail
    statistics: PlatformStatistics
    customer_pages: CustomerPages
    dashboard: Dashboard
    auto_invest: AutoInvest
    products: ProductCatalog
    allocations: Allocations
    loan_products: LoanCatalog
    lending: Lending
    debt_market: DebtMarket
    papers: Papers
    contracts: Contracts
    allocation_contracts: AllocationContracts
    trading_days: TradingDays
    product_files: ProductFiles
    capital: CapitalPool
    guarantee: Guarantee
    ui_state: UiStore
    payments: DepositLinks | None = None
    held_payments: Payments | None = None
    """Deposits a gateway paid with another amount, for the administrators who resolve them."""
    brand: str = "p2pstock"
    """The platform's name in the welcome."""

    @classmethod
    def of(cls, platform: Platform, *, payments: DepositLinks | None = None) -> BotServices:
        """The services of a wired platform, conversation state kept in its storage."""
        return cls(
            customers=platform.customers,
            wallets=platform.wallets,
            ledger=platform.ledger,
            kyc=platform.kyc,
            staff=platform.staff,
            approvals=platform.approvals,
            audit=platform.audit,
            statistics=platform.statistics,
            customer_pages=platform.customer_pages,
            dashboard=platform.dashboard,
            auto_invest=platform.auto_invest,
            products=platform.products,
            allocations=platform.allocations,
            loan_products=platform.loan_products,
            lending=platform.lending,
            debt_market=platform.debt_market,
            papers=platform.papers,
            contracts=platform.contracts,
            allocation_contracts=platform.allocation_contracts,
            trading_days=platform.trading_days,
            product_files=platform.product_files,
            capital=platform.capital,
            guarantee=platform.guarantee,
            ui_state=OfficeUiStore(platform.office),
            payments=payments,
            held_payments=platform.payments,
            brand=platform.office.brand,
        )
