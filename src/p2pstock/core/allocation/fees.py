"""The fee job, and the fees a settlement or a start charges first: the periods due (``fee_periods.py``)
charged in a transaction.

``charge_fees(day)`` (``p2pstock jobs run``) charges every period due on or before ``day``. Each period
moves the allocation's ``next_fee_date`` on, so running the job twice for a day charges once; transfer ids
name the allocation and the period, so even a replayed transaction cannot charge twice. An allocation
that becomes overdue is told to the customer and the risk officers.

Many allocations are charged in one transaction by a ``FeeRun``: their wallets (and fee income) are locked
at once, in id order, and each wallet's available balance is carried in memory from one fee to the next —
two allocations of one customer share one wallet. The periods are worked out in memory; then every
transfer is posted in one ledger batch, and the allocations, their timeline events and audit records are
written together. A batch of the fee job ends after ``BATCH`` allocations, or before the allocation whose
transfers would take it past ``TRANSFERS``, so that a transaction stays bounded.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import attrs

from p2pstock.core.allocation.allocations import Allocation
from p2pstock.core.allocation.calendar import TradingCalendar
from p2pstock.core.allocation.desk import Desk
from p2pstock.core.allocation.fee_periods import FEE_INCOME, charge_periods, is_due
from p2pstock.core.allocation.ports import Event
from p2pstock.core.backoffice import SYSTEM, Tx, rendered
from p2pstock.core.ledger import chart
from p2pstock.core.ledger.service import MAX_BATCH
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.money import Money
from p2pstock.core.people.permissions import Permission

BATCH = 5000
"""Allocations the fee job reads (and locks) per transaction: on the benchmark's 10,000 (PostgreSQL),
1,000 a transaction took 3.2 s, 2,500 2.7 s, 5,000 2.4 s and 8,190 2.5 s."""
TRANSFERS = MAX_BATCH
"""Ledger transfers per transaction of the fee job, at most (unless one allocation alone needs more)."""


def charge_due(
    desk: Desk, tx: Tx, allocation: Allocation, day: date, calendar: TradingCalendar | None = None
) -> Allocation:
    """Charge every period of ``allocation`` due on or before ``day`` (``calendar``: the platform's, read
    once by a caller charging many)."""
    if not is_due(allocation, day):
        return allocation
    run = FeeRun.lock(desk, tx, [allocation], calendar or desk.calendar(tx), income=False)
    charged = run.charge(allocation, day)
    run.finish()
    return charged or allocation


def charge_fees(
    desk: Desk, tx: Tx, *, day: date, after: str, size: int = BATCH, transfers: int = TRANSFERS
) -> tuple[int, str, bool]:
    """One batch of the fee job (at most ``size`` allocations, and ``transfers`` transfers unless its first
    allocation alone needs more): how many allocations (by id, after ``after``) were charged, the last one's
    id, and whether more may be due after it."""
    batch = tx.uow.allocations.fees_due(day, size, after=after)  # locked: none can be settled meanwhile
    run = FeeRun.lock(desk, tx, batch, desk.calendar(tx))
    charged = 0
    for allocation in batch:
        if run.charge(allocation, day, room=transfers) is None:
            break
        charged += 1
    run.finish()
    last = batch[charged - 1].id if charged else after
    return charged, last, charged < len(batch) or len(batch) == size


@attrs.define
class FeeRun:
    """Allocations charged in one transaction: worked out in memory against their wallets' balances, then
    written together by ``finish``."""

    desk: Desk
    tx: Tx
    calendar: TradingCalendar
    wallets: dict[str, str]
    """The wallet account of each customer whose allocations the run charges."""
    available: dict[str, int]
    """Each locked wallet's available balance, less the fees this run has taken from it so far."""
    transfers: list[Transfer] = attrs.Factory(list)
    changed: list[tuple[Allocation, Allocation]] = attrs.Factory(list)
    """Each allocation charged: as it was read, and as it will be stored."""
    events: list[Event] = attrs.Factory(list)
    overdue: list[Allocation] = attrs.Factory(list)
    told: dict[str, list[FeeLine]] = attrs.Factory(dict)
    """What each customer is told of the fees charged, by customer id."""

    @classmethod
    def lock(
        cls,
        desk: Desk,
        tx: Tx,
        allocations: list[Allocation],
        calendar: TradingCalendar,
        *,
        income: bool = True,
    ) -> FeeRun:
        """A run for ``allocations``: their wallets locked, with fee income (``income``; every fee is paid
        into it) in id order as the ledger locks accounts, and the wallets' available balances read."""
        wallets = {customer: chart.wallet_id(customer) for customer in {a.customer_id for a in allocations}}
        ids = sorted({*wallets.values(), *([FEE_INCOME] if income else [])}) if wallets else []
        locked = tx.uow.ledger.lock_accounts(ids) if ids else {}
        available = {wallet: locked[wallet].available for wallet in wallets.values()}
        return cls(desk, tx, calendar, wallets, available)

    def charge(self, allocation: Allocation, day: date, *, room: int | None = None) -> Allocation | None:
        """Every period of ``allocation`` due on or before ``day``, charged in this run, and the allocation
        as it will be stored; ``None``, charging nothing, when the run holds transfers already and this
        allocation's would take it past ``room``."""
        wallet = self.wallets[allocation.customer_id]
        periods, moves, taken = charge_periods(allocation, day, self.calendar, wallet, self.available[wallet])
        if room is not None and self.transfers and len(self.transfers) + len(moves) > room:
            return None
        self.available[wallet] -= taken
        self.transfers += moves
        for before, after, data in periods:
            self.events.append(self.desk.record(self.tx, before, after, actor=SYSTEM, kind="fee", **data))
            if after.overdue and not before.overdue:
                self.overdue.append(after)
            if line := fee_line(before, after, data):
                self.told.setdefault(allocation.customer_id, []).append(line)
        if not periods:
            return allocation
        charged = periods[-1][1]
        self.changed.append((allocation, charged))
        return charged

    def finish(self) -> None:
        """Post the transfers (``MAX_BATCH`` a ledger call), store the allocations and their events, and
        tell whoever must hear of an allocation that became overdue."""
        for start in range(0, len(self.transfers), MAX_BATCH):
            self.desk.move(self.tx, self.transfers[start : start + MAX_BATCH])
        if self.changed:
            self.tx.uow.allocations.save_all(self.changed)
        if self.events:
            self.tx.uow.allocation_events.add(self.events)
        if self.told:
            customers = self.tx.uow.customers.many(sorted(self.told))
            for customer_id, lines in self.told.items():
                self.tx.tell_digest(customers.get(customer_id), "allocation.fees_charged", rendered(lines))
        if self.overdue:
            chats = self.tx.staff_chats(Permission.ALLOCATION_SETTLE)
            for allocation in self.overdue:
                _tell_overdue(self.tx, allocation, chats)


FeeLine = tuple[str, dict[str, object]]
"""A line of the customer's fee digest: its template and values."""


def fee_line(before: Allocation, after: Allocation, data: Mapping[str, object]) -> FeeLine | None:
    """What the customer is told of one period charged (``data``: the timeline's): the period's fee taken
    from the wallet, or what the wallet and the risk fund paid toward it (with any arrears) and what is
    left unpaid; arrears collected after the term or beside a prepaid period; nothing when nothing was
    charged or collected (a prepaid period, arrears still waiting, a free trial's period at no fee)."""
    wallet, fund, unpaid = (_fen(data, key) for key in ("from_wallet", "from_risk_fund", "unpaid"))
    shares: dict[str, object] = {"wallet": Money(wallet), "fund": Money(fund), "unpaid": Money(unpaid)}
    if data.get("prepaid") or after.periods_charged == before.periods_charged:
        return ("allocation.arrears_paid", {"id": after.id, **shares}) if wallet or fund else None
    period, fee = after.periods_charged, after.fee_per_period
    if not (fee or wallet or fund or unpaid):
        return None
    if wallet == fee and not (fund or unpaid):
        return "allocation.fee_paid", {"id": after.id, "period": period, "amount": Money(wallet)}
    return "allocation.fee_split", {"id": after.id, "period": period, "fee": Money(fee), **shares}


def _tell_overdue(tx: Tx, allocation: Allocation, chats: list[str]) -> None:
    unpaid = Money(allocation.fees_unpaid)
    tx.tell(
        tx.uow.customers.get(allocation.customer_id), "allocation.overdue", id=allocation.id, amount=unpaid
    )
    tx.tell_staff(
        Permission.ALLOCATION_SETTLE, "allocation.staff_overdue", chats=chats, id=allocation.id, amount=unpaid
    )


def _fen(data: Mapping[str, object], key: str) -> int:
    value = data.get(key, 0)
    return value if isinstance(value, int) else 0
