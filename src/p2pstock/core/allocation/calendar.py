"""The trading calendar: which days the exchanges trade, and date arithmetic on trading days and months.

A day trades when it is a weekday, not an exchange holiday, and no administrator override says otherwise
(an override can open or close any day). Holidays come from a ``HolidaySource`` per year; a year the source
does not know (and no override covers) raises ``CalendarUnknown`` rather than guessing — fees and term
ends are money. Weekend make-up workdays of the State Council's schedule are not trading days: the
exchanges stay closed on weekends.

The platform's source is ``ClosedDays``: several maintained sources (the State Council's schedule, the
Shanghai and Shenzhen exchanges' own calendars) and the years administrators loaded from the exchanges'
annual notices::

    a year loaded by administrators   its closed days are the latest load (administrators decide)
    else covered by some sources      a day is closed when any source covering the year closes it
    else                              unknown: CalendarUnknown

Where the opinions covering a year differ about a day, that day is a ``Dispute``: the platform says so
(``p2pstock calendar show``, the risk officers' alert) until an administrator's override for the day
decides it.

Monthly dates clamp to the month's end (31 January + 1 month is 28 or 29 February) and, where a trading
day is needed, roll forward to the next one. Weekly dates fall on the same weekday (a Wednesday start is
due every Wednesday), rolled forward to the next trading day when that day is closed.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Protocol

import attrs

from p2pstock.core.errors import InvalidInput, P2PStockError, Refused

_DAY = timedelta(days=1)
MAX_STEPS = 3660
"""Longest walk over the calendar, in days (about ten years): a calendar without trading days stops."""


class CalendarUnknown(P2PStockError):
    """The holidays of ``year`` are not known yet; update the holiday data or add overrides."""

    code = "calendar_unknown"

    def __init__(self, year: int) -> None:
        super().__init__(
            f"the exchange holidays of {year} are not known; add them before using that year", year=year
        )
        self.year = year


class TermBeyondCalendar(Refused):
    """An allocation's term would need trading days of ``year``, which no source and no administrator
    covers yet: refused before any money is frozen."""

    code = "term_beyond_calendar"

    def __init__(self, year: int) -> None:
        super().__init__(
            f"the term would run into {year}, whose trading calendar is not published yet; choose a shorter "
            f"term, or apply again once the exchanges have published {year}'s closed days"
        )
        self.year = year


class HolidaySource(Protocol):
    """Exchange holidays by year, from one named source."""

    @property
    def name(self) -> str:
        """How the platform names the source to administrators (``chinesecalendar``, ``XSHG`` …)."""
        ...

    def holidays(self, year: int) -> frozenset[date] | None:
        """The weekday holidays of ``year``; ``None`` when the year is not covered."""
        ...


ADMINISTRATORS = "administrators"
"""The name of the administrators' loaded years among the opinions about a year."""


@attrs.frozen
class Dispute:
    """A day the opinions covering its year disagree about: closed by some, trading for the others."""

    day: date
    closed_by: tuple[str, ...]
    open_by: tuple[str, ...]


@attrs.frozen
class ClosedDays:
    """The weekdays the exchanges close, year by year: the latest load of a year administrators loaded,
    else what any of ``sources`` covering the year closes."""

    sources: tuple[HolidaySource, ...]
    loaded: Mapping[int, frozenset[date]] = attrs.field(factory=dict)
    _decided: dict[int, frozenset[date] | None] = attrs.field(factory=dict, init=False, repr=False, eq=False)

    @property
    def name(self) -> str:
        return "+".join(source.name for source in self.sources)

    def holidays(self, year: int) -> frozenset[date] | None:
        if year not in self._decided:
            self._decided[year] = self._decide(year)
        return self._decided[year]

    def _decide(self, year: int) -> frozenset[date] | None:
        if year in self.loaded:
            return self.loaded[year]
        known = [days for days in (s.holidays(year) for s in self.sources) if days is not None]
        return frozenset().union(*known) if known else None

    def opinions(self, year: int) -> dict[str, frozenset[date] | None]:
        """What each source says of ``year`` (``None``: not covered), the administrators' load last when
        there is one."""
        said = {source.name: source.holidays(year) for source in self.sources}
        if year in self.loaded:
            said[ADMINISTRATORS] = self.loaded[year]
        return said

    def disputes(self, year: int) -> list[Dispute]:
        """The days of ``year`` that the opinions covering it disagree about, in order."""
        covering = {name: days for name, days in self.opinions(year).items() if days is not None}
        if len(covering) < 2:
            return []
        every = frozenset().union(*covering.values())
        shared = frozenset.intersection(*covering.values())
        return [
            Dispute(
                day,
                tuple(name for name, days in covering.items() if day in days),
                tuple(name for name, days in covering.items() if day not in days),
            )
            for day in sorted(every - shared)
        ]


@attrs.frozen
class TradingCalendar:
    """Trading days from ``source`` and ``overrides`` (day → trades or not), which win over the source."""

    source: HolidaySource
    overrides: Mapping[date, bool] = attrs.field(factory=dict)
    _counted: dict[tuple[date, int], date] = attrs.field(factory=dict, init=False, repr=False, eq=False)
    """``add_trading_days`` as answered (a fee job asks the same of many allocations)."""

    def is_trading_day(self, day: date) -> bool:
        if not isinstance(day, date):
            raise InvalidInput("a trading day must be a date", code="wrong_type")
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
        raise InvalidInput(
            f"no trading day within {MAX_STEPS} days of {day}",
            code="no_trading_day_near",
            days=MAX_STEPS,
            day=day,
        )

    def add_trading_days(self, day: date, count: int) -> date:
        """The ``count``-th trading day after ``day``; 0 is ``day`` itself rolled to a trading day."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise InvalidInput(
                "the number of trading days must be a non-negative integer", code="bad_day_count"
            )
        current = self._counted.get((day, count))
        if current is None:
            current = self.next_trading_day(day)
            for _ in range(count):
                current = self.next_trading_day(current, inclusive=False)
            self._counted[day, count] = current
        return current

    def known(self, year: int) -> bool:
        """Whether the closed days of ``year`` are known (overrides alone never make a year known)."""
        return self.source.holidays(year) is not None

    def trading_days(self, first: date, last: date) -> list[date]:
        """Every trading day from ``first`` to ``last`` inclusive."""
        if last < first:
            return []
        if (last - first).days > MAX_STEPS:
            raise InvalidInput(
                f"a range of trading days may span at most {MAX_STEPS} days",
                code="day_range_too_long",
                most=MAX_STEPS,
            )
        days, current = [], first
        while current <= last:
            if self.is_trading_day(current):
                days.append(current)
            current += _DAY
        return days


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the end of the month (31 Jan + 1 → 28/29 Feb)."""
    if isinstance(months, bool) or not isinstance(months, int) or months < 0:
        raise InvalidInput("the number of months must be a non-negative integer", code="bad_month_count")
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def monthly_due_day(start: date, months: int, calendar: TradingCalendar) -> date:
    """The trading day a monthly fee or term falls due: ``start`` + ``months`` clamped, rolled forward."""
    return calendar.next_trading_day(add_months(start, months))


def add_weeks(day: date, weeks: int) -> date:
    """``day`` plus ``weeks`` weeks: the same weekday."""
    if isinstance(weeks, bool) or not isinstance(weeks, int) or weeks < 0:
        raise InvalidInput("the number of weeks must be a non-negative integer", code="bad_week_count")
    return day + timedelta(weeks=weeks)


def weekly_due_day(start: date, weeks: int, calendar: TradingCalendar) -> date:
    """The trading day a weekly fee or term falls due: ``start`` + ``weeks`` weeks, rolled forward."""
    return calendar.next_trading_day(add_weeks(start, weeks))


def closure_ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Closed weekdays as the exchanges' notices list them: runs of days broken only by weekends become
    one range (Friday 5 February to Thursday 11 February), in order."""
    ranges: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if ranges and _only_weekend_between(ranges[-1][1], day):
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def _only_weekend_between(first: date, last: date) -> bool:
    between = (first + timedelta(days=n) for n in range(1, (last - first).days))
    return all(day.weekday() >= 5 for day in between)
