"""What every repository on the unit of work's driver cursor shares: running ``:name`` SQL, and locking."""

from __future__ import annotations

from typing import Any

from p2pstock.adapters.sql.statements import for_dialect
from p2pstock.core.errors import NotFound

Row = tuple[Any, ...]


def sorted_list(values: Any) -> str:
    """``values`` as sorted, comma-separated text (role names, permission values, microseconds)."""
    return ",".join(sorted(str(value) for value in values))


def split_list(text: str) -> list[str]:
    """The items of comma-separated ``text``; none for ``""``."""
    return text.split(",") if text else []


class SqlRepository:
    """Runs statements on the open transaction's driver cursor."""

    def __init__(self, cursor: Any, dialect: str) -> None:
        self._cursor, self._dialect = cursor, dialect
        self._postgresql = dialect == "postgresql"

    def _for_update(self, lock: bool) -> str:
        """The suffix that locks the rows read: PostgreSQL only (SQLite's writer lock already serialises)."""
        return " FOR UPDATE" if lock and self._postgresql else ""

    def _run(self, statement: str, params: dict[str, Any]) -> Any:
        self._cursor.execute(for_dialect(statement, self._dialect), params)
        return self._cursor

    def _rows(self, statement: str, params: dict[str, Any]) -> list[Row]:
        return list(self._run(statement, params).fetchall())

    def _first(self, statement: str, params: dict[str, Any]) -> Row | None:
        rows = self._rows(statement, params)
        return rows[0] if rows else None

    def _change(self, statement: str, params: dict[str, Any], what: str) -> None:
        """Run an UPDATE of one record, which must exist."""
        if int(self._run(statement, params).rowcount) != 1:
            raise NotFound(f"there is no such {what}")
