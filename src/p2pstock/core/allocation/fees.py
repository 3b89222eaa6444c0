"""Fees of running allocations.

A daily allocation owes ``B × daily rate`` for each trading day of its term; a monthly one ``B × monthly
rate`` at its start and then on the same day of each later month (clamped to the month's end and rolled to
the next trading day). Prepaid periods are used first. Each fee (with whatever earlier fee is still
unpaid) is taken from the wallet's available balance, then from the risk fund; what neither covers stays
unpaid, the allocation becomes overdue, and the customer and the risk officers are told.

``charge_fees(day)`` (``p2pstock jobs run``) charges every period due on or before ``day``. Each period
moves the allocation's ``next_fee_date`` on, so running the job twice for a day charges once; transfer ids
name the allocation and the period, so even a replayed transaction cannot charge twice.

Many allocations are charged in one transaction by a ``FeeRun``: their wallets (and fee income) are locked
at once, in id order, and each wallet's available balance is carried in memory from one fee to the next —
two allocations of one customer share one wallet. The periods are worked out in memory; then every
transfer is posted in one ledger batch, and the allocations, their timeline events and audit records are
written together. A batch of the fee job ends after ``BATCH`` allocations, or before the allocation whose
transfers would take it past ``TRANSFERS``, so that a transaction stays bounded.
"""

from __future__ import annotations

from datetime import date

import attrs

from p2pstock.core import trusted
from p2pstock.core.allocation.allocations import Allocation, Hold
from p2pstock.core.allocation.calendar import TradingCalendar, monthly_due_day
from p2pstock.core.allocation.desk import Desk
from p2pstock.core.allocation.ports import Event
from p2pstock.core.allocation.products import Component, Mode
from p2pstock.core.backoffice import SYSTEM, Tx
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.service import MAX_BATCH
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.money import Money
from p2pstock.core.people.permissions import Permission

BATCH = 5000
"""Allocations the fee job reads (and locks) per transaction: on the benchmark's 10,000 (PostgreSQL),
1,000 a transaction took 3.2 s, 2,500 2.7 s, 5,000 2.4 s and 8,190 2.5 s."""
TRANSFERS = MAX_BATCH
"""Ledger transfers per transaction of the fee job, at most (unless one allocation alone needs more)."""
_FEE_INCOME = chart.fee_income().id


def period_date(allocation: Allocation, index: int, calendar: TradingCalendar) -> date:
    """The day period ``index`` (0 for the first) falls due."""
    start = allocation.start_date
    if start is None:
        raise ValueError("the allocation has not started")
    if allocation.mode is Mode.DAILY:
        return calendar.add_trading_days(start, index)
    return monthly_due_day(start, index, calendar)


def charge_due(
    desk: Desk, tx: Tx, allocation: Allocation, day: date, calendar: TradingCalendar | None = None
) -> Allocation:
    """Charge every period of ``allocation`` due on or before ``day`` (``calendar``: the platform's, read
    once by a caller charging many)."""
    if not _due(allocation, day):
        return allocation
    run = FeeRun.lock(desk, tx, [allocation], calendar or desk.calendar(tx))
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


def schedule_next(allocation: Allocation, calendar: TradingCalendar, last: date | None = None) -> date | None:
    """When the next period falls due; once the term is charged, the next trading day after ``last`` while
    fees are unpaid (to collect them), else ``None``."""
    return _next_due(allocation, allocation.periods_charged, bool(allocation.fees_unpaid), calendar, last)


def _next_due(
    allocation: Allocation, charged: int, unpaid: bool, calendar: TradingCalendar, last: date | None
) -> date | None:
    """``schedule_next`` once ``charged`` periods are charged, with fees ``unpaid`` or not."""
    if charged < allocation.term:
        return period_date(allocation, charged, calendar)
    if unpaid and last is not None:
        return calendar.next_trading_day(last, inclusive=False)
    return None


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
    changed: list[tuple[Allocation, int]] = attrs.Factory(list)
    """Each allocation charged, and the version it was read at."""
    events: list[Event] = attrs.Factory(list)
    overdue: list[Allocation] = attrs.Factory(list)

    @classmethod
    def lock(cls, desk: Desk, tx: Tx, allocations: list[Allocation], calendar: TradingCalendar) -> FeeRun:
        """A run for ``allocations``: their wallets and fee income locked, in id order (as the ledger
        locks accounts), and the wallets' available balances read."""
        wallets = {customer: chart.wallet_id(customer) for customer in {a.customer_id for a in allocations}}
        ids = sorted({*wallets.values(), _FEE_INCOME}) if wallets else []
        locked = tx.uow.ledger.lock_accounts(ids) if ids else {}
        available = {wallet: locked[wallet].available for wallet in wallets.values()}
        return cls(desk, tx, calendar, wallets, available)

    def charge(self, allocation: Allocation, day: date, *, room: int | None = None) -> Allocation | None:
        """Every period of ``allocation`` due on or before ``day``, charged in this run, and the allocation
        as it will be stored; ``None``, charging nothing, when the run holds transfers already and this
        allocation's would take it past ``room``."""
        wallet = self.wallets[allocation.customer_id]
        periods, moves, taken = _periods(allocation, day, self.calendar, wallet, self.available[wallet])
        if room is not None and self.transfers and len(self.transfers) + len(moves) > room:
            return None
        self.available[wallet] -= taken
        self.transfers += moves
        for before, after, data in periods:
            self.events.append(self.desk.record(self.tx, before, after, actor=SYSTEM, kind="fee", **data))
            if after.overdue and not before.overdue:
                self.overdue.append(after)
        if not periods:
            return allocation
        charged = periods[-1][1]
        self.changed.append((charged, allocation.version))
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
        if self.overdue:
            chats = self.tx.staff_chats(Permission.ALLOCATION_SETTLE)
            for allocation in self.overdue:
                _tell_overdue(self.tx, allocation, chats)


Period = tuple[Allocation, Allocation, dict[str, object]]
"""One period charged: the allocation before it and after it (its version one more), and the timeline's
data of it."""


def _due(allocation: Allocation, day: date) -> bool:
    return allocation.next_fee_date is not None and allocation.next_fee_date <= day


def _periods(
    allocation: Allocation, day: date, calendar: TradingCalendar, wallet: str, available: int
) -> tuple[list[Period], list[Transfer], int]:
    """Every period due on or before ``day``, from a wallet with ``available``: the periods, their
    transfers, and what they take from the wallet."""
    periods: list[Period] = []
    moves: list[Transfer] = []
    taken = 0
    current = allocation
    while _due(current, day):
        charged, data, more, from_wallet = _charge_period(current, calendar, wallet, available - taken)
        periods.append((current, charged, data))
        moves += more
        taken += from_wallet
        current = charged
    return periods, moves, taken


def _charge_period(
    allocation: Allocation, calendar: TradingCalendar, wallet: str, available: int
) -> tuple[Allocation, dict[str, object], list[Transfer], int]:
    """The allocation after its next period is charged (its version one more), the timeline's data, the
    transfers, and what they take from the wallet."""
    day = allocation.next_fee_date or date.min
    in_term = allocation.periods_charged < allocation.term
    period = allocation.periods_charged + 1 if in_term else allocation.periods_charged
    changes: dict[str, object] = {"periods_charged": period, "version": allocation.version + 1}
    moves: list[Transfer] = []
    from_wallet = 0
    moved: dict[str, object]
    if in_term and allocation.prepaid_left:
        changes["prepaid_left"] = allocation.prepaid_left - 1
        moved = {"prepaid": True}
        if allocation.fees_unpaid:  # a prepaid period does not wipe out earlier arrears
            tag = f"arrears-period{period}"
            collected, moves, from_wallet = _collect(
                allocation, wallet, available, fee=0, tag=tag, changes=changes
            )
            moved |= collected
    else:
        fee, tag = (allocation.fee_per_period, f"fee{period}") if in_term else (0, f"arrears{day:%Y%m%d}")
        moved, moves, from_wallet = _collect(allocation, wallet, available, fee=fee, tag=tag, changes=changes)
    unpaid = changes.get("fees_unpaid", allocation.fees_unpaid)
    changes["next_fee_date"] = _next_due(allocation, period, bool(unpaid), calendar, day)
    charged = trusted.evolve(allocation, **changes)  # the stored allocation moved on by the rules above
    return charged, {"period": period, "day": day, **moved}, moves, from_wallet


def _collect(
    allocation: Allocation, wallet: str, available: int, *, fee: int, tag: str, changes: dict[str, object]
) -> tuple[dict[str, object], list[Transfer], int]:
    """``fee`` and the arrears taken from the wallet (``available``), then from the risk fund: the
    allocation's fields that change go into ``changes``; answers the timeline's data, the transfers, and
    what they take from the wallet."""
    due = fee + allocation.fees_unpaid
    from_wallet = min(max(available, 0), due)
    from_fund = min(allocation.risk_fund, due - from_wallet)
    moves: list[Transfer] = []
    if from_wallet:
        moves.append(_fee(f"alloc:{allocation.id}:{tag}", wallet, from_wallet, allocation.id))
    if from_fund:
        fund_moves, changes["holds"] = take_risk_fund(allocation, from_fund, tag)
        account = chart.allocation_account_id(allocation.id)
        moves += [*fund_moves, _fee(f"alloc:{allocation.id}:{tag}:fund", account, from_fund, allocation.id)]
    unpaid = due - from_wallet - from_fund
    changes["fees_paid"] = allocation.fees_paid + from_wallet + from_fund
    changes["fees_unpaid"] = unpaid
    changes["overdue"] = unpaid > 0
    moved: dict[str, object] = {"from_wallet": from_wallet, "from_risk_fund": from_fund, "unpaid": unpaid}
    return moved, moves, from_wallet


def take_risk_fund(
    allocation: Allocation, amount: int, tag: str
) -> tuple[list[Transfer], dict[Component, Hold]]:
    """Post ``amount`` of the risk fund's hold into the allocation account and freeze the rest again."""
    hold = allocation.holds[Component.RISK_FUND]
    moves = [Transfer.post(f"{hold.transfer_id}:{tag}:post", pending_id=hold.transfer_id, amount=amount)]
    holds = dict(allocation.holds)
    rest = hold.amount - amount
    if rest:
        again = f"alloc:{allocation.id}:risk_fund:{tag}"
        moves.append(
            Transfer.pending(
                again,
                debit=chart.wallet_id(allocation.customer_id),
                credit=chart.allocation_account_id(allocation.id),
                amount=rest,
                code=codes.ALLOCATION_RISK_FUND,
                reference=allocation.id,
            )
        )
        holds[Component.RISK_FUND] = Hold(again, rest)
    else:
        del holds[Component.RISK_FUND]
    return moves, holds


def _fee(transfer_id: str, debit: str, amount: int, allocation_id: str) -> Transfer:
    return Transfer.single(
        transfer_id,
        debit=debit,
        credit=_FEE_INCOME,
        amount=amount,
        code=codes.ALLOCATION_FEE,
        reference=allocation_id,
    )


def _tell_overdue(tx: Tx, allocation: Allocation, chats: list[str]) -> None:
    unpaid = Money(allocation.fees_unpaid)
    tx.tell(
        tx.uow.customers.get(allocation.customer_id), "allocation.overdue", id=allocation.id, amount=unpaid
    )
    tx.tell_staff(
        Permission.ALLOCATION_SETTLE, "allocation.staff_overdue", chats=chats, id=allocation.id, amount=unpaid
    )
