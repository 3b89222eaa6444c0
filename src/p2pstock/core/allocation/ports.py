"""What the allocation services need from storage."""

from __future__ import annotations

from datetime import date
from typing import Protocol

import attrs

from p2pstock.core.allocation.products import Product


@attrs.frozen
class CatalogEntry:
    """A stored product version, and whether it is still offered."""

    product: Product
    defined_at: int
    defined_by: str
    offered: bool = True


class ProductRepository(Protocol):
    def latest(self, code: str, *, lock: bool = False) -> CatalogEntry | None: ...
    def get(self, code: str, version: int) -> CatalogEntry | None: ...
    def add(self, entry: CatalogEntry) -> None: ...
    def set_offered(self, code: str, version: int, offered: bool) -> None: ...
    def offered(self) -> list[CatalogEntry]:
        """The newest version of every product still offered, by code."""
        ...


@attrs.frozen
class DayOverride:
    """An administrator's word on one day: it trades (``trades``) or not, whatever the holiday data says."""

    day: date
    trades: bool
    reason: str
    set_by: str
    set_at: int


class CalendarOverrideRepository(Protocol):
    def all(self) -> list[DayOverride]: ...
    def put(self, override: DayOverride) -> None:
        """Insert the day's override or replace it."""
        ...

    def delete(self, day: date) -> bool:
        """Remove the day's override; False if there was none."""
        ...
