"""The rate table customers see first: allocation products, defined and versioned by administrators holding
``product.manage``. Defining a product again makes a new version; an allocation keeps the version it was
applied under, so changing the table never changes the terms of a running allocation."""

from __future__ import annotations

import attrs

from p2pstock.core.allocation.ports import CatalogEntry
from p2pstock.core.allocation.products import Product, to_json
from p2pstock.core.backoffice import Backoffice, Tx
from p2pstock.core.errors import InvalidInput, NotFound
from p2pstock.core.people.permissions import Administrator, Permission
from p2pstock.core.validation import check_code
from p2pstock.core.versions import define_version


@attrs.define
class ProductCatalog:
    office: Backoffice

    def define(self, product: Product, *, by: str) -> Product:
        """Store ``product`` as the next version of its code (its own ``version`` is replaced)."""
        if not isinstance(product, Product):
            raise InvalidInput("expected a Product", code="wrong_type")

        return self.office.run(lambda tx: define_in(tx, product, tx.admin(by, Permission.PRODUCT_MANAGE))[0])

    def withdraw(self, code: str, *, by: str) -> None:
        """Stop offering ``code`` (running allocations keep their version)."""

        def withdraw(tx: Tx) -> None:
            admin = tx.admin(by, Permission.PRODUCT_MANAGE)
            latest = tx.uow.products.latest(check_code(code, "product code"), lock=True)
            if latest is None:
                raise NotFound(f"no product {code}", code="product_not_found", product=code)
            if latest.offered:
                tx.uow.products.set_offered(code, latest.product.version, False)
                tx.audit(admin.id, "product.withdraw", f"{code}@{latest.product.version}")

        self.office.run(withdraw)

    def catalogue(self, *, by: str) -> list[CatalogEntry]:
        """The newest version of every product, offered or withdrawn (for administrators)."""

        def read(tx: Tx) -> list[CatalogEntry]:
            tx.admin(by, Permission.PRODUCT_MANAGE)
            return tx.uow.products.newest()

        return self.office.read(read)

    def rate_table(self) -> list[Product]:
        """What customers may apply for: the newest version of each offered product."""
        return [entry.product for entry in self.office.read(lambda tx: tx.uow.products.offered())]

    def version(self, code: str, version: int) -> Product:
        entry = self.office.read(lambda tx: tx.uow.products.get(code, version))
        if entry is None:
            raise NotFound(
                f"no product {code} version {version}",
                code="product_version_not_found",
                product=code,
                version=version,
            )
        return entry.product


def define_in(tx: Tx, product: Product, admin: Administrator) -> tuple[Product, bool]:
    """Store ``product`` as the next version of its code in ``tx``; whether anything changed
    (``core.versions``)."""
    return define_version(
        tx, tx.uow.products, product, admin, kind="product", entry=CatalogEntry, to_json=to_json
    )
