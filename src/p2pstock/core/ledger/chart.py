"""The chart of accounts: how the ids of customer and platform accounts are formed."""

from __future__ import annotations

from p2pstock.core.ledger.accounts import Account, AccountFlags
from p2pstock.core.validation import check_currency, check_name

WALLET = "wallet"
GATEWAY_CLEARING = "gateway_clearing"
WITHDRAWALS_IN_TRANSIT = "withdrawals_in_transit"
ALLOCATION_MARGIN = "allocation_margin"


def wallet_id(customer_id: str, currency: str = "CNY") -> str:
    """A customer's wallet: ``wallet:CNY:<customer>``."""
    return f"wallet:{check_currency(currency)}:{check_name(customer_id, 'customer id')}"


def wallet(customer_id: str, currency: str = "CNY") -> Account:
    """A customer wallet: a liability of the platform that can never be overdrawn."""
    return Account.open(
        wallet_id(customer_id, currency),
        code=WALLET,
        currency=currency,
        flags=AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS,
    )


def gateway_clearing(gateway: str, currency: str = "CNY") -> Account:
    """Money held at a payment gateway for the platform (debit-normal; it mirrors the gateway's books)."""
    return Account.open(
        f"platform:{check_currency(currency)}:{GATEWAY_CLEARING}:{check_name(gateway, 'gateway')}",
        code=GATEWAY_CLEARING,
        currency=currency,
    )


def withdrawals_in_transit(currency: str = "CNY") -> Account:
    """Approved withdrawals on their way to customers' bank accounts."""
    return Account.open(
        f"platform:{check_currency(currency)}:{WITHDRAWALS_IN_TRANSIT}",
        code=WITHDRAWALS_IN_TRANSIT,
        currency=currency,
    )


def allocation_margin(currency: str = "CNY") -> Account:
    """Deposits and risk funds frozen for stock fund allocations."""
    return Account.open(
        f"platform:{check_currency(currency)}:{ALLOCATION_MARGIN}", code=ALLOCATION_MARGIN, currency=currency
    )
