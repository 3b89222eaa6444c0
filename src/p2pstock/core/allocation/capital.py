"""The capital pool allocations draw B from, managed by administrators holding ``capital.manage``.

Putting money in or taking it out is a transfer between the platform's own funds and the pool, named by
the caller's reference, so repeating it moves the money once. The pool can never go below zero: an
allocation cannot start, and money cannot be taken out, beyond what it holds.
"""

from __future__ import annotations

import attrs

from p2pstock.core.allocation.desk import PLATFORM_ACCOUNTS, Desk
from p2pstock.core.backoffice import Tx
from p2pstock.core.errors import Refused
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.money import Money
from p2pstock.core.people.permissions import Permission
from p2pstock.core.validation import check_amount, check_name


@attrs.define
class CapitalPool:
    desk: Desk

    def fund(self, amount: int, *, reference: str, by: str) -> Money:
        """Put ``amount`` into the pool; the pool's balance afterwards."""
        return self._move(amount, reference, by, into=True)

    def take_out(self, amount: int, *, reference: str, by: str) -> Money:
        return self._move(amount, reference, by, into=False)

    def balance(self) -> Money:
        pool = chart.capital_pool().id
        found = self.desk.office.read(lambda tx: tx.uow.ledger.find_accounts([pool]))
        return Money(found[pool].balances.available if pool in found else 0)

    def _move(self, amount: int, reference: str, by: str, *, into: bool) -> Money:
        minor, ref = check_amount(amount), check_name(reference, "reference")
        pool, funding = chart.capital_pool().id, chart.capital_funding().id

        def move(tx: Tx) -> Money:
            admin = tx.admin(by, Permission.CAPITAL_MANAGE)
            self.desk.ledger.create_accounts_in(tx.uow.ledger, [make() for make in PLATFORM_ACCOUNTS])
            transfer = Transfer.single(
                f"capital:{'in' if into else 'out'}:{ref}",
                debit=funding if into else pool,
                credit=pool if into else funding,
                amount=minor,
                code=codes.CAPITAL,
                reference=ref,
            )
            self.desk.move(tx, [transfer], short=Refused(f"the capital pool holds less than {Money(minor)}"))
            tx.audit(admin.id, "capital.fund" if into else "capital.take_out", ref, after={"amount": minor})
            return Money(tx.uow.ledger.find_accounts([pool])[pool].balances.available)

        return self.desk.office.run(move)
