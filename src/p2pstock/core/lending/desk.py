"""What every lending step shares: loading and saving a loan with its audit record, and moving money."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import attrs

from p2pstock.core.backoffice import Backoffice, Tx
from p2pstock.core.clock import from_micros
from p2pstock.core.errors import LedgerRefused, NotFound
from p2pstock.core.ledger.results import TransferOutcome
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.lending.loans import Loan


@attrs.define
class LoanDesk:
    office: Backoffice
    ledger: Ledger

    def local(self, micros: int) -> datetime:
        return from_micros(micros).astimezone(self.ledger.timezone)

    def today(self, tx: Tx) -> date:
        return self.local(tx.now).date()

    def load(self, tx: Tx, loan_id: str, *, lock: bool = True) -> Loan:
        found = tx.uow.loans.get(loan_id, lock=lock)
        if found is None:
            raise NotFound(f"no loan {loan_id}")
        return found

    def change(self, tx: Tx, before: Loan, after: Loan, *, actor: str, action: str) -> Loan:
        """Save ``after`` over ``before``, with an audit record of the change."""
        saved = attrs.evolve(after, version=before.version + 1)
        tx.uow.loans.save(saved)
        tx.audit(actor, f"loan.{action}", saved.id, before=summary(before), after=summary(saved))
        return saved

    def move(self, tx: Tx, transfers: Sequence[Transfer]) -> list[TransferOutcome]:
        """Apply ``transfers``; any refusal raises, rolling the whole transaction back."""
        outcomes = self.ledger.apply_in(tx.uow.ledger, transfers)
        for outcome in outcomes:
            if not outcome.ok:
                raise LedgerRefused(f"transfer {outcome.id} refused: {outcome.result}", outcome.result)
        return outcomes


def summary(loan: Loan) -> dict[str, object]:
    """What the audit trail keeps of a loan's state."""
    return {
        "status": loan.status.value,
        "funded": loan.funded,
        "investors": loan.investors,
        "reason": loan.reason,
    }
