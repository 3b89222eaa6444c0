"""In-memory storage of loan products, loans, investments and installments."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date

import attrs

from p2pstock.adapters.memory_people import Undo, put
from p2pstock.core.errors import NotFound, TransientConflict
from p2pstock.core.lending.loans import Investment, Loan, LoanInstallment, LoanStatus
from p2pstock.core.lending.ports import HallFilter, LoanCatalogEntry
from p2pstock.core.people.customers import Customer


@attrs.define
class LendingTables:
    products: dict[str, LoanCatalogEntry] = attrs.Factory(dict)
    loans: dict[str, Loan] = attrs.Factory(dict)
    investments: dict[str, Investment] = attrs.Factory(dict)
    installments: dict[str, LoanInstallment] = attrs.Factory(dict)


class MemoryLoanProducts:
    def __init__(self, rows: dict[str, LoanCatalogEntry], undo: Undo) -> None:
        self._rows, self._undo = rows, undo

    def latest(self, code: str, *, lock: bool = False) -> LoanCatalogEntry | None:
        versions = [e for e in self._rows.values() if e.product.code == code]
        return max(versions, key=lambda e: e.product.version, default=None)

    def get(self, code: str, version: int) -> LoanCatalogEntry | None:
        return self._rows.get(f"{code}@{version}")

    def add(self, entry: LoanCatalogEntry) -> None:
        key = f"{entry.product.code}@{entry.product.version}"
        if key in self._rows:
            raise TransientConflict(f"loan product {key} exists")
        put(self._rows, key, entry, self._undo)

    def set_offered(self, code: str, version: int, offered: bool) -> None:
        entry = self.get(code, version)
        if entry is None:
            raise NotFound("there is no such loan product version")
        put(self._rows, f"{code}@{version}", attrs.evolve(entry, offered=offered), self._undo)

    def offered(self) -> list[LoanCatalogEntry]:
        return [e for e in self.newest() if e.offered]

    def newest(self) -> list[LoanCatalogEntry]:
        codes = sorted({e.product.code for e in self._rows.values()})
        return [e for e in (self.latest(code) for code in codes) if e is not None]


class MemoryLoans:
    def __init__(self, rows: dict[str, Loan], undo: Undo) -> None:
        self._rows, self._undo = rows, undo

    def get(self, loan_id: str, *, lock: bool = False) -> Loan | None:
        return self._rows.get(loan_id)

    def add(self, loan: Loan) -> None:
        if loan.id in self._rows:
            raise TransientConflict(f"loan {loan.id} exists")
        put(self._rows, loan.id, loan, self._undo)

    def save(self, loan: Loan) -> None:
        stored = self._rows.get(loan.id)
        if stored is None or stored.version + 1 != loan.version:
            raise TransientConflict(f"loan {loan.id} changed meanwhile")
        put(self._rows, loan.id, loan, self._undo)

    def listed(self, where: HallFilter, offset: int, limit: int) -> list[Loan]:
        found = [
            loan for loan in self._rows.values() if loan.status is LoanStatus.LISTED and where.admits(loan)
        ]
        found.sort(key=lambda loan: (-(loan.listed_at or 0), loan.id))
        return found[offset : offset + limit]

    def in_status(self, statuses: Sequence[LoanStatus], limit: int) -> list[Loan]:
        found = [loan for loan in self._rows.values() if loan.status in statuses]
        return sorted(found, key=lambda loan: (loan.created_at, loan.id))[:limit]

    def of_borrower(self, customer_id: str) -> list[Loan]:
        found = [loan for loan in self._rows.values() if loan.borrower_id == customer_id]
        return sorted(found, key=lambda loan: (-loan.created_at, loan.id))

    def bidding_closed(self, now: int, limit: int) -> list[Loan]:
        found = [
            loan
            for loan in self._rows.values()
            if loan.status is LoanStatus.LISTED and loan.deadline is not None and loan.deadline <= now
        ]
        return sorted(found, key=lambda loan: (loan.deadline or 0, loan.id))[:limit]

    def count_by_status(self) -> dict[str, int]:
        return dict(Counter(loan.status.value for loan in self._rows.values()))

    def without_contract(self, limit: int) -> list[Loan]:
        waiting = (loan for loan in self._rows.values() if loan.disbursed_at and not loan.contract_hash)
        return sorted(waiting, key=lambda loan: (loan.disbursed_at or 0, loan.id))[:limit]


class MemoryInvestments:
    def __init__(self, rows: dict[str, Investment], undo: Undo, customers: dict[str, Customer]) -> None:
        self._rows, self._undo, self._customers = rows, undo, customers

    def get(self, investment_id: str) -> Investment | None:
        return self._rows.get(investment_id)

    def add(self, investment: Investment) -> None:
        if investment.id in self._rows:
            raise TransientConflict(f"investment {investment.id} exists")
        put(self._rows, investment.id, investment, self._undo)

    def save_all(self, investments: Sequence[Investment]) -> None:
        for investment in investments:
            if investment.id not in self._rows:
                raise NotFound(f"no investment {investment.id}")
            put(self._rows, investment.id, investment, self._undo)

    def of_loan(self, loan_id: str) -> list[Investment]:
        found = [i for i in self._rows.values() if i.loan_id == loan_id]
        return sorted(found, key=lambda i: (i.at, i.id))

    def holders(self, loan_id: str) -> list[tuple[Investment, Customer | None]]:
        return [(i, self._customers.get(i.investor_id)) for i in self.of_loan(loan_id)]

    def of_investor(self, investor_id: str) -> list[Investment]:
        found = [i for i in self._rows.values() if i.investor_id == investor_id]
        return sorted(found, key=lambda i: (-i.at, i.id))


class MemoryInstallments:
    def __init__(self, rows: dict[str, LoanInstallment], undo: Undo) -> None:
        self._rows, self._undo = rows, undo

    def add_all(self, installments: Sequence[LoanInstallment]) -> None:
        for installment in installments:
            key = f"{installment.loan_id}#{installment.number}"
            if key in self._rows:
                raise TransientConflict(
                    f"installment {installment.number} of loan {installment.loan_id} exists"
                )
            put(self._rows, key, installment, self._undo)

    def save_all(self, installments: Sequence[LoanInstallment]) -> None:
        for installment in installments:
            key = f"{installment.loan_id}#{installment.number}"
            if key not in self._rows:
                raise NotFound(f"no installment {installment.number} of loan {installment.loan_id}")
            put(self._rows, key, installment, self._undo)

    def of_loan(self, loan_id: str) -> list[LoanInstallment]:
        return sorted((i for i in self._rows.values() if i.loan_id == loan_id), key=lambda i: i.number)

    def due_by(self, day: date, limit: int) -> list[LoanInstallment]:
        return self._unsettled(lambda i: i.due <= day, limit)

    def loans_due(self, day: date, after: str, limit: int) -> list[str]:
        due = {i.loan_id for i in self._rows.values() if not i.settled and i.due <= day and i.loan_id > after}
        return sorted(due)[:limit]

    def to_remind(self, until: date, limit: int) -> list[LoanInstallment]:
        return self._unsettled(lambda i: not i.reminded and i.due <= until, limit)

    def overdue_untold(self, day: date, limit: int) -> list[LoanInstallment]:
        return self._unsettled(lambda i: not i.overdue_told and i.due < day, limit)

    def unpaid_principal(self, day: date) -> tuple[int, int]:
        unsettled = [i for i in self._rows.values() if not i.settled]
        overdue = sum(i.unpaid_principal for i in unsettled if i.due < day)
        return sum(i.unpaid_principal for i in unsettled), overdue

    def penalty_due(self, day: date, limit: int) -> list[LoanInstallment]:
        return self._unsettled(
            lambda i: i.due < day and (i.penalty_through is None or i.penalty_through < day), limit
        )

    def _unsettled(self, wanted: Callable[[LoanInstallment], bool], limit: int) -> list[LoanInstallment]:
        found = [i for i in self._rows.values() if not i.settled and wanted(i)]
        return sorted(found, key=lambda i: (i.due, i.loan_id, i.number))[:limit]
