"""The rules of an allocation's fees, worked out in memory: when each period falls due, and what charging
the periods due takes from the wallet and the risk fund (``fees.py`` runs them in a transaction).

A daily allocation owes ``B × daily rate`` for each trading day of its term; a monthly one ``B × monthly
rate`` at its start and then on the same day of each later month (clamped to the month's end and rolled to
the next trading day); a weekly one ``B × weekly rate`` at its start and then on the same weekday of each
later week (rolled to the next trading day). A free trial's periods are charged like a daily allocation's,
at 0. Prepaid periods are used first. Each fee (with whatever earlier fee is still
unpaid) is taken from the wallet's available balance, then from the risk fund; what neither covers stays
unpaid and the allocation becomes overdue. Each period is one change of the allocation (its version one
more), with the transfers it needs; their ids name the allocation and the period.
"""

from __future__ import annotations

from datetime import date

from p2pstock.core import trusted
from p2pstock.core.allocation.allocations import Allocation, Hold
from p2pstock.core.allocation.calendar import TradingCalendar, monthly_due_day, weekly_due_day
from p2pstock.core.allocation.products import Component, Mode
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.transfers import Transfer, TransferFlags

FEE_INCOME = chart.fee_income().id
"""The account every fee is paid into."""


def period_date(allocation: Allocation, index: int, calendar: TradingCalendar) -> date:
    """The day period ``index`` (0 for the first) falls due."""
    start = allocation.start_date
    if start is None:
        raise ValueError("the allocation has not started")
    if allocation.mode is Mode.DAILY:
        return calendar.add_trading_days(start, index)
    if allocation.mode is Mode.WEEKLY:
        return weekly_due_day(start, index, calendar)
    return monthly_due_day(start, index, calendar)


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


Period = tuple[Allocation, Allocation, dict[str, object]]
"""One period charged: the allocation before it and after it (its version one more), and the timeline's
data of it."""


def is_due(allocation: Allocation, day: date) -> bool:
    """Whether a period of ``allocation`` falls due on or before ``day``."""
    return allocation.next_fee_date is not None and allocation.next_fee_date <= day


def charge_periods(
    allocation: Allocation, day: date, calendar: TradingCalendar, wallet: str, available: int
) -> tuple[list[Period], list[Transfer], int]:
    """Every period due on or before ``day``, from a wallet with ``available``: the periods, their
    transfers, and what they take from the wallet."""
    periods: list[Period] = []
    moves: list[Transfer] = []
    taken = 0
    current = allocation
    while is_due(current, day):
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
            collected, moves, from_wallet = collect(
                allocation, wallet, available, fee=0, tag=tag, changes=changes
            )
            moved |= collected
    else:
        fee, tag = (allocation.fee_per_period, f"fee{period}") if in_term else (0, f"arrears{day:%Y%m%d}")
        moved, moves, from_wallet = collect(allocation, wallet, available, fee=fee, tag=tag, changes=changes)
    unpaid = changes.get("fees_unpaid", allocation.fees_unpaid)
    changes["next_fee_date"] = _next_due(allocation, period, bool(unpaid), calendar, day)
    charged = trusted.evolve(allocation, **changes)  # the stored allocation moved on by the rules above
    return charged, {"period": period, "day": day.isoformat(), **moved}, moves, from_wallet


def collect(
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
    """``Transfer.single`` of a fee, built from a stored allocation's ids and a positive amount: the ledger
    checks it as it checks any request."""
    return trusted.build(
        Transfer,
        transfer_id,
        debit,
        FEE_INCOME,
        amount,
        _FEE_CODE,
        "",
        _SINGLE,
        "",
        0,
        allocation_id,
        0,
        None,
    )


_FEE_CODE, _SINGLE = codes.ALLOCATION_FEE, TransferFlags.NONE
