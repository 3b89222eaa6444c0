"""Versions of a product, shared by the allocation rate table and the loan products: defining a product
again stores the next version of its code; the same definition as the newest version changes nothing, or
offers it again when it was withdrawn. Each change is audited as ``{kind}.define`` or ``{kind}.offer``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import attrs

from p2pstock.core.backoffice import Tx
from p2pstock.core.people.permissions import Administrator


class Versioned(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def version(self) -> int: ...


P = TypeVar("P", bound=Versioned)
_evolve: Callable[..., Any] = attrs.evolve
"""``attrs.evolve`` for products of either kind (both are attrs classes)."""


def define_version(
    tx: Tx,
    versions: Any,
    product: P,
    admin: Administrator,
    *,
    kind: str,
    entry: Callable[[P, int, str], object],
    to_json: Callable[[P], str],
) -> tuple[P, bool]:
    """Store ``product`` as the next version of its code in ``versions`` (a product repository), within
    ``tx``; the version stored (or kept) and whether anything changed."""
    latest = versions.latest(product.code, lock=True)
    if latest is not None and _evolve(product, version=latest.product.version) == latest.product:
        if latest.offered:
            return latest.product, False
        versions.set_offered(product.code, latest.product.version, True)
        tx.audit(admin.id, f"{kind}.offer", f"{product.code}@{latest.product.version}")
        return latest.product, True
    version = 1 if latest is None else latest.product.version + 1
    stored: P = _evolve(product, version=version)
    versions.add(entry(stored, tx.now, admin.id))
    tx.audit(admin.id, f"{kind}.define", f"{product.code}@{version}", after=json.loads(to_json(stored)))
    return stored, True
