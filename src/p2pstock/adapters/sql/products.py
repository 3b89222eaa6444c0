"""Allocation products (one row per version, the definition as canonical JSON) and trading-calendar
overrides on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import attrs

from p2pstock.adapters.sql.repository import Row, SqlRepository
from p2pstock.core.allocation.ports import CatalogEntry, DayOverride
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


_PUT_OVERRIDE = (
    "INSERT INTO calendar_override (day, trades, reason, set_by, set_at) VALUES (:day, :trades, :reason, "
    ":set_by, :set_at) ON CONFLICT (day) DO UPDATE SET trades = :trades, reason = :reason, set_by = :set_by, "
    "set_at = :set_at"
)


class SqlCalendarOverrides(SqlRepository):
    def all(self) -> list[DayOverride]:
        rows = self._rows(
            "SELECT day, trades, reason, set_by, set_at FROM calendar_override ORDER BY day", {}
        )
        return [DayOverride(date.fromisoformat(r[0]), bool(r[1]), r[2], r[3], r[4]) for r in rows]

    def put(self, override: DayOverride) -> None:
        params = attrs.asdict(override)
        self._run(_PUT_OVERRIDE, {**params, "day": override.day.isoformat()})

    def delete(self, day: date) -> bool:
        cursor = self._run("DELETE FROM calendar_override WHERE day = :day", {"day": day.isoformat()})
        return int(cursor.rowcount) == 1
