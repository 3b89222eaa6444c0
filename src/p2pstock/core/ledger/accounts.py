"""Ledger accounts: four running totals and the flags that limit them (after TigerBeetle's accounts)."""

from __future__ import annotations

import enum

import attrs

from p2pstock.core.validation import check_code, check_currency, check_flags, check_id

MAX_TOTAL = 2**63 - 1
"""The largest value a running total may reach (a signed 64-bit column)."""


class AccountFlags(enum.IntFlag):
    """Balance limits an account enforces on every transfer, pending ones included."""

    NONE = 0
    DEBITS_MUST_NOT_EXCEED_CREDITS = 1
    """No overdraft: debits (pending + posted) never exceed posted credits. Customer wallets carry it."""
    CREDITS_MUST_NOT_EXCEED_DEBITS = 2
    """The mirror limit, for debit-normal accounts that must never go below zero."""


@attrs.frozen
class Balances:
    """The four running totals of an account, or a change to them."""

    debits_pending: int = 0
    debits_posted: int = 0
    credits_pending: int = 0
    credits_posted: int = 0

    @property
    def available(self) -> int:
        """What a credit-normal account (a wallet) can spend: posted credits less all debits."""
        return self.credits_posted - self.debits_posted - self.debits_pending

    @property
    def frozen(self) -> int:
        """What is reserved by pending debits (frozen funds)."""
        return self.debits_pending

    @property
    def posted(self) -> int:
        """Posted balance of a credit-normal account: posted credits less posted debits."""
        return self.credits_posted - self.debits_posted

    def __add__(self, other: Balances) -> Balances:
        return Balances(
            self.debits_pending + other.debits_pending,
            self.debits_posted + other.debits_posted,
            self.credits_pending + other.credits_pending,
            self.credits_posted + other.credits_posted,
        )

    def __sub__(self, other: Balances) -> Balances:
        return Balances(
            self.debits_pending - other.debits_pending,
            self.debits_posted - other.debits_posted,
            self.credits_pending - other.credits_pending,
            self.credits_posted - other.credits_posted,
        )


def _flags(value: int) -> AccountFlags:
    if type(value) is AccountFlags and not int(value) & ~_KNOWN_FLAGS:
        return value
    return AccountFlags(check_flags(value, _KNOWN_FLAGS, "account flags"))


_KNOWN_FLAGS = sum(int(flag) for flag in AccountFlags)


@attrs.frozen
class Account:
    """A ledger account. Only the balances change, and only through transfers.

    ``id`` is chosen by the caller (``wallet:CNY:42``); ``code`` is the account's type (``wallet``,
    ``gateway_clearing`` …); ``version`` counts the changes applied to the balances.
    """

    id: str = attrs.field(validator=lambda _i, _a, v: check_id(v, "account id"))
    currency: str = attrs.field(validator=lambda _i, _a, v: check_currency(v))
    code: str = attrs.field(validator=lambda _i, _a, v: check_code(v, "account code"))
    flags: AccountFlags = attrs.field(default=AccountFlags.NONE, converter=_flags)
    balances: Balances = Balances()
    version: int = 0
    created_at: int = 0

    @property
    def available(self) -> int:
        return self.balances.available

    @property
    def frozen(self) -> int:
        return self.balances.frozen

    @classmethod
    def open(
        cls, id: str, *, code: str, currency: str = "CNY", flags: AccountFlags = AccountFlags.NONE
    ) -> Account:
        """A new account to pass to ``Ledger.create_accounts``."""
        return cls(id=id, currency=currency, code=code, flags=flags)
