"""Customers, phone verification codes and customer documents on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from p2pstock.adapters.sql.repository import Row, SqlRepository, split_list
from p2pstock.core import trusted
from p2pstock.core.clock import from_micros, to_micros
from p2pstock.core.people.customers import Customer, KycStatus, phone_tail
from p2pstock.core.people.documents import ContentType, CustomerDocument, DocumentKind, ReviewStatus
from p2pstock.core.people.phone_codes import CodeChallenge, PhoneCodes
from p2pstock.core.people.resident_id import ResidentId

# -- customers

CUSTOMER_COLUMNS = (
    "id, telegram_user_id, language, phone, real_name, resident_id, status, rejection_reason, created_at"
)
_SELECT_CUSTOMER = f"SELECT {CUSTOMER_COLUMNS} FROM customer"
_ADD_CUSTOMER = (
    f"INSERT INTO customer ({CUSTOMER_COLUMNS}) VALUES (:id, :telegram_user_id, :language, :phone, :real_name, "
    ":resident_id, :status, :rejection_reason, :created_at)"
)
_SAVE_CUSTOMER = (
    "UPDATE customer SET telegram_user_id = :telegram_user_id, language = :language, phone = :phone, "
    "real_name = :real_name, resident_id = :resident_id, status = :status, rejection_reason = :rejection_reason, "
    "created_at = :created_at WHERE id = :id"
)
_CUSTOMERS_IN_STATUS = f"{_SELECT_CUSTOMER} WHERE status = :status ORDER BY created_at, id LIMIT :limit"
_SEARCH_CUSTOMERS = (
    f"{_SELECT_CUSTOMER} WHERE id = :words OR real_name LIKE :inside ESCAPE '!' OR phone LIKE :tail ESCAPE '!' "
    "ORDER BY created_at, id LIMIT :limit"
)


class SqlCustomers(SqlRepository):
    def get(self, customer_id: str, *, lock: bool = False) -> Customer | None:
        return self._one(f"{_SELECT_CUSTOMER} WHERE id = :key{self._for_update(lock)}", customer_id)

    def many(self, customer_ids: list[str]) -> dict[str, Customer]:
        rows = self._in(f"{_SELECT_CUSTOMER} WHERE id {{in_keys}}", sorted(set(customer_ids)))
        return {row[0]: customer_of(row) for row in rows}

    def by_telegram(self, telegram_user_id: int) -> Customer | None:
        return self._one(f"{_SELECT_CUSTOMER} WHERE telegram_user_id = :key", telegram_user_id)

    def by_resident_id(self, number: str) -> Customer | None:
        return self._one(f"{_SELECT_CUSTOMER} WHERE resident_id = :key", number)

    def by_phone(self, phone: str) -> Customer | None:
        if not phone:  # "" is every unverified customer's, not a number anyone owns
            return None
        return self._one(f"{_SELECT_CUSTOMER} WHERE phone = :key", phone)

    def add(self, customer: Customer) -> None:
        self._run(_ADD_CUSTOMER, _customer_row(customer))

    def save(self, customer: Customer) -> None:
        self._change(_SAVE_CUSTOMER, _customer_row(customer), "customer")

    def in_status(self, status: str, limit: int) -> list[Customer]:
        rows = self._rows(_CUSTOMERS_IN_STATUS, {"status": str(status), "limit": limit})
        return [customer_of(row) for row in rows]

    def search(self, words: str, limit: int) -> list[Customer]:
        escaped = words.replace("!", "!!").replace("%", "!%").replace("_", "!_")
        tail = f"%{escaped}" if phone_tail(words) else None  # LIKE NULL matches nothing
        params = {"words": words, "inside": f"%{escaped}%", "tail": tail, "limit": limit}
        return [customer_of(row) for row in self._rows(_SEARCH_CUSTOMERS, params)]

    def count_by_status(self) -> dict[str, int]:
        rows = self._rows("SELECT status, count(*) FROM customer GROUP BY status", {})
        return {str(status): int(count) for status, count in rows}

    def _one(self, statement: str, key: object) -> Customer | None:
        row = self._first(statement, {"key": key})
        return None if row is None else customer_of(row)


def _customer_row(c: Customer) -> dict[str, Any]:
    return {
        "id": c.id,
        "telegram_user_id": c.telegram_user_id,
        "language": c.language,
        "phone": c.phone,
        "real_name": c.real_name,
        "resident_id": None if c.resident_id is None else c.resident_id.number,
        "status": str(c.status),
        "rejection_reason": c.rejection_reason,
        "created_at": c.created_at,
    }


def customer_of(row: Row) -> Customer:
    """A customer as stored: checked when it was saved, so not again (an installment's notices read a
    thousand at once)."""
    resident_id = None if row[5] is None else trusted.build(ResidentId, row[5])
    return trusted.build(Customer, *row[:5], resident_id, _KYC[row[6]], row[7], row[8])


_KYC = {status.value: status for status in KycStatus}


# -- phone codes

_PHONE_CODE = "phone, customer_id, code_hash, salt, issued_at, expires_at, attempts, used, sent"
_GET_PHONE_CODE = f"SELECT {_PHONE_CODE} FROM phone_code WHERE phone = :phone"
_PUT_PHONE_CODE = (
    f"INSERT INTO phone_code ({_PHONE_CODE}) VALUES (:phone, :customer_id, :code_hash, :salt, :issued_at, "
    ":expires_at, :attempts, :used, :sent) ON CONFLICT (phone) DO UPDATE SET customer_id = excluded.customer_id, "
    "code_hash = excluded.code_hash, salt = excluded.salt, issued_at = excluded.issued_at, "
    "expires_at = excluded.expires_at, attempts = excluded.attempts, used = excluded.used, sent = excluded.sent"
)


class SqlPhoneCodes(SqlRepository):
    def get(self, phone: str, *, lock: bool = False) -> PhoneCodes | None:
        row = self._first(_GET_PHONE_CODE + self._for_update(lock), {"phone": phone})
        return None if row is None else _phone_codes(row)

    def put(self, codes: PhoneCodes) -> None:
        self._run(_PUT_PHONE_CODE, _phone_codes_row(codes))


def _phone_codes_row(codes: PhoneCodes) -> dict[str, Any]:
    challenge = codes.challenge
    return {
        "phone": codes.phone,
        "customer_id": codes.customer_id,
        "code_hash": challenge.code_hash,
        "salt": challenge.salt,
        "issued_at": to_micros(challenge.issued_at),
        "expires_at": to_micros(challenge.expires_at),
        "attempts": challenge.attempts,
        "used": challenge.used,
        "sent": ",".join(str(to_micros(moment)) for moment in codes.sent),  # in the record's order
    }


def _phone_codes(row: Row) -> PhoneCodes:
    challenge = CodeChallenge(
        phone=row[0],
        code_hash=row[2],
        salt=row[3],
        issued_at=from_micros(row[4]),
        expires_at=from_micros(row[5]),
        attempts=row[6],
        used=bool(row[7]),
    )
    sent = tuple(from_micros(int(micros)) for micros in split_list(row[8]))
    return PhoneCodes(phone=row[0], customer_id=row[1], challenge=challenge, sent=sent)


# -- documents

_DOCUMENT = (
    "id, customer_id, kind, sha256, content_type, size, uploaded_at, status, reviewed_by, reviewed_at, reason"
)
_SELECT_DOCUMENT = f"SELECT {_DOCUMENT} FROM customer_document"
_ADD_DOCUMENT = (
    f"INSERT INTO customer_document ({_DOCUMENT}) VALUES (:id, :customer_id, :kind, :sha256, :content_type, "
    ":size, :uploaded_at, :status, :reviewed_by, :reviewed_at, :reason)"
)
_SAVE_DOCUMENT = (
    "UPDATE customer_document SET customer_id = :customer_id, kind = :kind, sha256 = :sha256, "
    "content_type = :content_type, size = :size, uploaded_at = :uploaded_at, status = :status, "
    "reviewed_by = :reviewed_by, reviewed_at = :reviewed_at, reason = :reason WHERE id = :id"
)
_DOCUMENTS_OF = f"{_SELECT_DOCUMENT} WHERE customer_id = :customer_id ORDER BY uploaded_at, id"
_PENDING_DOCUMENTS = f"{_SELECT_DOCUMENT} WHERE status = :status ORDER BY uploaded_at, id LIMIT :limit"


class SqlDocuments(SqlRepository):
    def get(self, document_id: str, *, lock: bool = False) -> CustomerDocument | None:
        row = self._first(f"{_SELECT_DOCUMENT} WHERE id = :id{self._for_update(lock)}", {"id": document_id})
        return None if row is None else _document(row)

    def add(self, document: CustomerDocument) -> None:
        self._run(_ADD_DOCUMENT, _document_row(document))

    def save(self, document: CustomerDocument) -> None:
        self._change(_SAVE_DOCUMENT, _document_row(document), "document")

    def of_customer(self, customer_id: str) -> list[CustomerDocument]:
        return [_document(row) for row in self._rows(_DOCUMENTS_OF, {"customer_id": customer_id})]

    def pending(self, limit: int) -> list[CustomerDocument]:
        rows = self._rows(_PENDING_DOCUMENTS, {"status": str(ReviewStatus.PENDING), "limit": limit})
        return [_document(row) for row in rows]


def _document_row(d: CustomerDocument) -> dict[str, Any]:
    return {
        "id": d.id,
        "customer_id": d.customer_id,
        "kind": str(d.kind),
        "sha256": d.sha256,
        "content_type": str(d.content_type),
        "size": d.size,
        "uploaded_at": d.uploaded_at,
        "status": str(d.status),
        "reviewed_by": d.reviewed_by,
        "reviewed_at": d.reviewed_at,
        "reason": d.reason,
    }


def _document(row: Row) -> CustomerDocument:
    return CustomerDocument(
        id=row[0],
        customer_id=row[1],
        kind=DocumentKind(row[2]),
        sha256=row[3],
        content_type=ContentType(row[4]),
        size=row[5],
        uploaded_at=row[6],
        status=ReviewStatus(row[7]),
        reviewed_by=row[8],
        reviewed_at=row[9],
        reason=row[10],
    )
