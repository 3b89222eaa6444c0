"""The top-up deadline after a warning: the customer has until the next trading day's open to restore the
allocation, or it is due for liquidation.

- **Set** by a status that takes the allocation into the warning from normal (whatever rung it stood at)
  or from the liquidation line: ``top_up_by`` is the next trading session's open after the status takes
  effect — 09:30 in the platform's time zone (Asia/Shanghai) of the next trading day, or of the same day
  when the status comes before a trading day's open. The customer's warning alert names it. A status that
  leaves the allocation below the warning line carries it on unchanged.
- **Cleared** by a later status in effect that is normal again (it carries none); **met** when an approved
  top-up brings what the latest status found, plus the top-ups approved since it was entered, above the
  warning line with the recovery margin (``risk.RECOVERY_PCT``): the customer and the risk officers are
  told, and the deadline no longer stands (``Allocation.top_up_met``, a ``top_up_met`` timeline event).
- **Missed**: ``p2pstock jobs run`` at or after the deadline, with the allocation still below the warning
  line, marks it liquidation-due (``Allocation.top_up_missed``, a ``liquidation_due`` timeline event) and
  tells the customer (bot, and SMS when the phone is verified) and the risk officers (the one allocation, or
  one digest of a run's) — once.

A liquidation-line crossing is liquidation-due at once, as it always was (``Allocation.liquidation_due``).
The deadline lives with the statuses, so that importing a statement writes no allocation; what became of it
(met, missed) lives with the allocation, named by the deadline itself, so that the next warning's deadline
starts afresh. An allocation that was in warning before deadlines existed gets none until it crosses again.
When the calendar does not know the days ahead (``CalendarUnknown``) the next weekday stands in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, tzinfo

import attrs

from p2pstock.core.allocation.allocations import Allocation, Risk
from p2pstock.core.allocation.calendar import CalendarUnknown, TradingCalendar
from p2pstock.core.allocation.desk import Desk
from p2pstock.core.allocation.risk import recovery_line
from p2pstock.core.allocation.side_requests import Kind, RequestStatus
from p2pstock.core.backoffice import SYSTEM, Tx
from p2pstock.core.clock import from_micros, to_micros
from p2pstock.core.money import Money
from p2pstock.core.people.permissions import Permission

OPEN = time(9, 30)
"""When the exchanges open, in the platform's time zone."""
BATCH = 500
TOLD = Permission.ALLOCATION_DAILY_STATUS
"""The risk officers: who is told of a deadline met or missed, as of every crossing."""


def next_open(calendar: TradingCalendar, moment: datetime) -> int:
    """The next trading session's open after ``moment`` (aware, in the platform's time zone), in
    microseconds."""
    day, early = moment.date(), moment.time() < OPEN
    try:
        if not (early and calendar.is_trading_day(day)):
            day = calendar.next_trading_day(day, inclusive=False)
    except CalendarUnknown:
        day = _weekday(day if early else day + timedelta(days=1))
    return to_micros(datetime.combine(day, OPEN, tzinfo=moment.tzinfo))


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def carried(deadline: int | None, before: Risk, after: Risk, opening: Callable[[], int]) -> int | None:
    """The deadline after a status that moves the allocation from ``before`` to ``after``, from the one in
    force before it (``opening`` gives a new one: the next open)."""
    if after is Risk.NORMAL:
        return None
    if deadline is None and after is Risk.WARNING and before is not Risk.WARNING:
        return opening()
    return deadline


def shown(micros: int, zone: tzinfo) -> str:
    """A deadline as people read it: "2026-01-06 09:30" in the platform's time zone."""
    return f"{from_micros(micros).astimezone(zone):%Y-%m-%d %H:%M}"


def lift(desk: Desk, tx: Tx, allocation: Allocation, by: str) -> Allocation:
    """``allocation`` after a top-up was approved for it: its deadline met, if the latest status's total
    assets and the top-ups approved since clear ``target``."""
    standing = allocation.top_up_due
    if standing is None:
        return allocation
    # no turn taken with the statuses' writers: they lock the allocation after their turn, and the decision
    # holds it already (a status landing meanwhile is read by the next top-up, or clears the deadline itself)
    in_effect = [s for s in tx.uow.daily_statuses.history(allocation.id) if s.in_effect]
    if not in_effect or in_effect[-1].top_up_by != standing:
        return allocation
    since = in_effect[-1].entered_at
    topped = sum(
        request.amount
        for request in tx.uow.side_requests.of_allocation(allocation.id)
        if request.kind is Kind.TOP_UP
        and request.status is RequestStatus.APPROVED
        and request.decided_at >= since
    )
    assets = in_effect[-1].figures.total_assets + topped
    if assets <= recovery_line(allocation.warning_line):
        return allocation
    when = shown(standing, desk.timezone)
    met = attrs.evolve(allocation, top_up_met=standing)
    saved = desk.change(tx, allocation, met, actor=by, kind="top_up_met", top_up_by=when, assets=assets)
    customer = tx.uow.customers.get(allocation.customer_id)
    tx.tell(customer, "allocation.top_up_met", id=allocation.id, assets=Money(assets), by=when)
    tx.tell_staff(TOLD, "allocation.top_up_met.staff", id=allocation.id, assets=Money(assets), by=when)
    return saved


def mark_missed(desk: Desk, tx: Tx, *, after: str) -> tuple[int, int, str]:
    """One page of running allocations (by id, after ``after``) whose latest status carries a deadline that
    has come: each still standing marked liquidation-due and told. Answers (read, marked, the last id
    read)."""
    tx.uow.daily_statuses.take_turn()  # no status lands between reading a deadline and acting on it
    page = tx.uow.allocations.deadlines_passed(tx.now, BATCH, after=after)
    staff: list[dict[str, object]] = []
    for seen in page:
        if seen.top_up_due is not None:
            allocation = desk.load(tx, seen.id)
            if allocation.running and allocation.top_up_due is not None and allocation.top_up_due <= tx.now:
                staff.append(_mark(desk, tx, allocation))
    _tell_staff(tx, staff)
    return len(page), len(staff), page[-1].id if page else after


def _tell_staff(tx: Tx, told: list[dict[str, object]]) -> None:
    """The risk officers told of the allocations marked: the one itself, or one digest of them all."""
    news = [("allocation.liquidation_due.staff", values) for values in told]
    tx.tell_staff_news(TOLD, news, "allocation.liquidation_due_digest.staff")


def _mark(desk: Desk, tx: Tx, allocation: Allocation) -> dict[str, object]:
    """Mark ``allocation`` liquidation-due and tell its customer; what the risk officers are told of it."""
    missed = allocation.top_up_due or 0
    when = shown(missed, desk.timezone)
    assets = allocation.last_assets or 0
    due = attrs.evolve(allocation, top_up_missed=missed)
    data = {"top_up_by": when, "assets": assets}
    desk.change(tx, allocation, due, actor=SYSTEM, kind="liquidation_due", **data)
    values: dict[str, object] = {"id": allocation.id, "by": when, "assets": Money(assets)}
    values["line"] = Money(allocation.warning_line)
    tx.alert(tx.uow.customers.get(allocation.customer_id), "allocation.liquidation_due", **values)
    return values
