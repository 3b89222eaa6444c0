"""Loan products, defined and versioned by administrators holding ``product.manage``. Defining a product
again makes a new version; a loan keeps the version it was applied under."""

from __future__ import annotations

import json

import attrs

from p2pstock.core.backoffice import Backoffice, Tx
from p2pstock.core.errors import InvalidInput, NotFound
from p2pstock.core.lending.ports import LoanCatalogEntry
from p2pstock.core.lending.products import LoanProduct, to_json
from p2pstock.core.people.permissions import Permission
from p2pstock.core.validation import check_code


@attrs.define
class LoanCatalog:
    office: Backoffice

    def define(self, product: LoanProduct, *, by: str) -> LoanProduct:
        """Store ``product`` as the next version of its code (its own ``version`` is replaced)."""
        if not isinstance(product, LoanProduct):
            raise InvalidInput("expected a LoanProduct")

        def define(tx: Tx) -> LoanProduct:
            admin = tx.admin(by, Permission.PRODUCT_MANAGE)
            latest = tx.uow.loan_products.latest(product.code, lock=True)
            if latest is not None and attrs.evolve(product, version=latest.product.version) == latest.product:
                return latest.product
            version = 1 if latest is None else latest.product.version + 1
            stored = attrs.evolve(product, version=version)
            tx.uow.loan_products.add(LoanCatalogEntry(stored, tx.now, admin.id))
            target = f"{stored.code}@{version}"
            tx.audit(admin.id, "loan_product.define", target, after=json.loads(to_json(stored)))
            return stored

        return self.office.run(define)

    def withdraw(self, code: str, *, by: str) -> None:
        """Stop offering ``code`` (loans already applied for keep their version)."""

        def withdraw(tx: Tx) -> None:
            admin = tx.admin(by, Permission.PRODUCT_MANAGE)
            latest = tx.uow.loan_products.latest(check_code(code, "product code"), lock=True)
            if latest is None:
                raise NotFound(f"no loan product {code}")
            if latest.offered:
                tx.uow.loan_products.set_offered(code, latest.product.version, False)
                tx.audit(admin.id, "loan_product.withdraw", f"{code}@{latest.product.version}")

        self.office.run(withdraw)

    def offered(self) -> list[LoanProduct]:
        """What borrowers may apply under: the newest version of each offered product."""
        return [entry.product for entry in self.office.read(lambda tx: tx.uow.loan_products.offered())]
