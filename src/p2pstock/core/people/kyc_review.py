"""Reviewing customers' identities and documents: the administrators' side of KYC.

Documents are reviewed one by one under ``document.review``; an identity is verified under
``kyc.review`` only once the documents in ``REQUIRED_FOR_IDENTITY`` (both sides of the ID card) have an
accepted upload. Rejections carry a reason the customer is told.
"""

from __future__ import annotations

import attrs

from p2pstock.core.backoffice import Backoffice, Tx
from p2pstock.core.errors import NotFound, Refused
from p2pstock.core.people.customers import Customer, KycStatus
from p2pstock.core.people.documents import (
    REQUIRED_FOR_IDENTITY,
    CustomerDocument,
    DocumentKind,
    DocumentStore,
    ReviewStatus,
)
from p2pstock.core.people.permissions import Permission
from p2pstock.core.people.registration import customer_state, document_state, locked_customer
from p2pstock.core.validation import check_id, check_reason


def missing_documents(documents: list[CustomerDocument]) -> set[DocumentKind]:
    """The required kinds without an accepted upload."""
    accepted = {d.kind for d in documents if d.status is ReviewStatus.ACCEPTED}
    return set(REQUIRED_FOR_IDENTITY) - accepted


@attrs.define
class KycReview:
    office: Backoffice
    documents_store: DocumentStore

    # -- documents -------------------------------------------------------------------------------------

    def pending_documents(self, *, by: str, limit: int = 50) -> list[CustomerDocument]:
        def look(tx: Tx) -> list[CustomerDocument]:
            tx.admin(by, Permission.DOCUMENT_REVIEW)
            return tx.uow.documents.pending(limit)

        return self.office.read(look)

    def document_content(self, document_id: str, *, by: str) -> tuple[CustomerDocument, bytes]:
        """The document and its bytes, for a reviewer to look at."""

        def look(tx: Tx) -> CustomerDocument:
            tx.admin(by, Permission.DOCUMENT_REVIEW)
            return _document(tx, document_id, lock=False)

        document = self.office.read(look)
        return document, self.documents_store.get(document.sha256)

    def accept_document(self, document_id: str, *, by: str) -> CustomerDocument:
        return self._review(document_id, ReviewStatus.ACCEPTED, by=by, reason="")

    def reject_document(self, document_id: str, *, by: str, reason: str) -> CustomerDocument:
        """Refuse a document; the customer is told why and may upload another."""
        return self._review(document_id, ReviewStatus.REJECTED, by=by, reason=check_reason(reason))

    def _review(self, document_id: str, status: ReviewStatus, *, by: str, reason: str) -> CustomerDocument:
        def review(tx: Tx) -> CustomerDocument:
            admin = tx.admin(by, Permission.DOCUMENT_REVIEW)
            before = _document(tx, document_id, lock=True)
            if before.status is status and before.reviewed_by == admin.id:
                return before  # a double tap
            document = before.reviewed(status, by=admin.id, at=tx.now, reason=reason)
            tx.uow.documents.save(document)
            tx.audit(
                admin.id,
                f"document.{status.value}",
                document.id,
                before=document_state(before),
                after=document_state(document),
            )
            if status is ReviewStatus.REJECTED:
                customer = tx.uow.customers.get(document.customer_id)
                tx.tell(customer, "document.rejected", kind=document.kind, reason=reason)
            return document

        return self.office.run(review)

    # -- identities ------------------------------------------------------------------------------------

    def identities_to_review(self, *, by: str, limit: int = 50) -> list[Customer]:
        def look(tx: Tx) -> list[Customer]:
            tx.admin(by, Permission.KYC_REVIEW)
            return tx.uow.customers.in_status(KycStatus.IDENTITY_SUBMITTED.value, limit)

        return self.office.read(look)

    def verify_identity(self, customer_id: str, *, by: str) -> Customer:
        """Accept the submitted identity; refused while a required document is not accepted."""

        def verify(tx: Tx) -> Customer:
            admin = tx.admin(by, Permission.KYC_REVIEW)
            before = locked_customer(tx, check_id(customer_id, "customer id"))
            if before.status is KycStatus.VERIFIED:
                return before
            missing = missing_documents(tx.uow.documents.of_customer(before.id))
            if missing:
                names = ", ".join(sorted(kind.value for kind in missing))
                raise Refused(
                    f"the identity cannot be verified before these documents are accepted: {names}",
                    code="documents_missing",
                )
            customer = before.verify()
            tx.uow.customers.save(customer)
            tx.audit(
                admin.id,
                "customer.verify",
                customer.id,
                before=customer_state(before),
                after=customer_state(customer),
            )
            tx.tell(customer, "identity.verified")
            return customer

        return self.office.run(verify)

    def reject_identity(self, customer_id: str, *, by: str, reason: str) -> Customer:
        """Refuse the submitted identity; the customer is told why and may submit again."""
        why = check_reason(reason)

        def reject(tx: Tx) -> Customer:
            admin = tx.admin(by, Permission.KYC_REVIEW)
            before = locked_customer(tx, check_id(customer_id, "customer id"))
            if before.status is KycStatus.REJECTED and before.rejection_reason == why:
                return before
            customer = before.reject(why)
            tx.uow.customers.save(customer)
            tx.audit(
                admin.id,
                "customer.reject",
                customer.id,
                before=customer_state(before),
                after=customer_state(customer),
            )
            tx.tell(customer, "identity.rejected", reason=why)
            return customer

        return self.office.run(reject)


def _document(tx: Tx, document_id: str, *, lock: bool) -> CustomerDocument:
    document = tx.uow.documents.get(check_id(document_id, "document id"), lock=lock)
    if document is None:
        raise NotFound(f"no document {document_id}", code="document_not_found", document=document_id)
    return document
