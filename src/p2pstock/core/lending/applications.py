"""A borrower's application and its two reviews, up to the listing in the financing hall.

The borrower must be verified (identity and phone) and name at least one qualification document of their
own (house certificate, bank statement or other). The first review checks that the identity is verified
and that every named document has been accepted in the document review; the final review, by a second
administrator, lists the loan for ``bidding_days`` days. Either review may reject, with a reason told to
the borrower; the borrower may withdraw the application until it is listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import attrs

from p2pstock.core.backoffice import Tx
from p2pstock.core.clock import to_micros
from p2pstock.core.errors import IdempotencyConflict, InvalidInput, NotFound, Refused
from p2pstock.core.identifiers import record_id
from p2pstock.core.ledger import chart
from p2pstock.core.lending.desk import LoanDesk
from p2pstock.core.lending.loans import Loan, LoanStatus, Review
from p2pstock.core.lending.products import LoanTerms
from p2pstock.core.money import Money
from p2pstock.core.people.customers import KycStatus
from p2pstock.core.people.documents import DocumentKind, ReviewStatus
from p2pstock.core.people.permissions import Permission
from p2pstock.core.validation import check_reason, check_text

QUALIFICATIONS = frozenset({DocumentKind.HOUSE_CERTIFICATE, DocumentKind.BANK_STATEMENT, DocumentKind.OTHER})
MAX_PURPOSE = 200


def loan_id(customer_id: str, request_id: str | None) -> str:
    """A new loan's id: named by the caller's request id (applying again answers the same loan), or random."""
    return record_id("L", customer_id, request_id, digits=11)


def apply(
    desk: LoanDesk,
    tx: Tx,
    customer_id: str,
    product_code: str,
    terms: LoanTerms,
    *,
    purpose: str,
    documents: Sequence[str],
    request_id: str | None = None,
) -> Loan:
    new_id = loan_id(customer_id, request_id)
    known = tx.uow.loans.get(new_id)
    if known is not None:
        if (known.borrower_id, known.product.code, known.terms) != (customer_id, product_code, terms):
            raise IdempotencyConflict(
                f"request {request_id} was used for another application", code="request_reused"
            )
        return known
    customer = tx.uow.customers.get(customer_id)
    if customer is None:
        raise NotFound(f"no customer {customer_id}", code="customer_not_found", customer=customer_id)
    if customer.status is not KycStatus.VERIFIED or not customer.phone:
        raise Refused(
            "verify your identity and phone before applying for a loan", code="verify_identity_and_phone"
        )
    entry = tx.uow.loan_products.latest(product_code)
    if entry is None or not entry.offered:
        raise NotFound(
            f"no loan product {product_code} on offer", code="loan_product_not_found", product=product_code
        )
    loan = Loan(
        id=new_id,
        borrower_id=customer_id,
        product=entry.product,
        terms=entry.product.check(terms),
        purpose=check_purpose(purpose),
        documents=_qualifications(tx, customer_id, documents),
        created_at=tx.now,
    )
    tx.uow.loans.add(loan)
    desk.ledger.create_accounts_in(tx.uow.ledger, [chart.loan_escrow(loan.id), chart.fee_income()])
    tx.audit(customer_id, "loan.apply", loan.id, after={"amount": terms.amount, "months": terms.months})
    tx.tell(customer, "loan.applied", id=loan.id, amount=Money(terms.amount))
    return loan


def check_purpose(purpose: object) -> str:
    """What the loan is for, as the borrower typed it (``check_text``); it may not be left out."""
    checked = check_text(purpose, "purpose", MAX_PURPOSE, lines=True)
    if not checked:
        raise InvalidInput("say what the loan is for", code="purpose_missing")
    return checked


def _qualifications(tx: Tx, customer_id: str, documents: Sequence[str]) -> tuple[str, ...]:
    if isinstance(documents, str) or not documents:
        raise InvalidInput(
            "name at least one qualification document (house certificate, bank statement, other)",
            code="qualification_missing",
        )
    named = tuple(dict.fromkeys(documents))
    for document_id in named:
        document = tx.uow.documents.get(document_id)
        if document is None or document.customer_id != customer_id:
            raise NotFound(
                f"no document {document_id} of yours", code="document_not_found", document=document_id
            )
        if document.kind not in QUALIFICATIONS:
            raise InvalidInput(
                f"document {document_id} is an identity document, not a qualification",
                code="not_qualification",
                document=document_id,
            )
        if document.status is ReviewStatus.REJECTED:
            raise Refused(
                f"document {document_id} was rejected; upload it again",
                code="document_rejected",
                document=document_id,
            )
    return named


def withdraw(desk: LoanDesk, tx: Tx, loan_id_: str, customer_id: str) -> Loan:
    """The borrower takes back an application that is not listed yet."""
    loan = _own(desk, tx, loan_id_, customer_id)
    if loan.status is LoanStatus.WITHDRAWN:
        return loan
    loan.require(LoanStatus.APPLIED, LoanStatus.FIRST_REVIEWED)
    closed = attrs.evolve(loan, status=LoanStatus.WITHDRAWN, reason="withdrawn by the borrower")
    return desk.change(tx, loan, closed, actor=customer_id, action="withdraw")


def first_review(desk: LoanDesk, tx: Tx, loan_id_: str, *, by: str, note: str = "") -> Loan:
    """Pass the first review: the borrower's identity verified and each named document accepted."""
    admin = tx.admin(by, Permission.LOAN_REVIEW)
    loan = desk.load(tx, loan_id_)
    if loan.status is LoanStatus.FIRST_REVIEWED and loan.reviews[-1].by == admin.id:
        return loan
    loan.require(LoanStatus.APPLIED)
    missing = _unauthenticated(tx, loan)
    if missing:
        raise Refused(f"not authenticated yet: {', '.join(missing)}", code="documents_not_authenticated")
    review = Review(admin.id, tx.now, True, check_text(note, "note", MAX_PURPOSE, lines=True))
    passed = attrs.evolve(loan, status=LoanStatus.FIRST_REVIEWED, reviews=(*loan.reviews, review))
    return desk.change(tx, loan, passed, actor=admin.id, action="first_review")


def _unauthenticated(tx: Tx, loan: Loan) -> list[str]:
    customer = tx.uow.customers.get(loan.borrower_id)
    missing = [] if customer is not None and customer.status is KycStatus.VERIFIED else ["identity"]
    for document_id in loan.documents:
        document = tx.uow.documents.get(document_id)
        if document is None or document.status is not ReviewStatus.ACCEPTED:
            kind = document.kind.value.replace("_", " ") if document else "document"
            missing.append(f"{kind} {document_id}")
    return missing


def final_review(desk: LoanDesk, tx: Tx, loan_id_: str, *, by: str, note: str = "") -> Loan:
    """Pass the final review (by another administrator than the first): the loan is listed for bidding."""
    admin = tx.admin(by, Permission.LOAN_REVIEW)
    loan = desk.load(tx, loan_id_)
    if loan.status is LoanStatus.LISTED and loan.reviews[-1].by == admin.id:
        return loan
    loan.require(LoanStatus.FIRST_REVIEWED)
    if loan.reviews[-1].by == admin.id:
        raise Refused(
            "the final review needs another administrator than the first review",
            code="second_reviewer_needed",
        )
    review = Review(admin.id, tx.now, True, check_text(note, "note", MAX_PURPOSE, lines=True))
    deadline = desk.local(tx.now) + timedelta(days=loan.terms.bidding_days)
    listed = attrs.evolve(
        loan,
        status=LoanStatus.LISTED,
        reviews=(*loan.reviews, review),
        listed_at=tx.now,
        deadline=to_micros(deadline),
    )
    saved = desk.change(tx, loan, listed, actor=admin.id, action="list")
    when = deadline.strftime("%Y-%m-%d %H:%M")
    tx.tell(tx.uow.customers.get(loan.borrower_id), "loan.listed", id=loan.id, deadline=when)
    return saved


def reject(desk: LoanDesk, tx: Tx, loan_id_: str, *, by: str, reason: str) -> Loan:
    """Reject an application at either review, telling the borrower why."""
    admin = tx.admin(by, Permission.LOAN_REVIEW)
    loan = desk.load(tx, loan_id_)
    if loan.status is LoanStatus.REJECTED:
        return loan
    loan.require(LoanStatus.APPLIED, LoanStatus.FIRST_REVIEWED)
    why = check_reason(reason)
    review = Review(admin.id, tx.now, False, why)
    rejected = attrs.evolve(loan, status=LoanStatus.REJECTED, reviews=(*loan.reviews, review), reason=why)
    saved = desk.change(tx, loan, rejected, actor=admin.id, action="reject")
    tx.tell(tx.uow.customers.get(loan.borrower_id), "loan.rejected", id=loan.id, reason=why)
    return saved


def _own(desk: LoanDesk, tx: Tx, loan_id_: str, customer_id: str) -> Loan:
    loan = desk.load(tx, loan_id_)
    if loan.borrower_id != customer_id:
        raise NotFound(f"no loan {loan_id_}", code="loan_not_found", loan=loan_id_)
    return loan
