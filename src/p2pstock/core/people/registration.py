"""Customers: registration, the language they read, phone verification by SMS code, identity and documents.

A customer comes from the Telegram bot (``telegram_user_id``) or from an embedder (``customer_id`` of its
own). Every change is audited with the customer as actor and any message to them leaves through the
outbox in the same transaction, so a code is texted only if its challenge was stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

import attrs

from p2pstock.core.backoffice import Backoffice, Tx
from p2pstock.core.clock import from_micros
from p2pstock.core.errors import InvalidInput, NotFound, Refused
from p2pstock.core.notifications import Channel, mask
from p2pstock.core.people.customers import Customer, check_language
from p2pstock.core.people.documents import (
    CustomerDocument,
    DocumentKind,
    DocumentStore,
    ImageDecoder,
    check_whole,
)
from p2pstock.core.people.permissions import Permission
from p2pstock.core.people.phone_codes import CodeChallenge, CodePolicy, PhoneCodes, normalise_phone
from p2pstock.core.people.resident_id import ResidentId
from p2pstock.core.validation import check_name, optional_telegram_user_id


class WrongCode(Refused):
    """The code typed is not the one sent; ``attempts_left`` more tries are allowed."""

    code = "wrong_code"

    def __init__(self, attempts_left: int) -> None:
        super().__init__(f"that code is not right; {attempts_left} attempts left")
        self.attempts_left = attempts_left


@attrs.frozen
class CodeSent:
    """A code is on its way to ``phone`` (masked); it works until ``expires_at``."""

    phone: str
    expires_at: datetime


def customer_state(customer: Customer) -> dict[str, object]:
    """What the audit trail keeps of a customer: no full phone number or identity number."""
    return {
        "status": customer.status.value,
        "language": customer.language,
        "phone": mask(customer.phone) if customer.phone else "",
        "resident_id": customer.resident_id.masked if customer.resident_id else "",
        "reason": customer.rejection_reason,
    }


@attrs.frozen
class Named:
    """What an administrator's queues show of a customer."""

    real_name: str | None
    masked_id: str | None
    """The resident ID number with all but its first three and last two characters hidden."""


@attrs.define
class Customers:
    office: Backoffice
    documents_store: DocumentStore
    images: ImageDecoder
    """Decodes uploaded images in full before anything is stored."""
    code_policy: CodePolicy = attrs.Factory(CodePolicy)

    # -- profile ---------------------------------------------------------------------------------------

    def register(
        self,
        *,
        telegram_user_id: int | None = None,
        customer_id: str | None = None,
        language: str = "zh",
        also: Callable[[Tx, str], object] | None = None,
    ) -> Customer:
        """A new customer, or the one already linked to this Telegram account (``/start`` twice); ``also``
        runs in the same transaction with the customer's id (the bot opens their wallet so: one write
        transaction for a newcomer instead of two)."""
        telegram = optional_telegram_user_id(telegram_user_id)
        new_id = (
            f"c{uuid.uuid4().hex[:15]}" if customer_id is None else check_name(customer_id, "customer id")
        )
        lang = check_language(language)

        def register(tx: Tx) -> Customer:
            customer = tx.uow.customers.by_telegram(telegram) if telegram else tx.uow.customers.get(new_id)
            if customer is None:
                customer = Customer.register(new_id, telegram_user_id=telegram, language=lang, at=tx.now)
                tx.uow.customers.add(customer)
                tx.audit(customer.id, "customer.register", customer.id, after=customer_state(customer))
            if also is not None:
                also(tx, customer.id)
            return customer

        return self.office.run(register)

    def get(self, customer_id: str) -> Customer:
        customer = self.office.read(lambda tx: tx.uow.customers.get(customer_id))
        if customer is None:
            raise NotFound(f"no customer {customer_id}", code="customer_not_found", customer=customer_id)
        return customer

    def named(self, customer_ids: Sequence[str], *, by: str) -> dict[str, Named]:
        """How an administrator of any role names the customers of ``customer_ids`` that exist in the queues
        and lists they work on: the real name and the masked ID number, nothing more."""

        def look(tx: Tx) -> dict[str, Named]:
            tx.admin_any(by, list(Permission))
            found = tx.uow.customers.many(sorted(set(customer_ids)))
            return {
                i: Named(c.real_name, c.resident_id.masked if c.resident_id else None)
                for i, c in found.items()
            }

        return self.office.read(look)

    def by_telegram(self, telegram_user_id: int) -> Customer | None:
        telegram = optional_telegram_user_id(telegram_user_id)
        return self.office.read(lambda tx: tx.uow.customers.by_telegram(telegram)) if telegram else None

    def set_language(self, customer_id: str, language: str) -> Customer:
        lang = check_language(language)

        def change(tx: Tx) -> Customer:
            before = locked_customer(tx, customer_id)
            if before.language == lang:
                return before
            customer = attrs.evolve(before, language=lang)
            tx.uow.customers.save(customer)
            tx.audit(
                customer.id,
                "customer.language",
                customer.id,
                before=customer_state(before),
                after=customer_state(customer),
            )
            return customer

        return self.office.run(change)

    # -- phone -----------------------------------------------------------------------------------------

    def request_phone_code(self, customer_id: str, phone: str) -> CodeSent:
        """Text a fresh code to ``phone`` for ``customer_id``, within the policy's limits."""
        number = normalise_phone(phone)

        def issue(tx: Tx) -> CodeSent:
            customer = locked_customer(tx, customer_id)
            owner = tx.uow.customers.by_phone(number)
            if owner is not None and owner.id != customer.id:
                raise Refused("this phone number belongs to another account", code="phone_taken")
            record = tx.uow.phone_codes.get(number, lock=True)
            now = from_micros(tx.now)
            history = record.sent if record else ()
            challenge, code = CodeChallenge.issue(number, now=now, policy=self.code_policy, history=history)
            base = record or PhoneCodes(number, customer.id, challenge, ())
            tx.uow.phone_codes.put(base.reissued(customer.id, challenge))
            minutes = self.code_policy.expiry_seconds // 60 or 1
            tx.notify(Channel.SMS, number, "phone.code", customer.language, code=code, minutes=minutes)
            tx.audit(customer.id, "phone.code_sent", customer.id, after={"phone": mask(number)})
            return CodeSent(mask(number), challenge.expires_at)

        return self.office.run(issue)

    def confirm_phone(self, customer_id: str, phone: str, code: str) -> Customer:
        """Check the code typed back; the right one verifies the number, a wrong one costs an attempt."""
        number = normalise_phone(phone)

        def check(tx: Tx) -> Customer | int:
            customer = locked_customer(tx, customer_id)
            record = tx.uow.phone_codes.get(number, lock=True)
            if record is None or record.customer_id != customer.id:
                raise Refused(
                    "no code was sent to this number for you; ask for one first", code="no_code_sent"
                )
            challenge, right = record.challenge.check(code, now=from_micros(tx.now), policy=self.code_policy)
            tx.uow.phone_codes.put(attrs.evolve(record, challenge=challenge))
            if not right:
                after = {"phone": mask(number), "attempts": challenge.attempts}
                tx.audit(customer.id, "phone.code_wrong", customer.id, after=after)
                return self.code_policy.max_attempts - challenge.attempts  # the attempt is kept
            verified = customer.phone_verified(number)
            tx.uow.customers.save(verified)
            tx.audit(
                customer.id,
                "customer.phone_verified",
                customer.id,
                before=customer_state(customer),
                after=customer_state(verified),
            )
            return verified

        result = self.office.run(check)
        if isinstance(result, int):
            raise WrongCode(result)
        return result

    # -- identity and documents ----------------------------------------------------------------------------

    def submit_identity(self, customer_id: str, real_name: str, resident_id: str) -> Customer:
        """Record the real name and resident identity number for review; one number, one customer."""

        def submit(tx: Tx) -> Customer:
            number = ResidentId.parse(resident_id, today=from_micros(tx.now).date())
            before = locked_customer(tx, customer_id)
            holder = tx.uow.customers.by_resident_id(number.number)
            if holder is not None and holder.id != before.id:
                raise Refused(
                    "this identity number is already registered to another account", code="identity_taken"
                )
            customer = before.submit_identity(real_name, number)
            tx.uow.customers.save(customer)
            tx.audit(
                customer.id,
                "customer.identity_submitted",
                customer.id,
                before=customer_state(before),
                after=customer_state(customer),
            )
            return customer

        return self.office.run(submit)

    def upload_document(self, customer_id: str, kind: str, content: bytes) -> CustomerDocument:
        """Keep the file (JPEG, PNG or PDF, size-limited) and queue it for review.

        The file must be a whole document of the type its first bytes show (``check_whole``): an image
        that does not decode, or a damaged PDF, is refused with ``DocumentRefused`` and nothing is
        stored. The same file uploaded again for the same kind while still pending returns the first
        upload.
        """
        document_kind = _kind(kind)
        if not isinstance(content, bytes):
            raise InvalidInput("a document must be bytes", code="wrong_type")
        check_whole(content, self.images)
        stored = self.documents_store.put(content)  # content-addressed: keeping it twice is harmless

        def record(tx: Tx) -> CustomerDocument:
            customer = locked_customer(tx, customer_id)
            for earlier in tx.uow.documents.of_customer(customer.id):
                if (earlier.kind, earlier.sha256, earlier.status.value) == (
                    document_kind,
                    stored.sha256,
                    "pending",
                ):
                    return earlier
            document = CustomerDocument(
                f"d{uuid.uuid4().hex[:15]}",
                customer.id,
                document_kind,
                stored.sha256,
                stored.content_type,
                stored.size,
                tx.now,
            )
            tx.uow.documents.add(document)
            tx.audit(customer.id, "document.upload", document.id, after=document_state(document))
            return document

        return self.office.run(record)

    def documents(self, customer_id: str) -> list[CustomerDocument]:
        return self.office.read(lambda tx: tx.uow.documents.of_customer(customer_id))


def document_state(document: CustomerDocument) -> dict[str, object]:
    """What the audit trail keeps of a document."""
    return {
        "customer": document.customer_id,
        "kind": document.kind.value,
        "sha256": document.sha256,
        "status": document.status.value,
        "reason": document.reason,
    }


def _kind(value: str) -> DocumentKind:
    try:
        return DocumentKind(value)
    except ValueError:
        kinds = ", ".join(kind.value for kind in DocumentKind)
        raise InvalidInput(f"a document kind must be one of {kinds}", code="document_kind_invalid") from None


def locked_customer(tx: Tx, customer_id: str) -> Customer:
    """The customer, read for update; ``NotFound`` if there is none."""
    customer = tx.uow.customers.get(customer_id, lock=True)
    if customer is None:
        raise NotFound(f"no customer {customer_id}", code="customer_not_found", customer=customer_id)
    return customer
