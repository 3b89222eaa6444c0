"""Today's platform at a glance, for super administrators and risk officers (``dashboard.view``): the
capital pool used and free, allocations by status and by how far their assets stand above the lines,
today's fees and interest, loans by overdue bucket, and what waits for a decision.

Every figure is read in one transaction, but the day's money moved (the ledger's totals by code), which is
read after it. Money is in fen."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date

import attrs

from p2pstock.core.allocation import capital
from p2pstock.core.allocation.allocations import Allocation, Status
from p2pstock.core.backoffice import Backoffice, Tx
from p2pstock.core.ledger import codes
from p2pstock.core.ledger.ports import CodeTotal
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.lending.loans import LoanStatus
from p2pstock.core.lending.views import BUCKETS, bucket
from p2pstock.core.people.permissions import Permission
from p2pstock.core.wallet.withdrawals import WithdrawalStatus

PAGE = 500
"""Allocations read at a time."""
COUNTED = 10_000
"""Items of a queue or of the overdue installments read at most."""
NEAR_PERCENT = 10
"""Assets within this many per cent above the warning line count as near it."""
DISTANCES = ("clear", "near", "warning", "liquidation", "no_status")
"""How far a running allocation's latest assets stand above its lines: clear of the warning line by
more than ``NEAR_PERCENT``; near it; at or below it; at or below the liquidation line; no status yet."""
ALLOCATION_STATUSES = (Status.UNDER_REVIEW, Status.CONFIRMED, Status.IN_PROGRESS)
LOAN_BUCKETS = (*(name for _, name in BUCKETS), "M3+")
FEE_CODES = (codes.ALLOCATION_FEE, codes.ALLOCATION_PREPAID_FEE)
"""Allocation management fees: charged per period, or prepaid with a monthly allocation."""
INTEREST_CODES = (codes.LOAN_INTEREST, codes.LOAN_PENALTY)
"""Interest (and penalty interest) borrowers paid investors."""
INCOME_CODES = codes.LOAN_FEE_INCOME
"""The platform's lending fees."""


@attrs.frozen
class DashboardFigures:
    day: date
    pool_free: int
    pool_used: int
    """Allocated (B) to allocations in progress."""
    allocations: dict[str, int]
    """Status (``ALLOCATION_STATUSES``) → number of allocations; ``overdue`` those past their term."""
    distances: dict[str, int]
    """``DISTANCES`` → number of allocations in progress."""
    fees_today: int
    interest_today: int
    lending_income_today: int
    loans: dict[str, int]
    """Loan status → number of loans."""
    buckets: dict[str, int]
    """``LOAN_BUCKETS`` → loans repaying, by how long their oldest unpaid installment is overdue."""
    approvals: int
    withdrawals: int
    documents: int


@attrs.define
class Dashboard:
    office: Backoffice
    ledger: Ledger

    def figures(self, *, by: str) -> DashboardFigures:
        """Today's figures (the business day in the platform's zone)."""

        day = self.office.clock.now().astimezone(self.ledger.timezone).date()

        def look(tx: Tx) -> DashboardFigures:
            tx.admin(by, Permission.DASHBOARD_VIEW)
            running = list(_in_progress(tx))
            waiting = {
                s.value: len(tx.uow.allocations.in_status([s], COUNTED)) for s in ALLOCATION_STATUSES[:2]
            }
            return DashboardFigures(
                day=day,
                pool_free=capital.available(tx).minor,
                pool_used=sum(a.allocated for a in running),
                allocations={**waiting, Status.IN_PROGRESS.value: len(running), "overdue": _overdue(running)},
                distances=_distances(running),
                fees_today=0,
                interest_today=0,
                lending_income_today=0,
                loans=tx.uow.loans.count_by_status(),
                buckets=_buckets(tx, day),
                approvals=len(tx.uow.approvals.pending(COUNTED)),
                withdrawals=len(tx.uow.withdrawals.list(WithdrawalStatus.PENDING, COUNTED)),
                documents=len(tx.uow.documents.pending(COUNTED)),
            )

        figures = self.office.read(look)
        moved = self.ledger.statistics("day", start=day, end=day)
        return attrs.evolve(
            figures,
            fees_today=_credited(moved, FEE_CODES),
            interest_today=_credited(moved, INTEREST_CODES),
            lending_income_today=_credited(moved, INCOME_CODES),
        )


def _in_progress(tx: Tx) -> Iterator[Allocation]:
    after = ""
    while page := tx.uow.allocations.in_status([Status.IN_PROGRESS], PAGE, after=after):
        yield from page
        after = page[-1].id


def _overdue(running: Iterable[Allocation]) -> int:
    return sum(1 for a in running if a.overdue)


def distance(allocation: Allocation) -> str:
    """Where ``allocation``'s latest assets stand against its lines (``DISTANCES``)."""
    assets = allocation.last_assets
    if assets is None:
        return "no_status"
    if assets <= allocation.liquidation_line:
        return "liquidation"
    if assets <= allocation.warning_line:
        return "warning"
    return "near" if assets * 100 <= allocation.warning_line * (100 + NEAR_PERCENT) else "clear"


def _distances(running: Iterable[Allocation]) -> dict[str, int]:
    found = Counter(distance(a) for a in running)
    return {name: found[name] for name in DISTANCES}


def _buckets(tx: Tx, day: date) -> dict[str, int]:
    """Loans repaying by the bucket of their oldest unpaid installment (``current`` when none is late)."""
    repaying = {loan.id for loan in tx.uow.loans.in_status([LoanStatus.REPAYING], COUNTED)}
    oldest: dict[str, date] = {}
    for installment in tx.uow.installments.due_by(day, COUNTED):
        if installment.loan_id in repaying:
            oldest.setdefault(installment.loan_id, installment.due)
    found = Counter(bucket((day - oldest[i]).days) if i in oldest else "current" for i in repaying)
    return {name: found[name] for name in LOAN_BUCKETS}


def _credited(moved: Iterable[CodeTotal], wanted: tuple[str, ...]) -> int:
    """What was posted under ``wanted`` codes (each transfer once: its amount is both a debit and a
    credit platform-wide)."""
    return sum(total.credits for total in moved if total.code in wanted)
