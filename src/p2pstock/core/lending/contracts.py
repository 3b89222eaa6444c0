"""Issuing and handing out the electronic agreements (电子合同): the loan agreement of a disbursed loan and
the transfer agreement of each purchase of a debt.

An agreement is built (``agreements``), printed as a PDF by the ``AgreementPrinter``, kept in the document
store, and its SHA-256 recorded on the loan (or the purchase) in a transaction of its own (printing is
slow, so it never holds a lock). The lending service and the debt market issue it right after the
disbursement or the purchase commits, and the jobs issue any a crash left out; printing an agreement again
gives the same bytes, so issuing twice records one file. Its parties download it — the borrower and every
lender of a loan, the seller and the buyer of a purchase — and the bytes are hashed again before they
leave, so a file changed after it was issued is refused rather than handed out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Protocol

import attrs

from p2pstock.core.agreements import Agreement, AgreementPrinter, ContractTampered, intact
from p2pstock.core.backoffice import SYSTEM, Tx
from p2pstock.core.errors import NotFound, P2PStockError
from p2pstock.core.lending import agreements
from p2pstock.core.lending.debt_transfer import TransferPurchase
from p2pstock.core.lending.desk import LoanDesk
from p2pstock.core.lending.loans import Loan
from p2pstock.core.people.documents import DocumentStore
from p2pstock.core.people.permissions import Permission

log = logging.getLogger(__name__)
BATCH = 50
VIEW = (Permission.LOAN_REVIEW, Permission.LOAN_FULL_REVIEW)


class Issued(Protocol):
    """A loan or a purchase: what an agreement is issued for."""

    @property
    def id(self) -> str: ...
    @property
    def contract_hash(self) -> str: ...


LOAN, TRANSFER = "loan", "transfer"
LISTED = 20


@attrs.frozen
class AgreementRef:
    """An issued agreement a customer is a party to: a loan's (``id`` the loan's) or a purchase's."""

    kind: str
    id: str
    loan_id: str
    at: int


@attrs.define
class Contracts:
    desk: LoanDesk
    store: DocumentStore
    printer: AgreementPrinter

    def issue(self, loan_id: str) -> Loan:
        """Print and keep the loan's agreement and record its hash (once: the loan as it stands if it has
        one already)."""
        loan, agreement = self.desk.office.read(lambda tx: self._agreement(tx, loan_id))
        if agreement is None:
            return loan
        stored = self.store.put(self.printer.print(agreement))
        return self.desk.office.run(lambda tx: self._record(tx, loan_id, stored.sha256))

    def issue_missing(self) -> int:
        """Issue the agreement of every disbursed loan without one (a crash between the disbursement and
        its agreement); how many were issued."""
        return self._drain(lambda tx: tx.uow.loans.without_contract(BATCH), self.issue) + self._drain(
            lambda tx: tx.uow.transfer_purchases.without_contract(BATCH), self.issue_transfer
        )

    def _drain(self, waiting: Callable[[Tx], Sequence[Issued]], issue: Callable[[str], Issued]) -> int:
        """Issue what ``waiting`` finds, a batch at a time, until a batch comes back short or issues
        nothing (an agreement that cannot be printed now is logged and left for the next round)."""
        issued = 0
        while True:
            found = self.desk.office.read(waiting)
            done = sum(self._issued(issue, item.id) for item in found)
            issued += done
            if len(found) < BATCH or not done:
                return issued

    @staticmethod
    def _issued(issue: Callable[[str], Issued], of: str) -> bool:
        try:
            return bool(issue(of).contract_hash)
        except (P2PStockError, OSError) as error:
            log.warning("the agreement of %s was not issued: %s: %s", of, type(error).__name__, error)
            return False

    def of_customer(self, customer_id: str, *, limit: int = LISTED) -> list[AgreementRef]:
        """The issued agreements the customer is a party to — as borrower, lender, seller or buyer — the
        newest first."""

        def look(tx: Tx) -> list[AgreementRef]:
            lent = {i.loan_id for i in tx.uow.investments.of_investor(customer_id)}
            loans = [*tx.uow.loans.of_borrower(customer_id), *filter(None, map(tx.uow.loans.get, lent))]
            found = [AgreementRef(LOAN, x.id, x.id, x.disbursed_at or 0) for x in loans if x.contract_hash]
            found += [
                AgreementRef(TRANSFER, p.id, p.loan_id, p.at)
                for p in tx.uow.transfer_purchases.of_party(customer_id, limit)
                if p.contract_hash
            ]
            return sorted(found, key=lambda r: (-r.at, r.id))[:limit]

        return self.desk.office.read(look)

    def issue_transfer(self, purchase_id: str) -> TransferPurchase:
        """Print and keep the transfer agreement of a purchase and record its hash (once)."""
        purchase, agreement = self.desk.office.read(lambda tx: self._transfer_agreement(tx, purchase_id))
        if agreement is None:
            return purchase
        stored = self.store.put(self.printer.print(agreement))

        def record(tx: Tx) -> TransferPurchase:
            tx.uow.transfer_purchases.record_contract(
                purchase_id, agreements.TRANSFER_AGREEMENT.id, stored.sha256
            )
            return _purchase(tx, purchase_id)

        return self.desk.office.run(record)

    def download_transfer(self, purchase_id: str, *, customer_id: str) -> bytes:
        """The transfer agreement's PDF for the seller or the buyer, checked against its hash."""

        def look(tx: Tx) -> TransferPurchase:
            purchase = _purchase(tx, purchase_id)
            if customer_id not in (purchase.seller_id, purchase.buyer_id):
                raise NotFound(f"no purchase {purchase_id}", code="purchase_not_found", purchase=purchase_id)
            return purchase

        purchase = self.desk.office.read(look)
        return intact(self.store, purchase.contract_hash, purchase.id)

    def _transfer_agreement(self, tx: Tx, purchase_id: str) -> tuple[TransferPurchase, Agreement | None]:
        purchase = _purchase(tx, purchase_id)
        listing = tx.uow.transfer_listings.get(purchase.listing_id)
        if purchase.contract_hash or listing is None:
            return purchase, None
        loan = self.desk.load(tx, purchase.loan_id, lock=False)
        made = agreements.transfer_agreement(
            purchase,
            listing,
            loan,
            (tx.uow.customers.get(purchase.seller_id), tx.uow.customers.get(purchase.buyer_id)),
            tx.uow.installments.of_loan(loan.id),
            brand=self.desk.office.brand,
            made_on=self.desk.local(purchase.at).date(),
        )
        return purchase, made

    def download(self, loan_id: str, *, customer_id: str) -> bytes:
        """The agreement's PDF for the borrower or a lender of the loan, checked against its hash."""

        def look(tx: Tx) -> Loan:
            loan = self.desk.load(tx, loan_id, lock=False)
            mine = loan.borrower_id == customer_id or any(
                i.investor_id == customer_id for i in tx.uow.investments.of_loan(loan.id)
            )
            if not mine:
                raise NotFound(f"no loan {loan_id}", code="loan_not_found", loan=loan_id)
            return loan

        loan = self.desk.office.read(look)
        return intact(self.store, loan.contract_hash, loan.id)

    def verify(self, loan_id: str, *, by: str) -> bool:
        """Whether the stored agreement still matches its hash (an administrator reviewing loans asks)."""

        def look(tx: Tx) -> Loan:
            tx.admin_any(by, VIEW)
            return self.desk.load(tx, loan_id, lock=False)

        loan = self.desk.office.read(look)
        try:
            intact(self.store, loan.contract_hash, loan.id)
        except ContractTampered:
            return False
        return True

    def _agreement(self, tx: Tx, loan_id: str) -> tuple[Loan, Agreement | None]:
        loan = self.desk.load(tx, loan_id, lock=False)
        if loan.contract_hash or loan.disbursed_at is None:
            return loan, None
        made = agreements.loan_agreement(
            loan,
            [(i, lender) for i, lender in tx.uow.investments.holders(loan.id) if not i.bought],
            tx.uow.customers.get(loan.borrower_id),
            tx.uow.installments.of_loan(loan.id),
            brand=self.desk.office.brand,
            made_on=self.desk.local(loan.disbursed_at).date(),
        )
        return loan, made

    def _record(self, tx: Tx, loan_id: str, sha256: str) -> Loan:
        loan = self.desk.load(tx, loan_id)
        if loan.contract_hash:
            return loan
        issued = attrs.evolve(loan, contract=agreements.LOAN_AGREEMENT.id, contract_hash=sha256)
        return self.desk.change(tx, loan, issued, actor=SYSTEM, action="contract")


def _purchase(tx: Tx, purchase_id: str) -> TransferPurchase:
    purchase = tx.uow.transfer_purchases.get(purchase_id)
    if purchase is None:
        raise NotFound(f"no purchase {purchase_id}", code="purchase_not_found", purchase=purchase_id)
    return purchase
