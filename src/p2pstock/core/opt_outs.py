"""Notices a customer may switch off (the daily report, the monthly holdings summary): each kind keeps the
customers who switched it off under a key prefix of the UI state (``<prefix><customer id>``)."""

from __future__ import annotations

from p2pstock.core.backoffice import Backoffice, Tx
from p2pstock.core.errors import NotFound
from p2pstock.core.validation import check_id


def wanted(office: Backoffice, prefix: str, customer_id: str) -> bool:
    """Whether the customer gets the notices of ``prefix`` (unless they switched them off)."""
    key = prefix + check_id(customer_id, "customer id")
    return office.read(lambda tx: tx.uow.ui_state.get(key) is None)


def switch(office: Backoffice, prefix: str, customer_id: str, *, on: bool) -> bool:
    """Switch the customer's notices of ``prefix`` on or off; whether they are on."""
    key = prefix + check_id(customer_id, "customer id")

    def change(tx: Tx) -> bool:
        if tx.uow.customers.get(customer_id) is None:
            raise NotFound(f"no customer {customer_id}", code="customer_not_found", customer=customer_id)
        if on:
            tx.uow.ui_state.delete(key)
        else:
            tx.uow.ui_state.put(key, "off")
        return on

    return office.run(change)


def quiet(tx: Tx, prefix: str) -> set[str]:
    """The customers who switched the notices of ``prefix`` off."""
    return {key.removeprefix(prefix) for key in tx.uow.ui_state.items(prefix)}
