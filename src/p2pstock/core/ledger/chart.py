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


def _platform(name: str, currency: str, flags: AccountFlags = AccountFlags.NONE) -> Account:
    return Account.open(
        f"platform:{check_currency(currency)}:{name}", code=name, currency=currency, flags=flags
    )


ALLOCATION_ACCOUNT = "allocation_account"


def allocation_account_id(allocation_id: str, currency: str = "CNY") -> str:
    return f"allocation:{check_currency(currency)}:{check_name(allocation_id, 'allocation id')}"


def allocation_account(allocation_id: str, currency: str = "CNY") -> Account:
    """One allocation's trading sub-account as the platform books it: B drawn into it, the customer's
    margin posted into it at settlement, and what the market made of it; empty once settled."""
    return Account.open(
        allocation_account_id(allocation_id, currency), code=ALLOCATION_ACCOUNT, currency=currency
    )


def capital_pool(currency: str = "CNY") -> Account:
    """The capital allocations draw B from; it can never lend more than it holds."""
    return _platform("allocation_capital", currency, AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS)


def capital_funding(currency: str = "CNY") -> Account:
    """Where the capital pool's money comes from and goes back to (the platform's own funds)."""
    return _platform("capital_funding", currency)


def fee_income(currency: str = "CNY") -> Account:
    return _platform("fee_income", currency)


def market_results(currency: str = "CNY") -> Account:
    """The other side of what trading made or lost in the sub-accounts, booked at settlement."""
    return _platform("allocation_market", currency)


def receivables(currency: str = "CNY") -> Account:
    """Shortfalls customers owe after a settlement."""
    return _platform("allocation_receivable", currency)


def losses(currency: str = "CNY") -> Account:
    """Shortfalls the platform bore."""
    return _platform("allocation_losses", currency)


LOAN_ESCROW = "loan_escrow"


def loan_escrow_id(loan_id: str, currency: str = "CNY") -> str:
    return f"loan:{check_currency(currency)}:{check_name(loan_id, 'loan id')}"


def loan_escrow(loan_id: str, currency: str = "CNY") -> Account:
    """One loan's escrow: investments are frozen towards it, posted into it at disbursement and paid out
    of it to the borrower at once; repayments pass through it on their way to the investors."""
    return Account.open(loan_escrow_id(loan_id, currency), code=LOAN_ESCROW, currency=currency)


GUARANTEE_RESERVE = "guarantee_reserve"


def guarantee_reserve_id(product_code: str, currency: str = "CNY") -> str:
    product = check_name(product_code, "product code")
    return f"platform:{check_currency(currency)}:{GUARANTEE_RESERVE}:{product}"


def guarantee_reserve(product_code: str, currency: str = "CNY") -> Account:
    """A loan product's guarantee reserve (风险准备金): funded by a share of the platform's fees on the
    product's loans and by the platform's own money, it advances overdue installments to the investors
    (垫付) and gets back what the borrowers pay of them later. It can never pay out more than it holds."""
    return Account.open(
        guarantee_reserve_id(product_code, currency),
        code=GUARANTEE_RESERVE,
        currency=currency,
        flags=AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS,
    )
