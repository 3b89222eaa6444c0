"""Allocation products on SQLite and PostgreSQL: one row per version, the definition as canonical JSON."""

from __future__ import annotations

from p2pstock.adapters.sql.repository import Row, SqlRepository
from p2pstock.core.allocation.ports import CatalogEntry
from p2pstock.core.allocation.products import from_json, to_json

_COLUMNS = "definition, defined_at, defined_by, offered"
_LATEST = f"SELECT {_COLUMNS} FROM allocation_product WHERE code = :code ORDER BY version DESC LIMIT 1"
_GET = f"SELECT {_COLUMNS} FROM allocation_product WHERE code = :code AND version = :version"
_ADD = (
    "INSERT INTO allocation_product (code, version, definition, defined_at, defined_by, offered) "
    "VALUES (:code, :version, :definition, :defined_at, :defined_by, :offered)"
)
_OFFERED = (
    f"SELECT {_COLUMNS} FROM allocation_product p WHERE offered AND version = "
    "(SELECT max(version) FROM allocation_product q WHERE q.code = p.code) ORDER BY code"
)


class SqlProducts(SqlRepository):
    def latest(self, code: str, *, lock: bool = False) -> CatalogEntry | None:
        row = self._first(_LATEST + self._for_update(lock), {"code": code})
        return None if row is None else _entry(row)

    def get(self, code: str, version: int) -> CatalogEntry | None:
        row = self._first(_GET, {"code": code, "version": version})
        return None if row is None else _entry(row)

    def add(self, entry: CatalogEntry) -> None:
        product = entry.product
        self._run(
            _ADD,
            {
                "code": product.code,
                "version": product.version,
                "definition": to_json(product),
                "defined_at": entry.defined_at,
                "defined_by": entry.defined_by,
                "offered": entry.offered,
            },
        )

    def set_offered(self, code: str, version: int, offered: bool) -> None:
        self._change(
            "UPDATE allocation_product SET offered = :offered WHERE code = :code AND version = :version",
            {"code": code, "version": version, "offered": offered},
            "product version",
        )

    def offered(self) -> list[CatalogEntry]:
        return [_entry(row) for row in self._rows(_OFFERED, {})]


def _entry(row: Row) -> CatalogEntry:
    return CatalogEntry(from_json(row[0]), row[1], row[2], bool(row[3]))
