"""What the allocation services need from storage."""

from __future__ import annotations

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
