"""Exchange holidays of mainland China from maintained packages, and a fixed source for tests and embedders.

- ``ChineseHolidays``: the State Council's yearly holiday schedule, from ``chinesecalendar``.
- ``ExchangeHolidays("XSHG")`` / ``("XSHE")``: the Shanghai and Shenzhen exchanges' own calendars, from
  ``holidays`` (released monthly). The package answers every year up to 2100 by rules, but the days an
  annual notice adds (调休: the weekdays bridging a holiday and a weekend) exist only for the years whose
  notice it carries; only those years count as covered, so a rule-made guess never counts fees or terms.

Every source answers the weekdays the exchanges close in a year, or ``None`` for a year it does not cover.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

import chinese_calendar
import holidays as holidays_package

from p2pstock.core.allocation.calendar import HolidaySource

log = logging.getLogger(__name__)


class ChineseHolidays:
    """The statutory holidays ``chinesecalendar`` knows, as the weekdays the exchanges close.

    Years the package does not cover answer ``None`` (the calendar then refuses them).
    """

    name = "chinesecalendar"

    def __init__(self) -> None:
        weekdays: dict[int, set[dt.date]] = defaultdict(set)
        for day in chinese_calendar.holidays:
            if day.weekday() < 5:
                weekdays[day.year].add(day)
        years = {day.year for day in chinese_calendar.holidays}
        self._by_year = {year: frozenset(weekdays[year]) for year in years}

    def holidays(self, year: int) -> frozenset[dt.date] | None:
        return self._by_year.get(year)


class ExchangeHolidays:
    """One exchange's closed weekdays from the ``holidays`` package (``XSHG`` Shanghai, ``XSHE`` Shenzhen),
    for the years whose annual schedule the package carries."""

    def __init__(self, market: str) -> None:
        self.name = market
        self._years = published_years(market)
        self._by_year: dict[int, frozenset[dt.date]] = {}

    @property
    def years(self) -> frozenset[int]:
        """The years covered."""
        return self._years

    def holidays(self, year: int) -> frozenset[dt.date] | None:
        if year not in self._years:
            return None
        if year not in self._by_year:
            closed = holidays_package.financial_holidays(self.name, years=year)
            self._by_year[year] = frozenset(day for day in closed if day.weekday() < 5)
        return self._by_year[year]


def published_years(market: str) -> frozenset[int]:
    """The years whose annual notice the ``holidays`` package carries for ``market``: the exchanges' calendar
    is the State Council's schedule with weekend make-up days left closed, so those are the years the
    package lists the schedule's special days for, from the exchange's first year. None at all when the
    package no longer says (a release that keeps them elsewhere): then the source covers no year rather
    than guessing, and says so in the log."""
    first = getattr(type(holidays_package.financial_holidays(market)), "start_year", 0)
    try:
        from holidays.countries.china import ChinaStaticHolidays  # noqa: PLC0415 - one package's detail

        static = ChinaStaticHolidays.special_public_holidays
    except (ImportError, AttributeError):
        static = {}
    years = frozenset(year for year in static if isinstance(year, int) and year >= first)
    if not years:
        log.warning("the holidays package lists no published year for %s; it covers no year", market)
    return years


def default_sources() -> tuple[HolidaySource, ...]:
    """The maintained sources the platform reads: the State Council's schedule and both exchanges'."""
    return (ChineseHolidays(), ExchangeHolidays("XSHG"), ExchangeHolidays("XSHE"))


class FixedHolidays:
    """Holidays given in code; ``years`` are the years it answers for (the others are unknown)."""

    def __init__(self, holidays: Iterable[dt.date], years: Iterable[int], *, name: str = "fixed") -> None:
        self.name = name
        days = frozenset(holidays)
        self._by_year = {year: frozenset(d for d in days if d.year == year) for year in years}

    def holidays(self, year: int) -> frozenset[dt.date] | None:
        return self._by_year.get(year)
