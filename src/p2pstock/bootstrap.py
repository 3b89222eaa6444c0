"""The one composition root: builds storage, clock and services. Nothing is built at import time.

Tests and embedders pass overrides::

    app = bootstrap(uow_factory=MemoryUnitOfWorkFactory(), clock=ManualClock())
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

import attrs
import pluggy
from sqlalchemy.engine import Engine

from p2pstock.adapters.agreement_pdf import PdfAgreementPrinter
from p2pstock.adapters.broker_exports import xlsx_rows
from p2pstock.adapters.email import EmailNotifier
from p2pstock.adapters.holidays import default_sources
from p2pstock.adapters.images import PillowImages
from p2pstock.adapters.secret_box import AesGcmBox
from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.migrate import upgrade_if_needed
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.config import Settings
from p2pstock.core.acknowledging import Papers
from p2pstock.core.allocation.calendar import HolidaySource
from p2pstock.core.allocation.capital import CapitalPool
from p2pstock.core.allocation.catalog import ProductCatalog
from p2pstock.core.allocation.contracts import AllocationContracts
from p2pstock.core.allocation.desk import Desk, ShortfallPolicy
from p2pstock.core.allocation.service import Allocations
from p2pstock.core.allocation.trading_days import TradingDays
from p2pstock.core.audit import AuditKey
from p2pstock.core.audit_trail import AuditTrail
from p2pstock.core.backoffice import Backoffice
from p2pstock.core.clock import Clock, SystemClock
from p2pstock.core.customer_page import CustomerPages
from p2pstock.core.dashboard import Dashboard
from p2pstock.core.dispatch import Dispatcher, MessageSender
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.lending.auto_investing import AutoInvest
from p2pstock.core.lending.catalog import LoanCatalog
from p2pstock.core.lending.contracts import Contracts
from p2pstock.core.lending.debt_market import DebtMarket
from p2pstock.core.lending.desk import LoanDesk
from p2pstock.core.lending.guarantee import Guarantee
from p2pstock.core.lending.service import Lending
from p2pstock.core.money import Currency
from p2pstock.core.notifications import Channel
from p2pstock.core.payment_service import Payments
from p2pstock.core.payments import PaymentGateway
from p2pstock.core.people.approvals import Approvals
from p2pstock.core.people.documents import DocumentStore
from p2pstock.core.people.four_eyes import DEFAULT_RULES, FourEyesRule
from p2pstock.core.people.kyc_review import KycReview
from p2pstock.core.people.permissions import Permission
from p2pstock.core.people.registration import Customers
from p2pstock.core.people.staff import Staff
from p2pstock.core.ports import UnitOfWorkFactory
from p2pstock.core.product_files import ProductFiles
from p2pstock.core.statistics import PlatformStatistics
from p2pstock.core.wallet.service import Wallets, WithdrawalPolicy
from p2pstock.plugin import (
    build_plugin_manager,
    document_store,
    event_listener,
    payment_gateway,
    sms_sender,
    vetoes,
)
from p2pstock.plugin.builtin import smtp_client


@attrs.define
class App:
    """The wired services of one p2pstock instance."""

    settings: Settings
    office: Backoffice
    ledger: Ledger
    wallets: Wallets
    customers: Customers
    kyc: KycReview
    staff: Staff
    approvals: Approvals
    audit: AuditTrail
    dispatcher: Dispatcher
    payments: Payments
    statistics: PlatformStatistics
    products: ProductCatalog
    trading_days: TradingDays
    allocations: Allocations
    capital: CapitalPool
    loan_products: LoanCatalog
    lending: Lending
    papers: Papers
    contracts: Contracts
    product_files: ProductFiles
    customer_pages: CustomerPages
    dashboard: Dashboard
    guarantee: Guarantee
    auto_invest: AutoInvest
    debt_market: DebtMarket
    allocation_contracts: AllocationContracts
    plugins: pluggy.PluginManager
    engine: Engine | None = None

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


def bootstrap(
    settings: Settings | None = None,
    *,
    uow_factory: UnitOfWorkFactory | None = None,
    clock: Clock | None = None,
    documents: DocumentStore | None = None,
    senders: dict[Channel, MessageSender] | None = None,
    plugins: Iterable[object] = (),
    holidays: Sequence[HolidaySource] | None = None,
) -> App:
    """Build p2pstock from ``settings`` (default: the environment). The embedded SQLite default is created
    and migrated on first use; other databases are migrated with ``p2pstock db upgrade``."""
    settings = settings or Settings.from_env()
    engine = None
    if uow_factory is None:
        engine = open_database(settings)
        uow_factory = SqlUnitOfWorkFactory(engine)
    clock = clock or SystemClock()
    pm = build_plugin_manager(settings, plugins=plugins)
    office = Backoffice(
        uow_factory,
        clock,
        four_eyes_rules(settings),
        vetoes=vetoes(pm),
        listeners=[event_listener(pm)],
        audit_key=AuditKey.from_text(settings.audit_key) if settings.audit_key else None,
        brand=settings.brand,
        sms_signature=settings.sms_signature,
    )
    ledger = Ledger(uow_factory, clock, ZoneInfo(settings.timezone))
    policy = WithdrawalPolicy(
        refuse_while_allocation_frozen=settings.refuse_withdrawal_while_allocation_frozen
    )
    documents = documents or document_store(pm, settings)
    wallets = Wallets(ledger, policy, Currency.of(settings.currency), office)
    gateway: PaymentGateway = payment_gateway(pm, settings)
    senders = senders if senders is not None else default_senders(pm, settings)
    sources = tuple(holidays) if holidays is not None else default_sources()
    box = (
        AesGcmBox.from_key(settings.encryption_key, previous=settings.previous_encryption_keys)
        if settings.encryption_key
        else None
    )
    desk = Desk(office, ledger, sources, box, ShortfallPolicy(settings.allocation_shortfall), xlsx_rows)
    loan_desk = LoanDesk(office, ledger)
    printer = PdfAgreementPrinter(settings.cjk_font)
    contracts = Contracts(loan_desk, documents, printer)
    allocation_contracts = AllocationContracts(desk, documents, printer)
    return App(
        settings,
        office,
        ledger,
        wallets,
        Customers(office, documents, PillowImages()),
        KycReview(office, documents),
        Staff(office),
        Approvals(office),
        AuditTrail(office),
        Dispatcher(office, senders),
        Payments(office, wallets, {gateway.name: gateway}, gateway.name),
        PlatformStatistics(office, ledger),
        ProductCatalog(office),
        TradingDays(office, sources),
        Allocations(desk, confirmed=(allocation_contracts.issue,)),
        CapitalPool(desk),
        LoanCatalog(office),
        Lending(loan_desk, disbursed=(contracts.issue,)),
        Papers(office),
        contracts,
        ProductFiles(office),
        CustomerPages(office, ledger, Currency.of(settings.currency)),
        Dashboard(office, ledger),
        Guarantee(loan_desk),
        AutoInvest(loan_desk),
        DebtMarket(loan_desk, bought=(contracts.issue_transfer,)),
        allocation_contracts,
        pm,
        engine,
    )


def four_eyes_rules(settings: Settings) -> tuple[FourEyesRule, ...]:
    """The default four-eyes rules, capital movements from the configured amount."""
    capital = FourEyesRule(Permission.CAPITAL_MANAGE, settings.capital_four_eyes_from)
    return (*(rule for rule in DEFAULT_RULES if rule.permission is not Permission.CAPITAL_MANAGE), capital)


def default_senders(pm: pluggy.PluginManager, settings: Settings) -> dict[Channel, MessageSender]:
    """SMS through the configured provider; email when an SMTP server is configured. (Telegram messages
    are sent by the bot, which adds its sender.)"""
    senders: dict[Channel, MessageSender] = {Channel.SMS: sms_sender(pm, settings)}
    if settings.smtp_host and settings.smtp_sender:
        senders[Channel.EMAIL] = EmailNotifier(smtp_client(settings))
    return senders


def open_database(settings: Settings) -> Engine:
    """The engine for the configured database; the embedded default is created and migrated here."""
    if settings.is_embedded and not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.effective_database_url, synchronous=settings.sqlite_synchronous)
    if settings.is_embedded:
        upgrade_if_needed(engine)
    return engine
