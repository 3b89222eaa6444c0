"""p2pstock: an integrated P2P lending and stock fund allocation (配资) platform library.

The domain types are importable from here without pulling in storage or frontends; the composition root
lives in ``p2pstock.bootstrap``::

    from p2pstock import Money
    from p2pstock.bootstrap import bootstrap

    app = bootstrap()                       # SQLite file in ./p2pstock-data, migrated on first use
    app.wallets.open("alice")
    app.wallets.confirm_deposit("alice", gateway="bank", transaction_id="T1", amount=Money.parse("1,000"))
    print(app.wallets.balance("alice").available)
"""

from p2pstock.core.errors import (
    AlreadyDecided,
    DepositMismatch,
    IdempotencyConflict,
    InsufficientFunds,
    InvalidInput,
    LedgerRefused,
    NotFound,
    P2PStockError,
    Refused,
    StorageError,
    TransientConflict,
    WithdrawalBlocked,
)
from p2pstock.core.ledger.accounts import Account, AccountFlags, Balances
from p2pstock.core.ledger.entries import Entry
from p2pstock.core.ledger.results import AccountResult, TransferOutcome, TransferResult
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.ledger.transfers import Transfer, TransferFlags
from p2pstock.core.money import Currency, Money, MoneyError
from p2pstock.core.wallet.service import Deposit, WalletBalance, Wallets, WithdrawalPolicy
from p2pstock.core.wallet.withdrawals import Withdrawal, WithdrawalStatus

__all__ = [
    "Account",
    "AccountFlags",
    "AccountResult",
    "AlreadyDecided",
    "Balances",
    "Currency",
    "Deposit",
    "DepositMismatch",
    "Entry",
    "IdempotencyConflict",
    "InsufficientFunds",
    "InvalidInput",
    "Ledger",
    "LedgerRefused",
    "Money",
    "MoneyError",
    "NotFound",
    "P2PStockError",
    "Refused",
    "StorageError",
    "Transfer",
    "TransferFlags",
    "TransferOutcome",
    "TransferResult",
    "TransientConflict",
    "WalletBalance",
    "Wallets",
    "Withdrawal",
    "WithdrawalBlocked",
    "WithdrawalPolicy",
    "WithdrawalStatus",
]
