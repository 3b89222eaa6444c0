"""Exchange holidays of mainland China from the ``chinesecalendar`` package (the State Council's yearly
holiday schedule, maintained on PyPI), and a fixed source for tests and embedders."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import chinese_calendar


class ChineseHolidays:
    """The statutory holidays ``chinesecalendar`` knows, as the weekdays the exchanges close.

    Years the package does not cover answer ``None`` (the calendar then refuses them).
    """

    def __init__(self) -> None:
        weekdays: dict[int, set[dt.date]] = defaultdict(set)
        for day in chinese_calendar.holidays:
            if day.weekday() < 5:
                weekdays[day.year].add(day)
        years = {day.year for day in chinese_calendar.holidays}
        self._by_year = {year: frozenset(weekdays[year]) for year in years}

    def holidays(self, year: int) -> frozenset[dt.date] | None:
        return self._by_year.get(year)


class FixedHolidays:
    """Holidays given in code; ``years`` are the years it answers for (the others are unknown)."""

    def __init__(self, holidays: Iterable[dt.date], years: Iterable[int]) -> None:
        days = frozenset(holidays)
        self._by_year = {year: frozenset(d for d in days if d.year == year) for year in years}

    def holidays(self, year: int) -> frozenset[dt.date] | None:
        return self._by_year.get(year)
