"""Withdrawal requests on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from p2pstock.adapters.sql.statements import for_dialect
from p2pstock.core.wallet.withdrawals import Withdrawal, WithdrawalStatus

_COLUMNS = "id, customer_id, amount, currency, status, requested_at, decided_at, decided_by, reason"
_GET = f"SELECT {_COLUMNS} FROM withdrawal WHERE id = :id"
_ADD = (
    f"INSERT INTO withdrawal ({_COLUMNS}) VALUES (:id, :customer_id, :amount, :currency, :status, :requested_at, "
    ":decided_at, :decided_by, :reason)"
)
_DECIDE = (
    "UPDATE withdrawal SET status = :status, decided_at = :decided_at, decided_by = :decided_by, reason = :reason "
    "WHERE id = :id AND status = 'pending'"
)
_LIST = f"SELECT {_COLUMNS} FROM withdrawal ORDER BY requested_at, id LIMIT :limit"
_LIST_BY_STATUS = (
    f"SELECT {_COLUMNS} FROM withdrawal WHERE status = :status ORDER BY requested_at, id LIMIT :limit"
)


class SqlWithdrawals:
    def __init__(self, cursor: Any, dialect: str) -> None:
        self._cursor, self._dialect = cursor, dialect

    def get(self, withdrawal_id: str) -> Withdrawal | None:
        rows = self._run(_GET, {"id": withdrawal_id}).fetchall()
        return _withdrawal(rows[0]) if rows else None

    def add(self, withdrawal: Withdrawal) -> None:
        self._run(_ADD, _row(withdrawal))

    def decide(self, withdrawal: Withdrawal) -> bool:
        return int(self._run(_DECIDE, _row(withdrawal)).rowcount) == 1

    def list(self, status: WithdrawalStatus | None, limit: int) -> list[Withdrawal]:
        if status is None:
            return [_withdrawal(r) for r in self._run(_LIST, {"limit": limit}).fetchall()]
        rows = self._run(_LIST_BY_STATUS, {"status": str(status), "limit": limit}).fetchall()
        return [_withdrawal(r) for r in rows]

    def _run(self, statement: str, params: dict[str, Any]) -> Any:
        self._cursor.execute(for_dialect(statement, self._dialect), params)
        return self._cursor


def _row(w: Withdrawal) -> dict[str, Any]:
    return {
        "id": w.id,
        "customer_id": w.customer_id,
        "amount": w.amount,
        "currency": w.currency,
        "status": str(w.status),
        "requested_at": w.requested_at,
        "decided_at": w.decided_at,
        "decided_by": w.decided_by,
        "reason": w.reason,
    }


def _withdrawal(row: tuple[Any, ...]) -> Withdrawal:
    return Withdrawal(
        row[0], row[1], row[2], row[3], WithdrawalStatus(row[4]), row[5], row[6], row[7], row[8]
    )
