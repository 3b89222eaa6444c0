"""Issuing and handing out allocation agreements (配资协议): made when an allocation is confirmed — its lines
fixed — printed as a PDF by the ``AgreementPrinter``, kept in the document store, and its SHA-256 recorded
on the allocation (a change on its timeline) in a transaction of its own, since printing is slow and holds
no lock.

The service issues it right after the confirmation commits; ``p2pstock jobs run`` issues any that a crash
or a failed printer left out. The agreement is made from the allocation's figures and customer, dated at
the confirmation, so printing it again gives the same bytes and issuing twice records one file; one issued
late (after an expansion, say) states the figures as they stand when it is issued. The
customer downloads it; the bytes are hashed again before they leave, and a changed file is refused.
"""

from __future__ import annotations

import logging

import attrs

from p2pstock.core.agreements import Agreement, AgreementPrinter, intact
from p2pstock.core.allocation.agreement import ALLOCATION_AGREEMENT, allocation_agreement
from p2pstock.core.allocation.allocations import Allocation, Status
from p2pstock.core.allocation.desk import Desk
from p2pstock.core.backoffice import SYSTEM, Tx
from p2pstock.core.errors import NotFound, P2PStockError
from p2pstock.core.people.documents import DocumentStore

log = logging.getLogger(__name__)
BATCH = 200
AGREED = (Status.CONFIRMED, Status.IN_PROGRESS)
"""The states in which an allocation has an agreement to issue (the jobs look for missing ones there)."""


@attrs.define
class AllocationContracts:
    desk: Desk
    store: DocumentStore
    printer: AgreementPrinter

    def issue(self, allocation_id: str) -> Allocation:
        """Print and keep the allocation's agreement and record its hash (once: the allocation as it stands
        if it has one already, or is not confirmed yet)."""
        allocation, agreement = self.desk.office.read(lambda tx: self._agreement(tx, allocation_id))
        if agreement is None:
            return allocation
        stored = self.store.put(self.printer.print(agreement))
        return self.desk.office.run(lambda tx: self._record(tx, allocation_id, stored.sha256))

    def issue_missing(self) -> int:
        """Issue the agreement of every confirmed or running allocation without one; how many were issued
        (one that cannot be printed now is logged and left for the next round)."""
        issued, page = 0, self._page("")
        while True:
            issued += sum(self._issued(a.id) for a in page if a.confirmed_at and not a.contract_hash)
            if len(page) < BATCH:
                return issued
            page = self._page(page[-1].id)

    def _page(self, after: str) -> list[Allocation]:
        return self.desk.office.read(
            lambda tx: tx.uow.allocations.in_status(list(AGREED), BATCH, after=after)
        )

    def _issued(self, allocation_id: str) -> bool:
        try:
            return bool(self.issue(allocation_id).contract_hash)
        except (P2PStockError, OSError) as error:
            kind = type(error).__name__
            log.warning("the agreement of %s was not issued: %s: %s", allocation_id, kind, error)
            return False

    def download(self, allocation_id: str, *, customer_id: str) -> bytes:
        """The agreement's PDF for the allocation's customer, checked against its hash."""

        def look(tx: Tx) -> Allocation:
            allocation = tx.uow.allocations.get(allocation_id)
            if allocation is None or allocation.customer_id != customer_id:
                raise NotFound(
                    f"no allocation {allocation_id}", code="allocation_not_found", allocation=allocation_id
                )
            return allocation

        allocation = self.desk.office.read(look)
        return intact(self.store, allocation.contract_hash, allocation.id)

    def _agreement(self, tx: Tx, allocation_id: str) -> tuple[Allocation, Agreement | None]:
        allocation = self.desk.load(tx, allocation_id, lock=False)
        if allocation.contract_hash or not allocation.confirmed_at:
            return allocation, None
        made = allocation_agreement(
            allocation,
            tx.uow.customers.get(allocation.customer_id),
            brand=self.desk.office.brand,
            made_on=self.desk.local(allocation.confirmed_at).date(),
            made_at=allocation.confirmed_at,
        )
        return allocation, made

    def _record(self, tx: Tx, allocation_id: str, sha256: str) -> Allocation:
        allocation = self.desk.load(tx, allocation_id)
        if allocation.contract_hash:
            return allocation
        issued = attrs.evolve(allocation, contract=ALLOCATION_AGREEMENT.id, contract_hash=sha256)
        return self.desk.change(tx, allocation, issued, actor=SYSTEM, kind="agreement", digest=sha256)
