"""The papers customers acknowledged, on SQLite and PostgreSQL: one row a customer, paper and version."""

from __future__ import annotations

from p2pstock.adapters.sql.repository import Row, SqlRepository, refusing_duplicates
from p2pstock.core.papers import Acknowledgement

_COLUMNS = "customer_id, paper, version, at"
_SELECT = f"SELECT {_COLUMNS} FROM acknowledgement"
_ADD = f"INSERT INTO acknowledgement ({_COLUMNS}) VALUES (:customer_id, :paper, :version, :at)"


def _acknowledgement(row: Row) -> Acknowledgement:
    return Acknowledgement(str(row[0]), str(row[1]), int(row[2]), int(row[3]))


class SqlAcknowledgements(SqlRepository):
    def get(self, customer_id: str, paper: str, version: int) -> Acknowledgement | None:
        statement = f"{_SELECT} WHERE customer_id = :customer_id AND paper = :paper AND version = :version"
        row = self._first(statement, {"customer_id": customer_id, "paper": paper, "version": version})
        return None if row is None else _acknowledgement(row)

    def add(self, acknowledgement: Acknowledgement) -> None:
        a = acknowledgement
        with refusing_duplicates(f"{a.customer_id}'s acknowledgement of {a.paper} v{a.version}"):
            self._run(
                _ADD, {"customer_id": a.customer_id, "paper": a.paper, "version": a.version, "at": a.at}
            )

    def of_customer(self, customer_id: str) -> list[Acknowledgement]:
        statement = f"{_SELECT} WHERE customer_id = :customer_id ORDER BY at, paper, version"
        return [_acknowledgement(row) for row in self._rows(statement, {"customer_id": customer_id})]
