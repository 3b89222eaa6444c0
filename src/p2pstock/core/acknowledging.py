"""Recording that a customer accepted a paper, and whether they did (``lending.lenders`` refuses lending
business until the lender's risk disclosure is accepted)."""

from __future__ import annotations

import attrs

from p2pstock.core.backoffice import Backoffice, Tx
from p2pstock.core.errors import NotFound
from p2pstock.core.papers import Acknowledgement, Paper
from p2pstock.core.validation import check_id


def acknowledged(tx: Tx, customer_id: str, paper: Paper) -> bool:
    """Whether the customer accepted this version of ``paper``."""
    return tx.uow.acknowledgements.get(customer_id, paper.name, paper.version) is not None


@attrs.define
class Papers:
    office: Backoffice

    def acknowledge(self, customer_id: str, paper: Paper) -> Acknowledgement:
        """Record that the customer accepted ``paper``; the first record if they did before."""

        def acknowledge(tx: Tx) -> Acknowledgement:
            customer = tx.uow.customers.get(check_id(customer_id, "customer id"))
            if customer is None:
                raise NotFound(f"no customer {customer_id}", code="customer_not_found", customer=customer_id)
            known = tx.uow.acknowledgements.get(customer.id, paper.name, paper.version)
            if known is not None:
                return known
            record = Acknowledgement(customer.id, paper.name, paper.version, tx.now)
            tx.uow.acknowledgements.add(record)
            tx.audit(customer.id, "paper.acknowledge", customer.id, after=attrs.asdict(record))
            return record

        return self.office.run(acknowledge)

    def acknowledged(self, customer_id: str, paper: Paper) -> Acknowledgement | None:
        """The customer's acceptance of this version of ``paper``, if any."""
        return self.office.read(
            lambda tx: tx.uow.acknowledgements.get(customer_id, paper.name, paper.version)
        )

    def of_customer(self, customer_id: str) -> list[Acknowledgement]:
        return self.office.read(lambda tx: tx.uow.acknowledgements.of_customer(customer_id))
