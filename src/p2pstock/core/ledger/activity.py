"""An account's activity as people read it: one line per movement, newest first — a posted transfer, or a
hold with what became of it (still frozen, taken in full or in part, released, expired) — rather than the
ledger's entries, where a withdrawal is a freeze and then a post that read as two withdrawals."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence

import attrs

from p2pstock.core.ledger.entries import Entry, EntryKind
from p2pstock.core.ledger.transfers import Transfer, TransferFlags


class Outcome(enum.StrEnum):
    """Where a movement stands."""

    DONE = "done"
    """A transfer posted at once."""
    HELD = "held"
    """A hold still frozen."""
    TAKEN = "taken"
    """A hold posted in full."""
    PARTLY = "partly"
    """A hold posted in part, the rest released."""
    RELEASED = "released"
    """A hold voided: the money is available again."""
    EXPIRED = "expired"
    """A hold whose time ran out: released."""


@attrs.frozen
class Movement:
    """One line of an account's activity: when, what (the ledger code, and the reference it names), the
    change to what the account holder can spend (signed: a credit in; a debit, a frozen hold or what was
    taken of a hold out; nothing for a hold released), and for a hold its amount, what became of it and
    how much of it was taken. The changes of every line add up to the available balance."""

    seq: int
    timestamp: int
    day: str
    code: str
    reference: str
    change: int
    outcome: Outcome
    held: int = 0
    taken: int = 0


@attrs.frozen
class ActivityPage:
    """Movements newest first; pass ``next_before`` back for the older ones (``None``: no more)."""

    account_id: str
    movements: tuple[Movement, ...]
    next_before: int | None


def movements(entries: Sequence[Entry], resolutions: Mapping[str, Transfer]) -> list[Movement]:
    """The movements ``entries`` open (posted transfers and holds, as ``LedgerSession.movements`` reads
    them), each hold with its resolution from ``resolutions`` (by the hold's transfer id), in order."""
    return [_movement(e, resolutions.get(e.transfer_id)) for e in entries]


OPENING = (EntryKind.POSTED, EntryKind.PENDING)
"""The entries that open a movement (the others resolve a hold)."""


def _movement(entry: Entry, resolution: Transfer | None) -> Movement:
    e = entry
    if e.kind is EntryKind.POSTED:
        return Movement(e.seq, e.timestamp, e.day, e.code, e.reference, e.delta.posted, Outcome.DONE)
    outcome, taken = _resolved(e.amount, resolution)
    held = -e.delta.available  # a debit hold on this account (a credit hold changes nothing it can spend)
    change = -held if outcome is Outcome.HELD else -min(taken, held)
    return Movement(e.seq, e.timestamp, e.day, e.code, e.reference, change, outcome, held, taken)


def _resolved(amount: int, resolution: Transfer | None) -> tuple[Outcome, int]:
    """What became of a hold of ``amount``, and how much of it was taken."""
    if resolution is None:
        return Outcome.HELD, 0
    if resolution.flags & TransferFlags.VOID_PENDING:
        return Outcome.RELEASED, 0
    if resolution.flags & TransferFlags.EXPIRE_PENDING:
        return Outcome.EXPIRED, 0
    taken = resolution.amount or amount
    return (Outcome.TAKEN if taken >= amount else Outcome.PARTLY), taken
