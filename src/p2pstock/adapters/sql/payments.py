"""Payment orders and the frontends' UI state on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from p2pstock.adapters.sql.repository import Row, SqlRepository
from p2pstock.core.payments import OrderStatus, PaymentOrder

_ORDER = "id, customer_id, amount, currency, provider, created_at, status, transaction_id, paid_at"
_SELECT = f"SELECT {_ORDER} FROM payment_order"
_ADD = (
    f"INSERT INTO payment_order ({_ORDER}) VALUES (:id, :customer_id, :amount, :currency, :provider, "
    ":created_at, :status, :transaction_id, :paid_at)"
)
_SAVE = (
    "UPDATE payment_order SET status = :status, transaction_id = :transaction_id, paid_at = :paid_at "
    "WHERE id = :id"
)
_OF_CUSTOMER = f"{_SELECT} WHERE customer_id = :customer_id ORDER BY created_at DESC, id DESC LIMIT :limit"


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


def _row(order: PaymentOrder) -> dict[str, Any]:
    return {
        "id": order.id,
        "customer_id": order.customer_id,
        "amount": order.amount,
        "currency": order.currency,
        "provider": order.provider,
        "created_at": order.created_at,
        "status": str(order.status),
        "transaction_id": order.transaction_id,
        "paid_at": order.paid_at,
    }


def _order(row: Row) -> PaymentOrder:
    return PaymentOrder(row[0], row[1], row[2], row[3], row[4], row[5], OrderStatus(row[6]), row[7], row[8])


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
