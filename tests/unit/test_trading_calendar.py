"""The trading calendar: weekends and exchange holidays closed, overrides win, unknown years refused, and
date arithmetic on trading days and months (clamped to month end, rolled to the next trading day)."""

from __future__ import annotations

from datetime import date

import pytest

from p2pstock.adapters.holidays import ChineseHolidays, FixedHolidays
from p2pstock.core.allocation.calendar import (
    CalendarUnknown,
    TradingCalendar,
    add_months,
    monthly_due_day,
)
from p2pstock.core.errors import InvalidInput

NATIONAL_DAY_2026 = [date(2026, 10, d) for d in (1, 2, 5, 6, 7)]  # the weekdays of 1–7 October
CALENDAR = TradingCalendar(FixedHolidays(NATIONAL_DAY_2026, years=[2026, 2027]))


def test_weekends_and_holidays_do_not_trade_and_other_weekdays_do() -> None:
    assert CALENDAR.is_trading_day(date(2026, 9, 30))  # a Wednesday
    assert not CALENDAR.is_trading_day(date(2026, 10, 1))  # a holiday
    assert not CALENDAR.is_trading_day(date(2026, 10, 3))  # a Saturday
    assert CALENDAR.is_trading_day(date(2026, 10, 8))


def test_adding_trading_days_skips_weekends_and_holidays() -> None:
    assert CALENDAR.add_trading_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert CALENDAR.add_trading_days(date(2026, 10, 8), 2) == date(2026, 10, 12)  # over a weekend
    assert CALENDAR.add_trading_days(date(2026, 10, 3), 0) == date(2026, 10, 8)  # rolled to a trading day


def test_the_trading_days_of_a_range_are_listed_in_order() -> None:
    assert CALENDAR.trading_days(date(2026, 9, 29), date(2026, 10, 9)) == [
        date(2026, 9, 29),
        date(2026, 9, 30),
        date(2026, 10, 8),
        date(2026, 10, 9),
    ]
    assert CALENDAR.trading_days(date(2026, 10, 9), date(2026, 10, 8)) == []


def test_an_override_opens_or_closes_any_day() -> None:
    calendar = TradingCalendar(CALENDAR.source, {date(2026, 10, 2): True, date(2026, 9, 30): False})

    assert calendar.is_trading_day(date(2026, 10, 2))
    assert not calendar.is_trading_day(date(2026, 9, 30))


def test_a_year_without_holiday_data_is_refused_not_guessed() -> None:
    with pytest.raises(CalendarUnknown) as refused:
        CALENDAR.is_trading_day(date(2031, 3, 3))
    assert refused.value.year == 2031
    assert not CALENDAR.is_trading_day(date(2031, 3, 1))  # a weekend needs no holiday data


def test_an_override_makes_an_unknown_year_usable_day_by_day() -> None:
    calendar = TradingCalendar(CALENDAR.source, {date(2031, 3, 3): True})

    assert calendar.is_trading_day(date(2031, 3, 3))


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # a leap year
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 1, 31), 2, date(2026, 3, 31)),  # counted from the start, not from the clamped month
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2026, 5, 20), 0, date(2026, 5, 20)),
    ],
)
def test_months_are_added_with_the_day_clamped_to_the_month_end(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


def test_a_monthly_due_day_on_a_closed_day_rolls_to_the_next_trading_day() -> None:
    assert monthly_due_day(date(2026, 9, 1), 1, CALENDAR) == date(2026, 10, 8)  # 1 Oct is National Day
    assert monthly_due_day(date(2026, 8, 31), 1, CALENDAR) == date(2026, 9, 30)


@pytest.mark.parametrize("bad", [-1, 1.5, True, "2"])
def test_bad_counts_are_refused(bad: object) -> None:
    with pytest.raises(InvalidInput):
        CALENDAR.add_trading_days(date(2026, 9, 30), bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        add_months(date(2026, 9, 30), bad)  # type: ignore[arg-type]


def test_the_published_2026_schedule_closes_the_spring_festival_and_its_weekend_make_up_days() -> None:
    calendar = TradingCalendar(ChineseHolidays())

    assert calendar.trading_days(date(2026, 2, 13), date(2026, 2, 24)) == [
        date(2026, 2, 13),
        date(2026, 2, 24),
    ]
    assert not calendar.is_trading_day(
        date(2026, 2, 14)
    )  # a Saturday the country works; the exchanges do not
    assert not calendar.is_trading_day(date(2026, 10, 1))
    assert calendar.add_trading_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert not calendar.is_trading_day(date(2026, 9, 25))  # the Mid-Autumn Festival
