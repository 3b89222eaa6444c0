"""Platform statistics for administrators holding ``stats.view``: customers by verification status, what
waits in the review queues, and the money moved by code on a business day."""

from __future__ import annotations

from datetime import date

import attrs

from p2pstock.core.backoffice import Backoffice, Tx
from p2pstock.core.ledger.ports import CodeTotal
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.people.permissions import Permission
from p2pstock.core.wallet.withdrawals import WithdrawalStatus

QUEUE_LIMIT = 1000
"""Queues are counted up to this many items (a longer queue shows as this number and more)."""


@attrs.frozen
class PlatformOverview:
    day: date
    customers: dict[str, int]
    """KYC status → number of customers."""
    documents_to_review: int
    identities_to_review: int
    withdrawals_pending: int
    withdrawals_pending_amount: int
    """Minor units frozen in pending withdrawals."""
    moved: list[CodeTotal]
    """Posted money by code on ``day`` (platform-wide)."""


@attrs.define
class PlatformStatistics:
    office: Backoffice
    ledger: Ledger

    def overview(self, *, by: str, day: date | None = None) -> PlatformOverview:
        """The platform at a glance; ``day`` (default: today's business day) for the money moved."""
        when = day or self.office.clock.now().astimezone(self.ledger.timezone).date()

        def look(tx: Tx) -> PlatformOverview:
            tx.admin(by, Permission.STATS_VIEW)
            pending = tx.uow.withdrawals.list(WithdrawalStatus.PENDING, QUEUE_LIMIT)
            return PlatformOverview(
                day=when,
                customers=tx.uow.customers.count_by_status(),
                documents_to_review=len(tx.uow.documents.pending(QUEUE_LIMIT)),
                identities_to_review=len(tx.uow.customers.in_status("identity_submitted", QUEUE_LIMIT)),
                withdrawals_pending=len(pending),
                withdrawals_pending_amount=sum(w.amount for w in pending),
                moved=[],
            )

        overview = self.office.read(look)
        return attrs.evolve(overview, moved=self.ledger.statistics("day", start=when, end=when))
