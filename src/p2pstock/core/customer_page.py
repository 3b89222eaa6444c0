"""A customer as the back office looks them up (``customer.view``): found by the end of their phone number,
their name or their id, and their page — verification, wallet, allocations, loans, investments and the
latest movements of their money. Phone and ID numbers only ever leave here masked."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from p2pstock.core.allocation.allocations import Allocation
from p2pstock.core.backoffice import Backoffice, Tx
from p2pstock.core.errors import NotFound
from p2pstock.core.ledger import chart
from p2pstock.core.ledger.activity import Movement
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.lending.loans import Investment, Loan
from p2pstock.core.money import Currency
from p2pstock.core.notifications import mask
from p2pstock.core.people.customers import Customer, KycStatus
from p2pstock.core.people.documents import CustomerDocument
from p2pstock.core.people.permissions import Permission
from p2pstock.core.validation import check_text

FOUND = 20
"""Customers a search answers at most."""
MAX_WORDS = 40
"""Longest search, in characters."""
RECENT = 5
"""Movements a page shows."""


@attrs.frozen
class Found:
    """A customer a search found."""

    id: str
    real_name: str
    phone: str
    """Masked: all but its last four digits hidden."""
    status: KycStatus

    @classmethod
    def of(cls, customer: Customer) -> Found:
        return cls(
            customer.id, customer.real_name, mask(customer.phone) if customer.phone else "", customer.status
        )


@attrs.frozen
class CustomerPage:
    customer: Found
    masked_id: str
    on_telegram: bool
    joined: int
    """Microseconds since the epoch."""
    documents: tuple[CustomerDocument, ...]
    available: int
    frozen: int
    allocations: tuple[Allocation, ...]
    loans: tuple[Loan, ...]
    """Borrowed."""
    investments: tuple[Investment, ...]
    recent: tuple[Movement, ...]
    """The wallet's latest movements, newest first."""


@attrs.define
class CustomerPages:
    office: Backoffice
    ledger: Ledger
    currency: Currency

    def search(self, words: str, *, by: str) -> list[Found]:
        """Customers by the end of their phone number (4 digits or more), their name, or their id."""
        wanted = check_text(words, "search", MAX_WORDS, min_length=1)

        def look(tx: Tx) -> list[Found]:
            tx.admin(by, Permission.CUSTOMER_VIEW)
            return [Found.of(customer) for customer in tx.uow.customers.search(wanted, FOUND)]

        return self.office.read(look)

    def page(self, customer_id: str, *, by: str) -> CustomerPage:
        def look(tx: Tx) -> CustomerPage:
            tx.admin(by, Permission.CUSTOMER_VIEW)
            customer = tx.uow.customers.get(customer_id)
            if customer is None:
                raise NotFound(f"no customer {customer_id}", code="customer_not_found", customer=customer_id)
            return CustomerPage(
                customer=Found.of(customer),
                masked_id=customer.resident_id.masked if customer.resident_id else "",
                on_telegram=customer.telegram_user_id is not None,
                joined=customer.created_at,
                documents=tuple(tx.uow.documents.of_customer(customer_id)),
                available=0,
                frozen=0,
                allocations=_newest(tx.uow.allocations.of_customer(customer_id)),
                loans=tuple(tx.uow.loans.of_borrower(customer_id)),
                investments=tuple(tx.uow.investments.of_investor(customer_id)),
                recent=(),
            )

        page = self.office.read(look)
        wallet = chart.wallet_id(customer_id, self.currency.code)
        try:
            balances = self.ledger.account(wallet).balances
        except NotFound:  # no wallet opened yet
            return page
        recent = self.ledger.activity(wallet, limit=RECENT).movements
        return attrs.evolve(page, available=balances.available, frozen=balances.frozen, recent=recent)


def _newest(allocations: Sequence[Allocation]) -> tuple[Allocation, ...]:
    return tuple(sorted(allocations, key=lambda a: a.created_at, reverse=True))
