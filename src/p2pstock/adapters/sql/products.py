"""Allocation products (one row per version, the definition as canonical JSON), trading-calendar overrides,
the years of closures administrators loaded (a row per version), and marks of notices told once, on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import attrs

from p2pstock.adapters.sql.repository import Row, SqlRepository, refusing_duplicates, split_list
from p2pstock.core.allocation.ports import CatalogEntry, DayOverride, YearLoad
from p2pstock.core.allocation.products import from_json, to_json

_COLUMNS = "definition, defined_at, defined_by, offered"
_LATEST = f"SELECT {_COLUMNS} FROM allocation_product WHERE code = :code ORDER BY version DESC LIMIT 1"
_GET = f"SELECT {_COLUMNS} FROM allocation_product WHERE code = :code AND version = :version"
_ADD = (
    "INSERT INTO allocation_product (code, version, definition, defined_at, defined_by, offered) "
    "VALUES (:code, :version, :definition, :defined_at, :defined_by, :offered)"
)
_NEWEST = (
    f"SELECT {_COLUMNS} FROM allocation_product p WHERE version = "
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
        return [entry for entry in self.newest() if entry.offered]

    def newest(self) -> list[CatalogEntry]:
        return [_entry(row) for row in self._rows(_NEWEST, {})]


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


_YEAR_COLUMNS = "year, version, closed, note, loaded_by, loaded_at"


class SqlCalendarYears(SqlRepository):
    def latest(self) -> dict[int, YearLoad]:
        rows = self._rows(
            f"SELECT {_YEAR_COLUMNS} FROM calendar_year c WHERE version = "
            "(SELECT max(version) FROM calendar_year d WHERE d.year = c.year) ORDER BY year",
            {},
        )
        return {load.year: load for load in map(_year_load, rows)}

    def versions(self, year: int) -> list[YearLoad]:
        rows = self._rows(
            f"SELECT {_YEAR_COLUMNS} FROM calendar_year WHERE year = :year ORDER BY version", {"year": year}
        )
        return [_year_load(row) for row in rows]

    def add(self, load: YearLoad) -> None:
        closed = ",".join(day.isoformat() for day in sorted(load.closed))
        with refusing_duplicates(f"calendar load {load.year}@{load.version}"):
            self._insert(
                "calendar_year",
                _YEAR_COLUMNS.split(", "),
                [(load.year, load.version, closed, load.note, load.loaded_by, load.loaded_at)],
            )


def _year_load(row: Row) -> YearLoad:
    closed = frozenset(date.fromisoformat(day) for day in split_list(row[2]))
    return YearLoad(row[0], row[1], closed, row[3], row[4], row[5])


class SqlNoticeMarks(SqlRepository):
    def mark(self, key: str, at: int) -> bool:
        cursor = self._run(
            "INSERT INTO notice_mark (key, at) VALUES (:key, :at) ON CONFLICT (key) DO NOTHING",
            {"key": key, "at": at},
        )
        return int(cursor.rowcount) == 1
