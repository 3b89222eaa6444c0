"""The trading calendar: which days the exchanges trade, and date arithmetic on trading days and months.

A day trades when it is a weekday, not an exchange holiday, and no administrator override says otherwise
(an override can open or close any day). Holidays come from a ``HolidaySource`` per year; a year the source
does not know (and no override covers) raises ``CalendarUnknown`` rather than guessing — fees and term
ends are money. Weekend make-up workdays of the State Council's schedule are not trading days: the
exchanges stay closed on weekends.

Monthly dates clamp to the month's end (31 January + 1 month is 28 or 29 February) and, where a trading
day is needed, roll forward to the next one.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Protocol

import attrs

from p2pstock.core.errors import InvalidInput, P2PStockError

_DAY = timedelta(days=1)
MAX_STEPS = 3660
"""Longest walk over the calendar, in days (about ten years): a calendar without trading days stops."""


class CalendarUnknown(P2PStockError):
    """The holidays of ``year`` are not known yet; update the holiday data or add overrides."""

    def __init__(self, year: int) -> None:
        super().__init__(f"the exchange holidays of {year} are not known; add them before using that year")
        self.year = year


class HolidaySource(Protocol):
    """Exchange holidays by year."""

    def holidays(self, year: int) -> frozenset[date] | None:
        """The weekday holidays of ``year``; ``None`` when the year is not covered."""
        ...


@attrs.frozen
class TradingCalendar:
    """Trading days from ``source`` and ``overrides`` (day → trades or not), which win over the source."""

    source: HolidaySource
    overrides: Mapping[date, bool] = attrs.field(factory=dict)

    def is_trading_day(self, day: date) -> bool:
        if not isinstance(day, date):
            raise InvalidInput("a trading day must be a date")
        if day in self.overrides:
            return self.overrides[day]
        if day.weekday() >= 5:
            return False
        holidays = self.source.holidays(day.year)
        if holidays is None:
            raise CalendarUnknown(day.year)
        return day not in holidays

    def next_trading_day(self, day: date, *, inclusive: bool = True) -> date:
        """The first trading day on or after ``day`` (after it, with ``inclusive=False``)."""
        current = day if inclusive else day + _DAY
        for _ in range(MAX_STEPS):
            if self.is_trading_day(current):
                return current
            current += _DAY
        raise InvalidInput(f"no trading day within {MAX_STEPS} days of {day}")

    def add_trading_days(self, day: date, count: int) -> date:
        """The ``count``-th trading day after ``day``; 0 is ``day`` itself rolled to a trading day."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise InvalidInput("the number of trading days must be a non-negative integer")
        current = self.next_trading_day(day)
        for _ in range(count):
            current = self.next_trading_day(current, inclusive=False)
        return current

    def trading_days(self, first: date, last: date) -> list[date]:
        """Every trading day from ``first`` to ``last`` inclusive."""
        if last < first:
            return []
        if (last - first).days > MAX_STEPS:
            raise InvalidInput(f"a range of trading days may span at most {MAX_STEPS} days")
        days, current = [], first
        while current <= last:
            if self.is_trading_day(current):
                days.append(current)
            current += _DAY
        return days


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the end of the month (31 Jan + 1 → 28/29 Feb)."""
    if isinstance(months, bool) or not isinstance(months, int) or months < 0:
        raise InvalidInput("the number of months must be a non-negative integer")
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def monthly_due_day(start: date, months: int, calendar: TradingCalendar) -> date:
    """The trading day a monthly fee or term falls due: ``start`` + ``months`` clamped, rolled forward."""
    return calendar.next_trading_day(add_months(start, months))
