"""The capital pool allocations draw B from, managed by administrators holding ``capital.manage``.

Putting money in or taking it out is a transfer between the platform's own funds and the pool, named by
the caller's reference, so repeating it moves the money once. A movement from the four-eyes threshold on
(``FourEyesRule`` for ``capital.manage``: 5,000,000.00 CNY by default) waits as an approval request until a
second administrator approves it, and is carried out then. The pool can never go below zero: an
allocation cannot start, and money cannot be taken out, beyond what it holds.

``position`` tells what the pool holds and what is lent out to running allocations, by product mode.
"""

from __future__ import annotations

import attrs

from p2pstock.core.allocation.allocations import Status
from p2pstock.core.allocation.desk import PLATFORM_ACCOUNTS, Desk
from p2pstock.core.allocation.products import Mode
from p2pstock.core.backoffice import Command, Tx
from p2pstock.core.errors import Refused
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.money import Money
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import Administrator, Permission
from p2pstock.core.validation import check_amount, check_name

MOVE = "capital.move"
"""The action of a pool movement (``payload``: the amount and whether it goes in)."""
PAGE = 500


@attrs.frozen
class Lent:
    """What running allocations of one product ``mode`` hold of the pool."""

    mode: Mode
    allocations: int
    amount: Money


@attrs.frozen
class PoolPosition:
    """The pool now: what it holds, and what it has lent out by mode."""

    available: Money
    lent: tuple[Lent, ...]

    @property
    def lent_total(self) -> Money:
        return sum((lent.amount for lent in self.lent), Money(0))


@attrs.define
class CapitalPool:
    desk: Desk

    def __attrs_post_init__(self) -> None:
        self.desk.office.register(MOVE, self._carry_out)

    def fund(self, amount: int, *, reference: str, by: str) -> Money | ApprovalRequest:
        """Put ``amount`` into the pool: its balance afterwards, or the request waiting for a checker."""
        return self._ask(amount, reference, by, into=True)

    def take_out(self, amount: int, *, reference: str, by: str) -> Money | ApprovalRequest:
        """Take ``amount`` out of the pool (as ``fund``)."""
        return self._ask(amount, reference, by, into=False)

    def balance(self) -> Money:
        pool = chart.capital_pool().id
        found = self.desk.office.read(lambda tx: tx.uow.ledger.find_accounts([pool]))
        return Money(found[pool].balances.available if pool in found else 0)

    def position(self, *, by: str) -> PoolPosition:
        """What the pool holds and has lent out, for holders of ``capital.manage`` or ``stats.view``."""

        def read(tx: Tx) -> PoolPosition:
            tx.admin_any(by, [Permission.CAPITAL_MANAGE, Permission.STATS_VIEW])
            return PoolPosition(available(tx), tuple(_lent(tx)))

        return self.desk.office.read(read)

    def _ask(self, amount: int, reference: str, by: str, *, into: bool) -> Money | ApprovalRequest:
        minor, ref = check_amount(amount), check_name(reference, "reference")
        command = Command(MOVE, Permission.CAPITAL_MANAGE, ref, {"amount": minor, "into": into}, minor)
        return self.desk.office.run(lambda tx: tx.act(by, command, Money))

    def _carry_out(self, tx: Tx, command: Command, admin: Administrator) -> Money:
        minor, into, ref = (
            int(str(command.payload["amount"])),
            command.payload["into"] is True,
            command.target,
        )
        pool, funding = chart.capital_pool().id, chart.capital_funding().id
        self.desk.ledger.create_accounts_in(tx.uow.ledger, [make() for make in PLATFORM_ACCOUNTS])
        transfer = Transfer.single(
            f"capital:{'in' if into else 'out'}:{ref}",
            debit=funding if into else pool,
            credit=pool if into else funding,
            amount=minor,
            code=codes.CAPITAL,
            reference=ref,
        )
        self.desk.move(
            tx,
            [transfer],
            short=Refused(
                f"the capital pool holds less than {Money(minor)}",
                code="capital_pool_short",
                amount=Money(minor),
            ),
        )
        tx.audit(admin.id, "capital.fund" if into else "capital.take_out", ref, after={"amount": minor})
        return available(tx)


def available(tx: Tx) -> Money:
    """What the capital pool holds, free to allocate."""
    pool = chart.capital_pool().id
    found = tx.uow.ledger.find_accounts([pool])
    return Money(found[pool].balances.available if pool in found else 0)


def _lent(tx: Tx) -> list[Lent]:
    counts = dict.fromkeys(Mode, 0)
    amounts = dict.fromkeys(Mode, 0)
    after = ""
    while page := tx.uow.allocations.in_status([Status.IN_PROGRESS], PAGE, after=after):
        for allocation in page:
            counts[allocation.mode] += 1
            amounts[allocation.mode] += allocation.allocated
        after = page[-1].id
    return [Lent(mode, counts[mode], Money(amounts[mode])) for mode in Mode]
