"""What the allocation services need from storage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

import attrs

from p2pstock.core.allocation.allocations import Allocation, Status, Watch
from p2pstock.core.allocation.products import Product
from p2pstock.core.allocation.side_requests import SideRequest
from p2pstock.core.allocation.statuses import DailyStatus, ImportedStatement
from p2pstock.core.allocation.stress import Exposure


@attrs.frozen
class CatalogEntry:
    """A stored product version, and whether it is still offered."""

    product: Product
    defined_at: int
    defined_by: str
    offered: bool = True


class ProductRepository(Protocol):
    def latest(self, code: str, *, lock: bool = False) -> CatalogEntry | None: ...
    def get(self, code: str, version: int) -> CatalogEntry | None: ...
    def add(self, entry: CatalogEntry) -> None: ...
    def set_offered(self, code: str, version: int, offered: bool) -> None: ...
    def offered(self) -> list[CatalogEntry]:
        """The newest version of every product still offered, by code."""
        ...

    def newest(self) -> list[CatalogEntry]:
        """The newest version of every product, offered or withdrawn, by code."""
        ...


@attrs.frozen
class DayOverride:
    """An administrator's word on one day: it trades (``trades``) or not, whatever the holiday data says."""

    day: date
    trades: bool
    reason: str
    set_by: str
    set_at: int


class CalendarOverrideRepository(Protocol):
    def all(self) -> list[DayOverride]: ...
    def put(self, override: DayOverride) -> None:
        """Insert the day's override or replace it."""
        ...

    def delete(self, day: date) -> bool:
        """Remove the day's override; False if there was none."""
        ...


@attrs.frozen
class YearLoad:
    """A year's closed weekdays as administrators loaded them from the exchanges' notice. A correction is
    a new ``version``; every version is kept."""

    year: int
    version: int
    closed: frozenset[date]
    note: str
    loaded_by: str
    loaded_at: int


class CalendarYearRepository(Protocol):
    def latest(self) -> dict[int, YearLoad]:
        """The newest load of every year loaded."""
        ...

    def versions(self, year: int) -> list[YearLoad]:
        """Every load of ``year``, oldest first."""
        ...

    def add(self, load: YearLoad) -> None:
        """Store a new version (never replaces one; a version stored already is a conflict)."""
        ...


class SecretBox(Protocol):
    """Seals short secrets (trading sub-account passwords) for storage and opens them again.

    ``seal`` answers printable text that reveals nothing of the secret and differs on every call;
    ``open`` raises ``InvalidInput`` for text it did not seal with its key."""

    def seal(self, secret: str) -> str: ...
    def open(self, sealed: str) -> str: ...


@attrs.frozen
class Event:
    """One line of an allocation's timeline: ``kind`` (``paid``, ``call``, ``status``, ``fee`` …) done by
    ``actor`` at ``at`` (microseconds), with plain-JSON ``data``."""

    allocation_id: str
    at: int
    kind: str
    actor: str
    data: str = "{}"
    seq: int = 0
    """Given by storage: the order of events of one allocation."""


class AllocationRepository(Protocol):
    """Allocations. Every allocation read carries its latest status's day, assets, withdrawable cash, risk
    state, rung and top-up deadline after it (``LATEST``), read from the stored statuses (by trade date,
    then revision; normal risk before the first); saving an allocation never stores them.
    ``withdrawn_since_status`` is stored with the status day it was counted against and reads as 0 once a
    later day's status is stored."""

    def get(self, allocation_id: str, *, lock: bool = False) -> Allocation | None:
        """The allocation; with ``lock``, locked for the transaction before its latest status is read."""
        ...

    def add(self, allocation: Allocation) -> None: ...
    def save(self, allocation: Allocation) -> None:
        """Store a changed allocation; ``allocation.version`` is one more than the stored one's, else the
        adapter raises ``TransientConflict`` (someone else changed it first)."""
        ...

    def save_all(self, changed: Sequence[tuple[Allocation, Allocation]]) -> None:
        """Store changed allocations, each given as it was read and as it is to be stored (its ``version``
        may be more than one past the read one's); any stored at another version meanwhile fails them all
        (``TransientConflict``)."""
        ...

    def watch(self, codes: list[str]) -> dict[str, Watch]:
        """What daily statuses need of the running allocations on these sub-account codes (their latest
        status's day and risk state among it), by code."""
        ...

    def by_sub_account(self, codes: list[str]) -> dict[str, Allocation]:
        """Running allocations by trading sub-account code, for the codes that have one."""
        ...

    def of_customer(self, customer_id: str) -> list[Allocation]:
        """Newest first."""
        ...

    def in_status(self, statuses: list[Status], limit: int, *, after: str = "") -> list[Allocation]:
        """Allocations in any of ``statuses`` by id, from just after ``after``."""
        ...

    def fees_due(self, day: date, limit: int, *, after: str = "") -> list[Allocation]:
        """Running allocations whose next fee falls on or before ``day``, by id, locked for the
        transaction."""
        ...

    def unpaid_past(self, deadline: int, limit: int) -> list[Allocation]:
        """Applications still awaiting payment whose deadline is at or before ``deadline``."""
        ...

    def deadlines_passed(self, at: int, limit: int, *, after: str = "") -> list[Allocation]:
        """Running allocations whose latest status in effect carries a top-up deadline at or before ``at``
        (microseconds), by id, from just after ``after``."""
        ...

    def exposures(self) -> list[Exposure]:
        """Every running allocation with the figures of its latest status (``stress.Exposure``), by id,
        in one read."""
        ...


class SideRequestRepository(Protocol):
    def get(self, request_id: str, *, lock: bool = False) -> SideRequest | None: ...
    def add(self, request: SideRequest) -> None: ...
    def save(self, request: SideRequest) -> None: ...
    def of_allocation(self, allocation_id: str) -> list[SideRequest]:
        """Oldest first."""
        ...

    def pending(self, limit: int) -> list[SideRequest]:
        """Oldest first."""
        ...


class DailyStatusRepository(Protocol):
    def take_turn(self) -> None:
        """Wait for any other transaction writing statuses to end, and hold the others off until this one
        ends: what it reads afterwards (statuses, allocations' risk states) includes what the one before
        it stored."""
        ...

    def add(self, statuses: list[DailyStatus]) -> None:
        """Store new statuses; a revision stored already fails them all (``TransientConflict``)."""
        ...

    def since(self, allocation_ids: list[str], day: date) -> list[DailyStatus]:
        """Every revision of these allocations' statuses on or after ``day``, by allocation, trade date
        and revision."""
        ...

    def history(self, allocation_id: str) -> list[DailyStatus]:
        """Every revision, by trade date then revision."""
        ...

    def imported(self, statement_id: str, sha256: str) -> ImportedStatement | None:
        """The statement imported under ``statement_id``, or else with the content hash ``sha256``."""
        ...

    def remember(self, statement: ImportedStatement) -> None:
        """Keep ``statement`` as imported; one imported already under its id or hash fails it
        (``TransientConflict``)."""
        ...

    def latest_before(self, allocation_ids: list[str], day: date) -> list[DailyStatus]:
        """Of each of these allocations, its latest status in effect (``DailyStatus.in_effect``) for a day
        before ``day``, if it has one."""
        ...

    def out_of_effect(self) -> dict[str, date]:
        """Each allocation with statuses not in effect (held or rejected), and the latest day of those."""
        ...

    def held(self, limit: int) -> list[DailyStatus]:
        """Statuses waiting for a second administrator, oldest entered first."""
        ...

    def reviewed(self, status: DailyStatus) -> None:
        """Store the decision on a held status (its review, reviewer, risk states, rungs and top-up
        deadline); one decided meanwhile fails it (``TransientConflict``)."""
        ...


class EventRepository(Protocol):
    def add(self, events: list[Event]) -> None: ...
    def of_allocation(self, allocation_id: str) -> list[Event]:
        """In the order they happened."""
        ...
