"""Fees of running allocations.

A daily allocation owes ``B × daily rate`` for each trading day of its term; a monthly one ``B × monthly
rate`` at its start and then on the same day of each later month (clamped to the month's end and rolled to
the next trading day). Prepaid periods are used first. Each fee (with whatever earlier fee is still
unpaid) is taken from the wallet's available balance, then from the risk fund; what neither covers stays
unpaid, the allocation becomes overdue, and the customer and the risk officers are told.

``charge_fees(day)`` (``p2pstock jobs run``) charges every period due on or before ``day``. Each period
moves the allocation's ``next_fee_date`` on, so running the job twice for a day charges once; transfer ids
name the allocation and the period, so even a replayed transaction cannot charge twice.
"""

from __future__ import annotations

from datetime import date

import attrs

from p2pstock.core.allocation.allocations import Allocation, Hold
from p2pstock.core.allocation.calendar import TradingCalendar, monthly_due_day
from p2pstock.core.allocation.desk import Desk
from p2pstock.core.allocation.products import Component, Mode
from p2pstock.core.backoffice import SYSTEM, Tx
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.money import Money
from p2pstock.core.people.permissions import Permission

BATCH = 100
"""Allocations charged per transaction by the fee job."""


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
    calendar = calendar or desk.calendar(tx)
    current = allocation
    while current.next_fee_date is not None and current.next_fee_date <= day:
        current = _charge_period(desk, tx, current, calendar)
    return current


def charge_fees(desk: Desk, tx: Tx, *, day: date, after: str) -> tuple[int, str]:
    """One batch of the fee job: allocations (by id, after ``after``) charged, and the last id."""
    batch = tx.uow.allocations.fees_due(day, BATCH, after=after)  # locked: none can be settled meanwhile
    calendar = desk.calendar(tx)
    for allocation in batch:
        charge_due(desk, tx, allocation, day, calendar)
    return len(batch), batch[-1].id if batch else after


def schedule_next(allocation: Allocation, calendar: TradingCalendar, last: date | None = None) -> date | None:
    """When the next period falls due; once the term is charged, the next trading day after ``last`` while
    fees are unpaid (to collect them), else ``None``."""
    if allocation.periods_charged < allocation.term:
        return period_date(allocation, allocation.periods_charged, calendar)
    if allocation.fees_unpaid and last is not None:
        return calendar.next_trading_day(last, inclusive=False)
    return None


def _charge_period(desk: Desk, tx: Tx, allocation: Allocation, calendar: TradingCalendar) -> Allocation:
    day = allocation.next_fee_date or date.min
    in_term = allocation.periods_charged < allocation.term
    period = allocation.periods_charged + 1 if in_term else allocation.periods_charged
    if in_term and allocation.prepaid_left:
        charged = attrs.evolve(allocation, prepaid_left=allocation.prepaid_left - 1, periods_charged=period)
        moved: dict[str, object] = {"prepaid": True}
        if charged.fees_unpaid:  # a prepaid period does not wipe out earlier arrears
            charged, collected = _collect(desk, tx, charged, fee=0, tag=f"arrears-period{period}")
            moved |= collected
    else:
        fee, tag = (allocation.fee_per_period, f"fee{period}") if in_term else (0, f"arrears{day:%Y%m%d}")
        charged, moved = _collect(desk, tx, allocation, fee=fee, tag=tag)
        charged = attrs.evolve(charged, periods_charged=period)
    charged = attrs.evolve(charged, next_fee_date=schedule_next(charged, calendar, day))
    saved = desk.change(tx, allocation, charged, actor=SYSTEM, kind="fee", period=period, day=day, **moved)
    if saved.overdue and not allocation.overdue:
        _tell_overdue(desk, tx, saved)
    return saved


def _collect(
    desk: Desk, tx: Tx, allocation: Allocation, *, fee: int, tag: str
) -> tuple[Allocation, dict[str, object]]:
    due = fee + allocation.fees_unpaid
    wallet = chart.wallet_id(allocation.customer_id)
    available = tx.uow.ledger.lock_accounts([wallet])[wallet].available
    from_wallet = min(max(available, 0), due)
    from_fund = min(allocation.risk_fund, due - from_wallet)
    moves: list[Transfer] = []
    if from_wallet:
        moves.append(_fee(f"alloc:{allocation.id}:{tag}", wallet, from_wallet, allocation.id))
    holds = allocation.holds
    if from_fund:
        fund_moves, holds = take_risk_fund(allocation, from_fund, tag)
        account = chart.allocation_account_id(allocation.id)
        moves += [*fund_moves, _fee(f"alloc:{allocation.id}:{tag}:fund", account, from_fund, allocation.id)]
    desk.move(tx, moves)
    unpaid = due - from_wallet - from_fund
    charged = attrs.evolve(
        allocation,
        holds=holds,
        fees_paid=allocation.fees_paid + from_wallet + from_fund,
        fees_unpaid=unpaid,
        overdue=unpaid > 0,
    )
    return charged, {"from_wallet": from_wallet, "from_risk_fund": from_fund, "unpaid": unpaid}


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
        credit=chart.fee_income().id,
        amount=amount,
        code=codes.ALLOCATION_FEE,
        reference=allocation_id,
    )


def _tell_overdue(desk: Desk, tx: Tx, allocation: Allocation) -> None:
    unpaid = Money(allocation.fees_unpaid)
    tx.tell(
        tx.uow.customers.get(allocation.customer_id), "allocation.overdue", id=allocation.id, amount=unpaid
    )
    tx.tell_staff(Permission.ALLOCATION_SETTLE, "allocation.staff_overdue", id=allocation.id, amount=unpaid)
