"""An account's activity as people read it: one line per movement, newest first — a posted transfer, or a
hold with what became of it (still frozen, taken in full or in part, released, expired) — rather than the
ledger's entries, where a withdrawal is a freeze and then a post that read as two withdrawals.

- ``of_kind`` / ``page_of_kind``: the movements of one kind of business (``KINDS``: allocations, lending,
  deposits and withdrawals), a page at a time as ``Ledger.activity`` pages them all.
- ``purpose``: what a movement was for beyond its code, as its transfer names it — the allocation or loan
  (its reference), an allocation fee's period (the fee's transfer id ends ``fee<period>``), fees overdue
  collected (``arrears…``), a loan repaid early (``early-…``).
- ``paid_installments``: which installments of a loan a payment was for, from when the loan's installments
  were settled (the lending side keeps ``settled_at`` on each; the transfers do not name them).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType

import attrs

from p2pstock.core.ledger import codes
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
    transfer_id: str = ""
    """The transfer that opened the movement (``purpose`` reads what it was for from it)."""


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
        return Movement(
            e.seq,
            e.timestamp,
            e.day,
            e.code,
            e.reference,
            e.delta.posted,
            Outcome.DONE,
            transfer_id=e.transfer_id,
        )
    outcome, taken = _resolved(e.amount, resolution)
    held = -e.delta.available  # a debit hold on this account (a credit hold changes nothing it can spend)
    change = -held if outcome is Outcome.HELD else -min(taken, held)
    return Movement(
        e.seq, e.timestamp, e.day, e.code, e.reference, change, outcome, held, taken, e.transfer_id
    )


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


# -- kinds of business ---------------------------------------------------------------------------------

KINDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "allocation": (codes.ALLOCATION + ".",),
        "loan": (codes.LOAN + ".",),
        "cash": (codes.DEPOSIT, codes.WITHDRAWAL),
    }
)
"""A kind of business → its codes (one ending in ``.`` names every code under it)."""

Reader = Callable[[int | None, int], ActivityPage]
"""A page of one account's movements in one period: (``before``, ``limit``) → the page, as
``Ledger.activity`` reads it with the account and the period given."""


def of_kind(code: str, kind: str) -> bool:
    """Whether a movement of ``code`` belongs to ``kind`` (a key of ``KINDS``; ``""``: every movement)."""
    if not kind:
        return True
    return any(code.startswith(c) if c.endswith(".") else code == c for c in KINDS[kind])


def page_of_kind(read: Reader, kind: str, *, before: int | None = None, limit: int = 20) -> ActivityPage:
    """The movements of ``kind`` newest first, ``limit`` at a time (``next_before``: pass it back for the
    older ones, as to ``Ledger.activity``): ``read`` in batches until the page is full and one more is
    found, or nothing older is left."""
    if not kind:
        return read(before, limit)
    found: list[Movement] = []
    batch, account = min(max(limit + 1, 100), 1000), ""
    while True:
        read_now = read(before, batch)
        account, before = read_now.account_id, read_now.next_before
        found += [m for m in read_now.movements if of_kind(m.code, kind)]
        if len(found) > limit or before is None:
            break
    shown = tuple(found[:limit])
    return ActivityPage(account, shown, shown[-1].seq if len(found) > limit else None)


# -- what a movement was for ---------------------------------------------------------------------------


@attrs.frozen
class Purpose:
    """What a movement was for beyond its code: the allocation or loan it names (``of``); for an
    allocation's fee — or its risk fund frozen again after a fee took part of it — the fee period (from 1;
    0: none named) or whether it was fees overdue (``arrears``); for a loan's payment, whether the loan was
    repaid early, the installment the guarantee reserve advanced (``advanced``, 0: none), or whether it was
    paid out when the loan was written off (``write_off``)."""

    of: str = ""
    period: int = 0
    arrears: bool = False
    early: bool = False
    advanced: int = 0
    write_off: bool = False


_FEE = re.compile(r"alloc:[^:]+:(?:risk_fund:)?(?:fee(?P<period>[1-9][0-9]*)|(?P<arrears>arrears)[-0-9a-z]*)")
"""An allocation fee's transfer (``alloc:<id>:fee3``, fees overdue ``alloc:<id>:arrears…``), or the risk
fund frozen again after one took part of it (``alloc:<id>:risk_fund:fee3``)."""
_EARLY = re.compile(r"loan:[^:]+:early-.*")
"""A payment repaying a loan early (``loan:<id>:early-<digest>:…``)."""
_ADVANCE = re.compile(r"loan:[^:]+:adv(?P<number>[1-9][0-9]*):.*")
"""An installment the guarantee reserve advanced to the investors (``loan:<id>:adv<number>:…``)."""
_WRITE_OFF = re.compile(r"loan:[^:]+:write-off:.*")
"""What waited in a loan's escrow, paid out to its investors when it was written off."""


def purpose(m: Movement) -> Purpose:
    """What ``m`` was for, as its code, reference and transfer id name it."""
    family = m.code.partition(".")[0]
    if family == codes.ALLOCATION and (fee := _FEE.fullmatch(m.transfer_id)):
        period = fee["period"]
        return Purpose(m.reference, int(period) if period else 0, arrears=bool(fee["arrears"]))
    if family == codes.LOAN:
        advance = _ADVANCE.fullmatch(m.transfer_id)
        number = int(advance["number"]) if advance else 0
        early, written_off = (bool(pattern.fullmatch(m.transfer_id)) for pattern in (_EARLY, _WRITE_OFF))
        return Purpose(m.reference, early=early, advanced=number, write_off=written_off)
    return Purpose(m.reference if family == codes.ALLOCATION else "")


def last_settled(at: int, settled_at: Mapping[int, int | None]) -> int | None:
    """When installments of a loan were last settled at or before ``at`` (``settled_at``: installment
    number → the time the transaction that settled it began; None while it is open), or None."""
    return max((t for t in settled_at.values() if t is not None and t <= at), default=None)


def paid_installments(
    at: int, settled_at: Mapping[int, int | None], earlier: Iterable[int] = ()
) -> tuple[int, int] | None:
    """The installments (first, last) a payment of a loan booked at ``at`` was for.

    A payment settles installments oldest first, stamping each with the time its transaction began, a
    moment before its transfers are booked: so the ones settled last at or before ``at`` are the
    payment's own — unless ``earlier`` (when the loan's payments before this one were booked; each at or
    after that settlement must be among them) holds one booked since, which means this payment settled
    none and went towards the oldest installment still open. None for a loan without installments.
    Exact unless two payments of one loan ran at the same moment (the later may have begun before the
    earlier was booked)."""
    last = last_settled(at, settled_at)
    if last is not None and all(t < last for t in earlier):
        numbers = [n for n, t in settled_at.items() if t == last]
        return min(numbers), max(numbers)
    still_open = [n for n, t in settled_at.items() if t is None or t > at]
    return (min(still_open), min(still_open)) if still_open else None
