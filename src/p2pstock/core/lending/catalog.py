"""Loan products, defined and versioned by administrators holding ``product.manage``. Defining a product
again makes a new version; a loan keeps the version it was applied under."""

from __future__ import annotations

import attrs

from p2pstock.core.backoffice import Backoffice, Tx
from p2pstock.core.errors import InvalidInput, NotFound
from p2pstock.core.lending.ports import LoanCatalogEntry
from p2pstock.core.lending.products import LoanProduct, to_json
from p2pstock.core.people.permissions import Administrator, Permission
from p2pstock.core.validation import check_code
from p2pstock.core.versions import define_version


@attrs.define
class LoanCatalog:
    office: Backoffice

    def define(self, product: LoanProduct, *, by: str) -> LoanProduct:
        """Store ``product`` as the next version of its code (its own ``version`` is replaced)."""
        if not isinstance(product, LoanProduct):
            raise InvalidInput("expected a LoanProduct", code="wrong_type")

        return self.office.run(lambda tx: define_in(tx, product, tx.admin(by, Permission.PRODUCT_MANAGE))[0])

    def withdraw(self, code: str, *, by: str) -> None:
        """Stop offering ``code`` (loans already applied for keep their version)."""

        def withdraw(tx: Tx) -> None:
            admin = tx.admin(by, Permission.PRODUCT_MANAGE)
            latest = tx.uow.loan_products.latest(check_code(code, "product code"), lock=True)
            if latest is None:
                raise NotFound(f"no loan product {code}", code="loan_product_not_found", product=code)
            if latest.offered:
                tx.uow.loan_products.set_offered(code, latest.product.version, False)
                tx.audit(admin.id, "loan_product.withdraw", f"{code}@{latest.product.version}")

        self.office.run(withdraw)

    def catalogue(self, *, by: str) -> list[LoanCatalogEntry]:
        """The newest version of every loan product, offered or withdrawn (for administrators)."""

        def read(tx: Tx) -> list[LoanCatalogEntry]:
            tx.admin(by, Permission.PRODUCT_MANAGE)
            return tx.uow.loan_products.newest()

        return self.office.read(read)

    def offered(self) -> list[LoanProduct]:
        """What borrowers may apply under: the newest version of each offered product."""
        return [entry.product for entry in self.office.read(lambda tx: tx.uow.loan_products.offered())]


def define_in(tx: Tx, product: LoanProduct, admin: Administrator) -> tuple[LoanProduct, bool]:
    """Store ``product`` as the next version of its code in ``tx``; whether anything changed
    (``core.versions``)."""
    return define_version(
        tx, tx.uow.loan_products, product, admin, kind="loan_product", entry=LoanCatalogEntry, to_json=to_json
    )
