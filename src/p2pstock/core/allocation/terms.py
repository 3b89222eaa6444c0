"""When an allocation's term starts and ends, and whether the calendar can count it.

The start is the day of the assignment when that is a trading day before the product's cut-off
(Asia/Shanghai), else the next trading day. A daily term ends on its last trading day; a monthly term the
day before the same day of the month ``term`` months on, a weekly term the day before the same weekday
``term`` weeks on — and the trading day its last fee falls on must be known, so the term's whole span
must be.

A term is checked when the customer applies and again before each payment freezes money: it must be
countable from any start up to ``START_ALLOWANCE`` trading days after the earliest, which covers paying,
the reviewer's call and the assignment. A term needing a year that no source and no administrator covers
is refused then (``TermBeyondCalendar``), never after money is frozen.
"""

from __future__ import annotations

from datetime import date, timedelta

from p2pstock.core.allocation.calendar import (
    CalendarUnknown,
    TermBeyondCalendar,
    TradingCalendar,
    add_months,
    add_weeks,
)
from p2pstock.core.allocation.desk import Desk
from p2pstock.core.allocation.products import Mode, Product
from p2pstock.core.backoffice import Tx

START_ALLOWANCE = 5
"""Trading days between the earliest start of an application and the latest its term is counted from."""


def end_date(mode: Mode, start: date, term: int, calendar: TradingCalendar) -> date:
    """The last day of a term of ``term`` periods starting on ``start`` (``CalendarUnknown`` when the
    calendar cannot count it)."""
    if mode is Mode.DAILY:
        return calendar.add_trading_days(start, term - 1)
    after = add_weeks(start, term) if mode is Mode.WEEKLY else add_months(start, term)
    calendar.next_trading_day(after)  # the last fee day must be known: else CalendarUnknown
    return after - timedelta(days=1)


def start_date(desk: Desk, tx: Tx, product: Product, calendar: TradingCalendar) -> date:
    """The day an allocation assigned now starts."""
    today = desk.today(tx)
    if calendar.is_trading_day(today) and desk.time_of_day(tx) < product.same_day_cutoff:
        return today
    return calendar.next_trading_day(today, inclusive=False)


def require_countable(desk: Desk, tx: Tx, product: Product, term: int) -> None:
    """Refuse (``TermBeyondCalendar``) a term the calendar cannot count from a start now or within the
    allowance."""
    calendar = desk.calendar(tx)
    try:
        latest = calendar.add_trading_days(start_date(desk, tx, product, calendar), START_ALLOWANCE)
        end_date(product.mode, latest, term, calendar)
    except CalendarUnknown as unknown:
        raise TermBeyondCalendar(unknown.year) from None
