"""In-memory repositories for people, approvals, the audit trail and the outbox (see ``memory.py``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date
from typing import TypeVar

import attrs

from p2pstock.core.allocation.ports import CatalogEntry, DayOverride, YearLoad
from p2pstock.core.audit import AuditRecord, ChainHead
from p2pstock.core.errors import NotFound, TransientConflict
from p2pstock.core.notifications import Channel, DeliveryStatus, Notification
from p2pstock.core.payments import OrderStatus, PaymentOrder
from p2pstock.core.people.customers import Customer, phone_tail
from p2pstock.core.people.documents import CustomerDocument, ReviewStatus
from p2pstock.core.people.four_eyes import ApprovalRequest, ApprovalStatus
from p2pstock.core.people.permissions import Administrator, Role
from p2pstock.core.people.phone_codes import PhoneCodes

V = TypeVar("V")
Undo = list[Callable[[], None]]


def put(table: dict[str, V], key: str, value: V, undo: Undo) -> None:
    """Set ``table[key]`` and remember how to take it back."""
    if key in table:
        old = table[key]
        undo.append(lambda: table.__setitem__(key, old))
    else:
        undo.append(lambda: table.__delitem__(key))
    table[key] = value


def remove(table: dict[str, V], key: str, undo: Undo) -> bool:
    """Delete ``table[key]`` if present, remembering how to put it back; whether it was there."""
    if key not in table:
        return False
    old = table.pop(key)
    undo.append(lambda: table.__setitem__(key, old))
    return True


class MemoryCustomers:
    def __init__(self, rows: dict[str, Customer], undo: Undo) -> None:
        self._rows, self._undo = rows, undo

    def get(self, customer_id: str, *, lock: bool = False) -> Customer | None:
        return self._rows.get(customer_id)

    def many(self, customer_ids: list[str]) -> dict[str, Customer]:
        return {key: self._rows[key] for key in customer_ids if key in self._rows}

    def by_telegram(self, telegram_user_id: int) -> Customer | None:
        return self._first(lambda c: c.telegram_user_id == telegram_user_id)

    def by_resident_id(self, number: str) -> Customer | None:
        return self._first(lambda c: c.resident_id is not None and c.resident_id.number == number)

    def by_phone(self, phone: str) -> Customer | None:
        return self._first(lambda c: c.phone == phone) if phone else None

    def search(self, words: str, limit: int) -> list[Customer]:
        tail = words if phone_tail(words) else None
        found = [
            c
            for c in self._rows.values()
            if c.id == words or words in c.real_name or (tail is not None and c.phone.endswith(tail))
        ]
        return sorted(found, key=lambda c: (c.created_at, c.id))[:limit]

    def add(self, customer: Customer) -> None:
        if customer.id in self._rows:
            raise TransientConflict(f"customer {customer.id} exists")
        self._check_unique(customer)
        put(self._rows, customer.id, customer, self._undo)

    def save(self, customer: Customer) -> None:
        self._check_unique(customer)
        put(self._rows, customer.id, customer, self._undo)

    def in_status(self, status: str, limit: int) -> list[Customer]:
        found = sorted(
            (c for c in self._rows.values() if c.status == status), key=lambda c: (c.created_at, c.id)
        )
        return found[:limit]

    def count_by_status(self) -> dict[str, int]:
        return dict(Counter(c.status.value for c in self._rows.values()))

    def _check_unique(self, customer: Customer) -> None:
        """What the SQL adapter's unique indexes refuse (telegram id, phone, resident id)."""
        for other in self._rows.values():
            if other.id == customer.id:
                continue
            if customer.telegram_user_id is not None and other.telegram_user_id == customer.telegram_user_id:
                raise TransientConflict("telegram user id already linked")
            if customer.phone and other.phone == customer.phone:
                raise TransientConflict("phone already registered")
            if customer.resident_id is not None and other.resident_id == customer.resident_id:
                raise TransientConflict("resident id already registered")

    def _first(self, matches: Callable[[Customer], bool]) -> Customer | None:
        return next((c for c in self._rows.values() if matches(c)), None)


class MemoryPhoneCodes:
    def __init__(self, rows: dict[str, PhoneCodes], undo: Undo) -> None:
        self._rows, self._undo = rows, undo

    def get(self, phone: str, *, lock: bool = False) -> PhoneCodes | None:
        return self._rows.get(phone)

    def put(self, codes: PhoneCodes) -> None:
        put(self._rows, codes.phone, codes, self._undo)


class MemoryDocuments:
    def __init__(self, rows: dict[str, CustomerDocument], undo: Undo) -> None:
        self._rows, self._undo = rows, undo

    def get(self, document_id: str, *, lock: bool = False) -> CustomerDocument | None:
        return self._rows.get(document_id)

    def add(self, document: CustomerDocument) -> None:
        if document.id in self._rows:
            raise TransientConflict(f"document {document.id} exists")
        put(self._rows, document.id, document, self._undo)

    def save(self, document: CustomerDocument) -> None:
        put(self._rows, document.id, document, self._undo)

    def of_customer(self, customer_id: str) -> list[CustomerDocument]:
        return _oldest_first(d for d in self._rows.values() if d.customer_id == customer_id)

    def pending(self, limit: int) -> list[CustomerDocument]:
        return _oldest_first(d for d in self._rows.values() if d.status is ReviewStatus.PENDING)[:limit]


def _oldest_first(documents: Iterable[CustomerDocument]) -> list[CustomerDocument]:
    return sorted(documents, key=lambda d: (d.uploaded_at, d.id))


class MemoryStaff:
    def __init__(self, roles: dict[str, Role], admins: dict[str, Administrator], undo: Undo) -> None:
        self._roles, self._admins, self._undo = roles, admins, undo

    def custom_roles(self) -> dict[str, Role]:
        return dict(self._roles)

    def put_role(self, role: Role) -> None:
        put(self._roles, role.name, role, self._undo)

    def get(self, admin_id: str, *, lock: bool = False) -> Administrator | None:
        return self._admins.get(admin_id)

    def by_telegram(self, telegram_user_id: int) -> Administrator | None:
        return next((a for a in self._admins.values() if a.telegram_user_id == telegram_user_id), None)

    def put(self, admin: Administrator) -> None:
        if admin.telegram_user_id is not None:
            holder = self.by_telegram(admin.telegram_user_id)
            if holder is not None and holder.id != admin.id:
                raise TransientConflict("telegram user id already linked to an administrator")
        put(self._admins, admin.id, admin, self._undo)

    def all(self) -> list[Administrator]:
        return [self._admins[key] for key in sorted(self._admins)]


class MemoryApprovals:
    def __init__(self, rows: dict[str, ApprovalRequest], undo: Undo) -> None:
        self._rows, self._undo = rows, undo

    def get(self, request_id: str, *, lock: bool = False) -> ApprovalRequest | None:
        return self._rows.get(request_id)

    def add(self, request: ApprovalRequest) -> None:
        if request.id in self._rows or self.pending(1, action=request.action, target=request.target):
            raise TransientConflict(f"approval request {request.id} exists or another one waits")
        put(self._rows, request.id, request, self._undo)

    def save(self, request: ApprovalRequest) -> None:
        put(self._rows, request.id, request, self._undo)

    def pending(self, limit: int, *, action: str = "", target: str = "") -> list[ApprovalRequest]:
        found = [
            r
            for r in self._rows.values()
            if r.status is ApprovalStatus.PENDING
            and (not action or r.action == action)
            and (not target or r.target == target)
        ]
        return sorted(found, key=lambda r: (r.created_at, r.id))[:limit]

    def decidable(self, permission: str, checker_id: str, now: int, limit: int) -> list[ApprovalRequest]:
        return [
            r
            for r in self.pending(len(self._rows))
            if r.permission == permission and r.maker_id != checker_id and now < r.expires_at
        ][:limit]


class MemoryAuditLog:
    def __init__(self, records: list[AuditRecord], undo: Undo) -> None:
        self._records, self._undo = records, undo

    def head(self) -> AuditRecord | None:
        return self._records[-1] if self._records else None

    def append(self, records: Sequence[AuditRecord]) -> None:
        for record in records:
            if record.seq != len(self._records) + 1:
                raise TransientConflict(f"audit record {record.seq} is out of turn")
            self._records.append(record)
            self._undo.append(lambda: self._records.__delitem__(-1))

    def records(self, after_seq: int, limit: int) -> list[AuditRecord]:
        return self._records[after_seq : after_seq + limit]

    def stored_head(self) -> ChainHead:
        return ChainHead.of(self.head())


class MemoryOutbox:
    def __init__(self, rows: dict[str, Notification], undo: Undo) -> None:
        self._rows, self._undo = rows, undo

    def add(self, notifications: Sequence[Notification]) -> None:
        for notification in notifications:
            if notification.id in self._rows:
                raise TransientConflict(f"notification {notification.id} exists")
            put(self._rows, notification.id, notification, self._undo)

    def get(self, notification_id: str, *, lock: bool = False) -> Notification | None:
        return self._rows.get(notification_id)

    def save(self, notification: Notification) -> None:
        put(self._rows, notification.id, notification, self._undo)

    def due(self, now: int, limit: int, channels: Collection[Channel] | None = None) -> list[Notification]:
        found = [
            n
            for n in self._rows.values()
            if n.status is DeliveryStatus.PENDING
            and n.next_attempt_at <= now
            and (channels is None or n.channel in channels)
        ]
        return sorted(found, key=lambda n: (n.next_attempt_at, n.id))[:limit]

    def of_recipient(self, recipient: str, limit: int) -> list[Notification]:
        found = [n for n in self._rows.values() if n.recipient == recipient]
        return sorted(found, key=lambda n: (n.created_at, n.id), reverse=True)[:limit]


class MemoryPaymentOrders:
    def __init__(self, rows: dict[str, PaymentOrder], undo: Undo) -> None:
        self._rows, self._undo = rows, undo

    def get(self, order_id: str, *, lock: bool = False) -> PaymentOrder | None:
        return self._rows.get(order_id)

    def add(self, order: PaymentOrder) -> None:
        if order.id in self._rows:
            raise TransientConflict(f"payment order {order.id} exists")
        put(self._rows, order.id, order, self._undo)

    def save(self, order: PaymentOrder) -> None:
        if order.id not in self._rows:
            raise NotFound("there is no such payment order")
        put(self._rows, order.id, order, self._undo)

    def of_customer(self, customer_id: str, limit: int) -> list[PaymentOrder]:
        found = [o for o in self._rows.values() if o.customer_id == customer_id]
        return sorted(found, key=lambda o: (o.created_at, o.id), reverse=True)[:limit]

    def with_status(self, status: OrderStatus, limit: int) -> list[PaymentOrder]:
        found = [o for o in self._rows.values() if o.status is status]
        return sorted(found, key=lambda o: (o.created_at, o.id))[:limit]


class MemoryUiState:
    def __init__(self, rows: dict[str, str], undo: Undo) -> None:
        self._rows, self._undo = rows, undo

    def get(self, key: str) -> str | None:
        return self._rows.get(key)

    def put(self, key: str, value: str) -> None:
        put(self._rows, key, value, self._undo)

    def delete(self, key: str) -> None:
        remove(self._rows, key, self._undo)

    def items(self, prefix: str) -> dict[str, str]:
        return {k: v for k, v in self._rows.items() if k.startswith(prefix)}


class MemoryProducts:
    def __init__(self, rows: dict[str, CatalogEntry], undo: Undo) -> None:
        self._rows, self._undo = rows, undo

    def latest(self, code: str, *, lock: bool = False) -> CatalogEntry | None:
        versions = [e for e in self._rows.values() if e.product.code == code]
        return max(versions, key=lambda e: e.product.version, default=None)

    def get(self, code: str, version: int) -> CatalogEntry | None:
        return self._rows.get(f"{code}@{version}")

    def add(self, entry: CatalogEntry) -> None:
        key = f"{entry.product.code}@{entry.product.version}"
        if key in self._rows:
            raise TransientConflict(f"product {key} exists")
        put(self._rows, key, entry, self._undo)

    def set_offered(self, code: str, version: int, offered: bool) -> None:
        entry = self.get(code, version)
        if entry is None:
            raise NotFound("there is no such product version")
        put(self._rows, f"{code}@{version}", attrs.evolve(entry, offered=offered), self._undo)

    def offered(self) -> list[CatalogEntry]:
        return [e for e in self.newest() if e.offered]

    def newest(self) -> list[CatalogEntry]:
        codes = sorted({e.product.code for e in self._rows.values()})
        return [e for e in (self.latest(code) for code in codes) if e is not None]


class MemoryCalendarOverrides:
    def __init__(self, rows: dict[str, DayOverride], undo: Undo) -> None:
        self._rows, self._undo = rows, undo

    def all(self) -> list[DayOverride]:
        return sorted(self._rows.values(), key=lambda o: o.day)

    def put(self, override: DayOverride) -> None:
        put(self._rows, override.day.isoformat(), override, self._undo)

    def delete(self, day: date) -> bool:
        return remove(self._rows, day.isoformat(), self._undo)


class MemoryCalendarYears:
    def __init__(self, rows: dict[str, YearLoad], undo: Undo) -> None:
        self._rows, self._undo = rows, undo

    def latest(self) -> dict[int, YearLoad]:
        newest: dict[int, YearLoad] = {}
        for load in sorted(self._rows.values(), key=lambda load: (load.year, load.version)):
            newest[load.year] = load
        return newest

    def versions(self, year: int) -> list[YearLoad]:
        return sorted(
            (load for load in self._rows.values() if load.year == year), key=lambda load: load.version
        )

    def add(self, load: YearLoad) -> None:
        key = f"{load.year}@{load.version}"
        if key in self._rows:
            raise TransientConflict(f"calendar load {key} exists")
        put(self._rows, key, load, self._undo)


class MemoryNoticeMarks:
    def __init__(self, rows: dict[str, int], undo: Undo) -> None:
        self._rows, self._undo = rows, undo

    def mark(self, key: str, at: int) -> bool:
        if key in self._rows:
            return False
        put(self._rows, key, at, self._undo)
        return True
