"""The back office's products from files (``product.manage``): a TOML file of allocation products and loan
products (``catalog_file.py``) is read, shown as customers will see it, then published — every product of
the file in one transaction, each as the next version of its code (an unchanged one stays as it is) —
and the products on offer can be written back as such a file to edit.

::

    ProductFiles.read(text)                 the products a file defines (nothing stored)
    ProductFiles.publish(text, by=…)        all of them, or none; what changed
    ProductFiles.export(by=…)               the newest version of every product, as a file
"""

from __future__ import annotations

import attrs

from p2pstock.core.allocation import catalog as allocation_catalog
from p2pstock.core.backoffice import Backoffice, Tx
from p2pstock.core.catalog_file import CatalogFile, catalog_text, read_catalog
from p2pstock.core.errors import InvalidInput
from p2pstock.core.lending import catalog as loan_catalog
from p2pstock.core.people.permissions import Permission

MAX_FILE_CHARS = 200_000


@attrs.frozen
class Published:
    """One product of a published file: its ``kind`` (``allocation_product``, ``loan_product``), code and
    version, and whether publishing changed it (``False``: the same definition was on offer already)."""

    kind: str
    code: str
    version: int
    changed: bool


@attrs.define
class ProductFiles:
    office: Backoffice

    def read(self, text: str) -> CatalogFile:
        """The products ``text`` defines (``CatalogUnreadable`` naming every problem); nothing stored."""
        if not isinstance(text, str) or len(text) > MAX_FILE_CHARS:
            raise InvalidInput(
                f"a product file is text of at most {MAX_FILE_CHARS} characters", code="file_size"
            )
        return read_catalog(text)

    def publish(self, text: str, *, by: str) -> list[Published]:
        """Publish every product ``text`` defines, in one transaction."""
        products = self.read(text)

        def publish(tx: Tx) -> list[Published]:
            admin = tx.admin(by, Permission.PRODUCT_MANAGE)
            done = []
            for product in products.allocation_products:
                stored, changed = allocation_catalog.define_in(tx, product, admin)
                done.append(Published("allocation_product", stored.code, stored.version, changed))
            for loan_product in products.loan_products:
                kept, changed = loan_catalog.define_in(tx, loan_product, admin)
                done.append(Published("loan_product", kept.code, kept.version, changed))
            return done

        return self.office.run(publish)

    def export(self, *, by: str) -> str:
        """The newest version of every product, offered or withdrawn, as a file that publishes them."""

        def read(tx: Tx) -> str:
            tx.admin(by, Permission.PRODUCT_MANAGE)
            allocation = [entry.product for entry in tx.uow.products.newest()]
            return catalog_text(allocation, [entry.product for entry in tx.uow.loan_products.newest()])

        return self.office.read(read)
