"""Issuing and handing out the loan agreement (电子合同).

Once a loan is disbursed its agreement is built (``agreements.loan_agreement``), printed as a PDF by the
``AgreementPrinter``, kept in the document store, and its SHA-256 recorded on the loan in a transaction of
its own (printing is slow, so it never holds the loan's lock). The lending service issues it right after
the disbursement commits, and the jobs issue any a crash left out; printing an agreement again gives the
same bytes, so issuing twice records one file. The borrower and every lender of the loan download it;
the bytes are hashed again before they leave, so a file changed after it was issued is refused rather
than handed out.
"""

from __future__ import annotations

import hashlib
import logging

import attrs

from p2pstock.core.backoffice import SYSTEM, Tx
from p2pstock.core.errors import NotFound, Refused, StorageError
from p2pstock.core.lending import agreements
from p2pstock.core.lending.agreements import AgreementPrinter
from p2pstock.core.lending.desk import LoanDesk
from p2pstock.core.lending.loans import Loan
from p2pstock.core.people.documents import DocumentStore
from p2pstock.core.people.permissions import Permission

log = logging.getLogger(__name__)
BATCH = 50
VIEW = (Permission.LOAN_REVIEW, Permission.LOAN_FULL_REVIEW)


class ContractTampered(Refused):
    """A stored agreement no longer matches the hash recorded when it was issued."""

    code = "contract_tampered"


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
        issued = 0
        while True:
            waiting = self.desk.office.read(lambda tx: tx.uow.loans.without_contract(BATCH))
            for loan in waiting:
                issued += bool(self.issue(loan.id).contract_hash)
            if len(waiting) < BATCH:
                return issued

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

        return self._intact(self.desk.office.read(look))

    def verify(self, loan_id: str, *, by: str) -> bool:
        """Whether the stored agreement still matches its hash (an administrator reviewing loans asks)."""

        def look(tx: Tx) -> Loan:
            tx.admin_any(by, VIEW)
            return self.desk.load(tx, loan_id, lock=False)

        try:
            self._intact(self.desk.office.read(look))
        except ContractTampered:
            return False
        return True

    def _agreement(self, tx: Tx, loan_id: str) -> tuple[Loan, agreements.Agreement | None]:
        loan = self.desk.load(tx, loan_id, lock=False)
        if loan.contract_hash or loan.disbursed_at is None:
            return loan, None
        made = agreements.loan_agreement(
            loan,
            tx.uow.investments.holders(loan.id),
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

    def _intact(self, loan: Loan) -> bytes:
        if not loan.contract_hash:
            raise NotFound(f"loan {loan.id} has no agreement yet", code="contract_not_issued", loan=loan.id)
        try:
            content = self.store.get(loan.contract_hash)
        except StorageError:
            content = b""
        if hashlib.sha256(content).hexdigest() != loan.contract_hash:
            log.error("the agreement of loan %s no longer matches its hash", loan.id)
            raise ContractTampered(
                f"the agreement of loan {loan.id} was changed after it was issued", loan=loan.id
            )
        return content
