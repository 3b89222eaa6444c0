"""Payment orders and the frontends' UI state on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from p2pstock.adapters.sql.repository import Row, SqlRepository
from p2pstock.core.payments import OrderStatus, PaymentOrder

_COLUMNS = (
    "id",
    "customer_id",
    "amount",
    "currency",
    "provider",
    "created_at",
    "status",
    "transaction_id",
    "paid_at",
    "reported_amount",
    "reported_currency",
    "resolved_by",
    "approved_by",
    "resolved_at",
    "reason",
)
"""The columns in the order of ``PaymentOrder``'s fields."""
_CHANGING = _COLUMNS[6:]
"""What a callback or a resolution changes."""
_ORDER = ", ".join(_COLUMNS)
_SELECT = f"SELECT {_ORDER} FROM payment_order"
_ADD = f"INSERT INTO payment_order ({_ORDER}) VALUES ({', '.join(':' + c for c in _COLUMNS)})"
_SAVE = f"UPDATE payment_order SET {', '.join(f'{c} = :{c}' for c in _CHANGING)} WHERE id = :id"
_OF_CUSTOMER = f"{_SELECT} WHERE customer_id = :customer_id ORDER BY created_at DESC, id DESC LIMIT :limit"
_WITH_STATUS = f"{_SELECT} WHERE status = :status ORDER BY created_at, id LIMIT :limit"


class SqlPaymentOrders(SqlRepository):
    def get(self, order_id: str, *, lock: bool = False) -> PaymentOrder | None:
        row = self._first(f"{_SELECT} WHERE id = :id{self._for_update(lock)}", {"id": order_id})
        return None if row is None else _order(row)

    def add(self, order: PaymentOrder) -> None:
        self._run(_ADD, _row(order))

    def save(self, order: PaymentOrder) -> None:
        self._change(_SAVE, _row(order), "payment order")

    def of_customer(self, customer_id: str, limit: int) -> list[PaymentOrder]:
        return [_order(r) for r in self._rows(_OF_CUSTOMER, {"customer_id": customer_id, "limit": limit})]

    def with_status(self, status: OrderStatus, limit: int) -> list[PaymentOrder]:
        return [_order(r) for r in self._rows(_WITH_STATUS, {"status": str(status), "limit": limit})]


def _row(order: PaymentOrder) -> dict[str, Any]:
    row = {column: getattr(order, column) for column in _COLUMNS}
    row["status"] = str(order.status)
    return row


def _order(row: Row) -> PaymentOrder:
    fields = dict(zip(_COLUMNS, row, strict=True))
    return PaymentOrder(**{**fields, "status": OrderStatus(fields["status"])})


_PUT_STATE = (
    "INSERT INTO ui_state (key, value) VALUES (:key, :value) ON CONFLICT (key) DO UPDATE SET value = :value"
)


class SqlUiState(SqlRepository):
    def get(self, key: str) -> str | None:
        row = self._first("SELECT value FROM ui_state WHERE key = :key", {"key": key})
        return None if row is None else str(row[0])

    def put(self, key: str, value: str) -> None:
        self._run(_PUT_STATE, {"key": key, "value": value})

    def delete(self, key: str) -> None:
        self._run("DELETE FROM ui_state WHERE key = :key", {"key": key})

    def items(self, prefix: str) -> dict[str, str]:
        escaped = prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_")
        rows = self._rows(
            "SELECT key, value FROM ui_state WHERE key LIKE :pattern ESCAPE '!' ORDER BY key",
            {"pattern": escaped + "%"},
        )
        return {str(key): str(value) for key, value in rows}
