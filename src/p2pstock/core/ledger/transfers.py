"""Transfers: immutable, double-entry, idempotent by a caller-chosen id (after TigerBeetle's transfers).

A transfer debits one account and credits another. A *pending* transfer reserves the amount (a freeze);
a later *post* moves all or part of it (the rest is released) and a *void* releases it all. Each pending
transfer is resolved at most once; one that reaches its timeout expires.
"""

from __future__ import annotations

import enum

import attrs

from p2pstock.core.errors import InvalidInput
from p2pstock.core.validation import (
    check_amount,
    check_code,
    check_currency,
    check_flags,
    check_id,
    check_text,
)


class TransferFlags(enum.IntFlag):
    """How a transfer behaves."""

    NONE = 0
    LINKED = 1
    """Commits together with the next transfer in the batch, or neither commits."""
    PENDING = 2
    """Reserves the amount (a freeze) until it is posted, voided or expires."""
    POST_PENDING = 4
    """Posts the pending transfer named by ``pending_id`` (all of it, or ``amount`` of it)."""
    VOID_PENDING = 8
    """Releases the pending transfer named by ``pending_id``."""
    EXPIRE_PENDING = 16
    """Written by the ledger itself when a pending transfer's timeout has passed."""

    @property
    def resolves(self) -> bool:
        return bool(
            self & (TransferFlags.POST_PENDING | TransferFlags.VOID_PENDING | TransferFlags.EXPIRE_PENDING)
        )


def _flags(value: int) -> TransferFlags:
    if type(value) is TransferFlags and not int(value) & ~_KNOWN_FLAGS:
        return value
    return TransferFlags(check_flags(value, _KNOWN_FLAGS, "transfer flags"))


_KNOWN_FLAGS = sum(int(flag) for flag in TransferFlags)


def _optional_id(_inst: object, attr: attrs.Attribute[str], value: str) -> None:
    if value:
        check_id(value, attr.name.replace("_", " "))


def _optional_code(_inst: object, _attr: object, value: str) -> None:
    if value:
        check_code(value, "transfer code")


def _optional_amount(_inst: object, _attr: object, value: int | None) -> None:
    if value is not None:
        check_amount(value)


MAX_TIMEOUT = 10 * 366 * 86_400
"""The longest hold timeout: ten years, in seconds."""


def _timeout(_inst: object, _attr: object, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TIMEOUT:
        raise InvalidInput(
            f"timeout must be a whole number of seconds from 0 to {MAX_TIMEOUT}",
            code="timeout_invalid",
            most=MAX_TIMEOUT,
        )


def _optional_currency(_inst: object, _attr: object, value: str) -> None:
    if value != "":
        check_currency(value)


def _reference(_inst: object, _attr: object, value: str) -> None:
    check_text(value, "reference", 200)


@attrs.frozen
class Transfer:
    """A transfer request, and — once stored — the transfer itself.

    Requests to post or void may leave the accounts, code and currency empty (they are taken from the
    pending transfer) and a post may leave ``amount`` as ``None`` (post everything). Stored transfers have
    every field filled in, plus ``timestamp`` (microseconds, UTC) and, for pending transfers with a
    timeout, ``expires_at``.
    """

    id: str = attrs.field(validator=lambda _i, _a, v: check_id(v, "transfer id"))
    debit_account_id: str = attrs.field(default="", validator=_optional_id)
    credit_account_id: str = attrs.field(default="", validator=_optional_id)
    amount: int | None = attrs.field(default=None, validator=_optional_amount)
    code: str = attrs.field(default="", validator=_optional_code)
    currency: str = attrs.field(default="", validator=_optional_currency)
    flags: TransferFlags = attrs.field(default=TransferFlags.NONE, converter=_flags)
    pending_id: str = attrs.field(default="", validator=_optional_id)
    timeout: int = attrs.field(default=0, validator=_timeout)
    reference: str = attrs.field(default="", validator=_reference)
    timestamp: int = 0
    expires_at: int | None = None

    @classmethod
    def single(
        cls,
        id: str,
        *,
        debit: str,
        credit: str,
        amount: int,
        code: str,
        reference: str = "",
        linked: bool = False,
    ) -> Transfer:
        """Move ``amount`` from ``debit`` to ``credit`` at once."""
        flags = TransferFlags.LINKED if linked else TransferFlags.NONE
        return cls(id, debit, credit, amount, code, flags=flags, reference=reference)

    @classmethod
    def pending(
        cls,
        id: str,
        *,
        debit: str,
        credit: str,
        amount: int,
        code: str,
        timeout: int = 0,
        reference: str = "",
        linked: bool = False,
    ) -> Transfer:
        """Freeze ``amount`` on ``debit`` for ``credit``; ``timeout`` seconds (0: never) until it expires."""
        flags = TransferFlags.PENDING | (TransferFlags.LINKED if linked else TransferFlags.NONE)
        return cls(id, debit, credit, amount, code, flags=flags, timeout=timeout, reference=reference)

    @classmethod
    def post(
        cls, id: str, *, pending_id: str, amount: int | None = None, reference: str = "", linked: bool = False
    ) -> Transfer:
        """Post the pending transfer: all of it, or ``amount`` of it with the rest released."""
        flags = TransferFlags.POST_PENDING | (TransferFlags.LINKED if linked else TransferFlags.NONE)
        return cls(id, amount=amount, flags=flags, pending_id=pending_id, reference=reference)

    @classmethod
    def void(cls, id: str, *, pending_id: str, reference: str = "", linked: bool = False) -> Transfer:
        """Release the pending transfer in full."""
        flags = TransferFlags.VOID_PENDING | (TransferFlags.LINKED if linked else TransferFlags.NONE)
        return cls(id, flags=flags, pending_id=pending_id, reference=reference)

    @property
    def is_pending(self) -> bool:
        return bool(self.flags & TransferFlags.PENDING)

    @property
    def is_linked(self) -> bool:
        return bool(self.flags & TransferFlags.LINKED)
