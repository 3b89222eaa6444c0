"""In-memory storage of allocations, their side requests, daily statuses and timelines."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import TypeVar

import attrs

from p2pstock.adapters.memory_people import Undo, put
from p2pstock.core.allocation.allocations import Allocation, Risk, Status, Watch
from p2pstock.core.allocation.ports import Event
from p2pstock.core.allocation.side_requests import RequestStatus, SideRequest
from p2pstock.core.allocation.statuses import DailyStatus, ImportedStatement, Review
from p2pstock.core.allocation.stress import Exposure
from p2pstock.core.errors import NotFound, TransientConflict

T = TypeVar("T")


def _append(items: list[T], item: T, undo: Undo) -> None:
    items.append(item)
    undo.append(lambda: items.remove(item))


@attrs.define
class AllocationTables:
    allocations: dict[str, Allocation] = attrs.Factory(dict)
    side_requests: dict[str, SideRequest] = attrs.Factory(dict)
    statuses: dict[str, list[DailyStatus]] = attrs.Factory(lambda: defaultdict(list))
    events: dict[str, list[Event]] = attrs.Factory(lambda: defaultdict(list))
    statements: dict[str, ImportedStatement] = attrs.Factory(dict)


class MemoryAllocations:
    """Allocations as core saved them, read with their latest status (``LATEST``). The stored record's own
    ``last_status_date`` is the day its ``withdrawn_since_status`` was counted against."""

    def __init__(
        self, rows: dict[str, Allocation], statuses: dict[str, list[DailyStatus]], undo: Undo
    ) -> None:
        self._rows, self._statuses, self._undo = rows, statuses, undo

    def get(self, allocation_id: str, *, lock: bool = False) -> Allocation | None:
        stored = self._rows.get(allocation_id)
        return None if stored is None else self._read(stored)

    def add(self, allocation: Allocation) -> None:
        if allocation.id in self._rows:
            raise TransientConflict(f"allocation {allocation.id} exists")
        self._check_sub_account(allocation)
        put(self._rows, allocation.id, allocation, self._undo)

    def save(self, allocation: Allocation) -> None:
        stored = self._rows.get(allocation.id)
        if stored is None or stored.version + 1 != allocation.version:
            raise TransientConflict(f"allocation {allocation.id} changed meanwhile")
        self._check_sub_account(allocation)
        put(self._rows, allocation.id, allocation, self._undo)

    def save_all(self, changed: Sequence[tuple[Allocation, Allocation]]) -> None:
        for read, allocation in changed:
            stored = self._rows.get(allocation.id)
            if stored is None or stored.version != read.version:
                raise TransientConflict(f"allocation {allocation.id} changed meanwhile")
        for _, allocation in changed:
            self._check_sub_account(allocation)
            put(self._rows, allocation.id, allocation, self._undo)

    def watch(self, codes: list[str]) -> dict[str, Watch]:
        return {code: Watch.of(a) for code, a in self.by_sub_account(codes).items()}

    def exposures(self) -> list[Exposure]:
        running = sorted((a for a in self._rows.values() if a.running), key=lambda a: a.id)
        return [Exposure.of(a, self._latest(a.id)) for a in running]

    def _latest(self, allocation_id: str) -> DailyStatus | None:
        """The latest status in effect (one held or rejected tells nothing)."""
        history = [s for s in self._statuses.get(allocation_id, ()) if s.in_effect]
        return max(history, key=lambda s: (s.trade_date, s.revision)) if history else None

    def _read(self, stored: Allocation) -> Allocation:
        latest = self._latest(stored.id)
        if latest is None:
            return attrs.evolve(
                stored,
                last_status_date=None,
                last_assets=None,
                last_withdrawable=0,
                risk=Risk.NORMAL,
                rung=0,
                top_up_by=None,
            )
        withdrawn = stored.withdrawn_since_status if stored.last_status_date == latest.trade_date else 0
        return attrs.evolve(
            stored,
            last_status_date=latest.trade_date,
            last_assets=latest.figures.total_assets,
            last_withdrawable=latest.figures.cash_withdrawable,
            risk=latest.risk_after,
            rung=latest.rung_after,
            top_up_by=latest.top_up_by,
            withdrawn_since_status=withdrawn,
        )

    def _check_sub_account(self, allocation: Allocation) -> None:
        """One running allocation per sub-account (the SQL adapter's partial unique index)."""
        if allocation.status is Status.IN_PROGRESS and any(
            a.sub_account == allocation.sub_account
            and a.id != allocation.id
            and a.status is Status.IN_PROGRESS
            for a in self._rows.values()
        ):
            raise TransientConflict(f"sub-account {allocation.sub_account} is in use")

    def by_sub_account(self, codes: list[str]) -> dict[str, Allocation]:
        wanted = set(codes)
        return {
            a.sub_account: self._read(a)
            for a in self._rows.values()
            if a.sub_account in wanted and a.status is Status.IN_PROGRESS
        }

    def of_customer(self, customer_id: str) -> list[Allocation]:
        mine = [self._read(a) for a in self._rows.values() if a.customer_id == customer_id]
        return sorted(mine, key=lambda a: (a.created_at, a.id), reverse=True)

    def in_status(self, statuses: list[Status], limit: int, *, after: str = "") -> list[Allocation]:
        found = sorted(
            (a for a in self._rows.values() if a.status in statuses and a.id > after), key=lambda a: a.id
        )
        return [self._read(a) for a in found[:limit]]

    def fees_due(self, day: date, limit: int, *, after: str = "") -> list[Allocation]:
        found = sorted(
            (
                a
                for a in self._rows.values()
                if a.status is Status.IN_PROGRESS
                and a.next_fee_date is not None
                and a.next_fee_date <= day
                and a.id > after
            ),
            key=lambda a: a.id,
        )
        return [self._read(a) for a in found[:limit]]

    def deadlines_passed(self, at: int, limit: int, *, after: str = "") -> list[Allocation]:
        running = sorted((a for a in self._rows.values() if a.running and a.id > after), key=lambda a: a.id)
        found = []
        for a in running:
            latest = self._latest(a.id)
            if latest is not None and latest.top_up_by is not None and latest.top_up_by <= at:
                found.append(self._read(a))
        return found[:limit]

    def unpaid_past(self, deadline: int, limit: int) -> list[Allocation]:
        found = sorted(
            (a for a in self._rows.values() if a.status.awaiting_payment and a.deadline <= deadline),
            key=lambda a: (a.deadline, a.id),
        )
        return [self._read(a) for a in found[:limit]]


class MemorySideRequests:
    def __init__(self, rows: dict[str, SideRequest], undo: Undo) -> None:
        self._rows, self._undo = rows, undo

    def get(self, request_id: str, *, lock: bool = False) -> SideRequest | None:
        return self._rows.get(request_id)

    def add(self, request: SideRequest) -> None:
        if request.id in self._rows:
            raise TransientConflict(f"request {request.id} exists")
        put(self._rows, request.id, request, self._undo)

    def save(self, request: SideRequest) -> None:
        if request.id not in self._rows:
            raise NotFound(f"no request {request.id}")
        put(self._rows, request.id, request, self._undo)

    def of_allocation(self, allocation_id: str) -> list[SideRequest]:
        return sorted(
            (r for r in self._rows.values() if r.allocation_id == allocation_id),
            key=lambda r: (r.requested_at, r.id),
        )

    def pending(self, limit: int) -> list[SideRequest]:
        waiting = [r for r in self._rows.values() if r.status is RequestStatus.PENDING]
        return sorted(waiting, key=lambda r: (r.requested_at, r.id))[:limit]


class MemoryDailyStatuses:
    def __init__(
        self, rows: dict[str, list[DailyStatus]], undo: Undo, statements: dict[str, ImportedStatement]
    ) -> None:
        self._rows, self._undo, self._statements = rows, undo, statements

    def take_turn(self) -> None:
        """Nothing: memory storage runs one transaction at a time."""

    def add(self, statuses: list[DailyStatus]) -> None:
        for status in statuses:
            history = self._rows[status.allocation_id]
            if any(s.trade_date == status.trade_date and s.revision == status.revision for s in history):
                raise TransientConflict("that revision of the day's status exists")
            _append(history, status, self._undo)

    def since(self, allocation_ids: list[str], day: date) -> list[DailyStatus]:
        found = [s for key in set(allocation_ids) for s in self._rows.get(key, ()) if s.trade_date >= day]
        return sorted(found, key=lambda s: (s.allocation_id, s.trade_date, s.revision))

    def history(self, allocation_id: str) -> list[DailyStatus]:
        return sorted(self._rows.get(allocation_id, ()), key=lambda s: (s.trade_date, s.revision))

    def imported(self, statement_id: str, sha256: str) -> ImportedStatement | None:
        found = self._statements.get(statement_id)
        return found or next((s for s in self._statements.values() if s.sha256 == sha256), None)

    def remember(self, statement: ImportedStatement) -> None:
        if self.imported(statement.id, statement.sha256) is not None:
            raise TransientConflict(f"statement {statement.id} was imported meanwhile")
        put(self._statements, statement.id, statement, self._undo)

    def latest_before(self, allocation_ids: list[str], day: date) -> list[DailyStatus]:
        found = []
        for key in sorted(set(allocation_ids)):
            earlier = [s for s in self._rows.get(key, ()) if s.trade_date < day and s.in_effect]
            if earlier:
                found.append(max(earlier, key=lambda s: (s.trade_date, s.revision)))
        return found

    def out_of_effect(self) -> dict[str, date]:
        latest: dict[str, date] = {}
        for key, history in self._rows.items():
            for s in history:
                if not s.in_effect and (key not in latest or s.trade_date > latest[key]):
                    latest[key] = s.trade_date
        return latest

    def held(self, limit: int) -> list[DailyStatus]:
        waiting = [s for history in self._rows.values() for s in history if s.review is Review.HELD]
        waiting.sort(key=lambda s: (s.entered_at, s.allocation_id, s.trade_date, s.revision))
        return waiting[:limit]

    def reviewed(self, status: DailyStatus) -> None:
        history = self._rows.get(status.allocation_id, [])
        at = next((i for i, s in enumerate(history) if s.key == status.key), None)
        if at is None or history[at].review is not Review.HELD:
            raise TransientConflict("that status was decided meanwhile")
        earlier = history[at]
        history[at] = status
        self._undo.append(lambda: history.__setitem__(at, earlier))


class MemoryEvents:
    def __init__(self, rows: dict[str, list[Event]], undo: Undo) -> None:
        self._rows, self._undo = rows, undo

    def add(self, events: list[Event]) -> None:
        for event in events:
            timeline = self._rows[event.allocation_id]
            _append(timeline, attrs.evolve(event, seq=len(timeline) + 1), self._undo)

    def of_allocation(self, allocation_id: str) -> list[Event]:
        return list(self._rows.get(allocation_id, ()))
