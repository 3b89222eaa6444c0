"""What every repository on the unit of work's driver cursor shares: running ``:name`` SQL, locking, looking
up many keys at once, writing many rows at once, and telling a duplicate key."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from p2pstock.adapters.sql.statements import for_dialect, positional
from p2pstock.core.errors import NotFound, TransientConflict

Row = tuple[Any, ...]

IN_CHUNK = 400
"""Keys per ``IN`` list on SQLite: well inside every build's limit on parameters (999 before 3.32)."""


def placeholders(prefix: str, values: Sequence[object]) -> tuple[str, dict[str, object]]:
    """``:p0, :p1, …`` for ``values``, and their parameters."""
    params = {f"{prefix}{i}": value for i, value in enumerate(values)}
    return ", ".join(f":{name}" for name in params), params


def _is_duplicate(error: BaseException) -> bool:
    if isinstance(error, sqlite3.IntegrityError):
        return "UNIQUE constraint failed" in str(error)
    return getattr(error, "sqlstate", None) == "23505"


@contextmanager
def refusing_duplicates(what: str) -> Iterator[None]:
    """A duplicate key raises ``TransientConflict`` (another transaction got there first), as in memory."""
    try:
        yield
    except Exception as error:
        if _is_duplicate(error):
            raise TransientConflict(f"{what} exists already") from error
        raise


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

    def _executemany(self, statement: str, rows: Sequence[dict[str, Any]]) -> None:
        """One statement for all ``rows`` (psycopg pipelines them; SQLite steps one prepared statement)."""
        if rows:
            self._cursor.executemany(for_dialect(statement, self._dialect), rows)

    def _insert(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        """New ``rows`` (tuples in the order of ``columns``) into ``table``: several with one ``COPY`` on
        PostgreSQL (a tenth of the client's work of a statement per row), else one prepared ``INSERT``
        (stepped through them on SQLite)."""
        if not rows:
            return
        names = ", ".join(columns)
        if self._postgresql and len(rows) > 1:
            with self._cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        insert = positional(
            f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})", self._dialect
        )
        if len(rows) == 1:
            self._cursor.execute(insert, rows[0])
        else:
            self._cursor.executemany(insert, rows)

    def _in(self, template: str, keys: Sequence[object], *before: object) -> list[Row]:
        """Rows of ``template`` for many ``keys``: its ``{in_keys}`` becomes ``IN (?, …)`` of ``IN_CHUNK``
        keys a statement on SQLite, and ``= ANY(?)`` of all of them on PostgreSQL. Its parameters are ``?``
        ones: ``before`` are the values of those ahead of ``{in_keys}``.

        PostgreSQL plans each such statement for the values at hand: psycopg prepares a statement once it
        has run a few times, and a generic plan made while a table was small compares each row with every
        key instead of hashing them — seconds per thousand keys once the table has grown."""
        if not keys:
            return []
        if self._postgresql:
            statement = positional(template.format(in_keys="= ANY(?)"), self._dialect)
            self._cursor.execute(statement, (*before, list(keys)), prepare=False)
            return list(self._cursor.fetchall())
        rows: list[Row] = []
        for start in range(0, len(keys), IN_CHUNK):
            chunk = keys[start : start + IN_CHUNK]
            self._cursor.execute(
                template.format(in_keys=f"IN ({', '.join('?' * len(chunk))})"), (*before, *chunk)
            )
            rows += self._cursor.fetchall()
        return rows
