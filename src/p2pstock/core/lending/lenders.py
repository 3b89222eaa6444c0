"""Who may lend — invest in a loan, keep an auto-invest rule, buy a debt: a verified customer who accepted
the lender's risk disclosure (``papers.LENDING_RISK``)."""

from __future__ import annotations

from p2pstock.core.acknowledging import acknowledged
from p2pstock.core.backoffice import Tx
from p2pstock.core.errors import NotFound, Refused
from p2pstock.core.papers import LENDING_RISK
from p2pstock.core.people.customers import Customer, KycStatus
from p2pstock.core.validation import check_id


def lender(tx: Tx, customer_id: str) -> Customer:
    """The customer, or the refusal that says what they must do first."""
    customer = tx.uow.customers.get(check_id(customer_id, "customer id"))
    if customer is None:
        raise NotFound(f"no customer {customer_id}", code="customer_not_found", customer=customer_id)
    if customer.status is not KycStatus.VERIFIED:
        raise Refused("verify your identity before investing", code="verify_identity_first")
    if not acknowledged(tx, customer.id, LENDING_RISK):
        raise Refused(
            "read and accept the lender's risk disclosure before investing", code="lending_risk_first"
        )
    return customer
