"""The rate table customers see first: allocation products, defined and versioned by administrators holding
``product.manage``. Defining a product again makes a new version; an allocation keeps the version it was
applied under, so changing the table never changes the terms of a running allocation."""

from __future__ import annotations

import json

import attrs

from p2pstock.core.allocation.ports import CatalogEntry
from p2pstock.core.allocation.products import Product, to_json
from p2pstock.core.backoffice import Backoffice, Tx
from p2pstock.core.errors import InvalidInput, NotFound
from p2pstock.core.people.permissions import Permission
from p2pstock.core.validation import check_code


@attrs.define
class ProductCatalog:
    office: Backoffice

    def define(self, product: Product, *, by: str) -> Product:
        """Store ``product`` as the next version of its code (its own ``version`` is replaced)."""
        if not isinstance(product, Product):
            raise InvalidInput("expected a Product")

        def define(tx: Tx) -> Product:
            admin = tx.admin(by, Permission.PRODUCT_MANAGE)
            latest = tx.uow.products.latest(product.code, lock=True)
            if latest is not None and attrs.evolve(product, version=latest.product.version) == latest.product:
                return latest.product  # the same definition again: nothing new
            version = 1 if latest is None else latest.product.version + 1
            stored = attrs.evolve(product, version=version)
            tx.uow.products.add(CatalogEntry(stored, tx.now, admin.id))
            tx.audit(
                admin.id, "product.define", f"{stored.code}@{version}", after=json.loads(to_json(stored))
            )
            return stored

        return self.office.run(define)

    def withdraw(self, code: str, *, by: str) -> None:
        """Stop offering ``code`` (running allocations keep their version)."""

        def withdraw(tx: Tx) -> None:
            admin = tx.admin(by, Permission.PRODUCT_MANAGE)
            latest = tx.uow.products.latest(check_code(code, "product code"), lock=True)
            if latest is None:
                raise NotFound(f"no product {code}")
            if latest.offered:
                tx.uow.products.set_offered(code, latest.product.version, False)
                tx.audit(admin.id, "product.withdraw", f"{code}@{latest.product.version}")

        self.office.run(withdraw)

    def rate_table(self) -> list[Product]:
        """What customers may apply for: the newest version of each offered product."""
        return [entry.product for entry in self.office.read(lambda tx: tx.uow.products.offered())]

    def version(self, code: str, version: int) -> Product:
        entry = self.office.read(lambda tx: tx.uow.products.get(code, version))
        if entry is None:
            raise NotFound(f"no product {code} version {version}")
        return entry.product
