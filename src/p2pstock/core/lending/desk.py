"""What every lending step shares: loading and saving a loan with its audit record, and moving money."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import attrs

from p2pstock.core.backoffice import Backoffice, Tx
from p2pstock.core.clock import from_micros
from p2pstock.core.errors import InvalidInput, NotFound, P2PStockError
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

    def not_ahead(self, day: date) -> None:
        """Refuse a jobs ``day`` after today: fees, penalty interest and advances are never run ahead."""
        today = self.office.read(self.today)
        if day > today:
            raise InvalidInput(
                f"the lending jobs cannot run ahead: {day} is after today ({today})",
                code="day_ahead",
                day=day,
                today=today,
            )

    def load(self, tx: Tx, loan_id: str, *, lock: bool = True) -> Loan:
        found = tx.uow.loans.get(loan_id, lock=lock)
        if found is None:
            raise NotFound(f"no loan {loan_id}", code="loan_not_found", loan=loan_id)
        return found

    def change(self, tx: Tx, before: Loan, after: Loan, *, actor: str, action: str) -> Loan:
        """Save ``after`` over ``before``, with an audit record of the change."""
        saved = attrs.evolve(after, version=before.version + 1)
        tx.uow.loans.save(saved)
        tx.audit(actor, f"loan.{action}", saved.id, before=summary(before), after=summary(saved))
        return saved

    def move(
        self, tx: Tx, transfers: Sequence[Transfer], *, short: P2PStockError | None = None
    ) -> list[TransferOutcome]:
        """Apply ``transfers``; any refusal raises (``short`` for an account that cannot cover a debit),
        rolling the whole transaction back."""
        return self.ledger.apply_all_in(tx.uow.ledger, transfers, short=short)


def summary(loan: Loan) -> dict[str, object]:
    """What the audit trail keeps of a loan's state."""
    return {
        "status": loan.status.value,
        "funded": loan.funded,
        "investors": loan.investors,
        "reason": loan.reason,
    }
