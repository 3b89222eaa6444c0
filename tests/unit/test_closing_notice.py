"""Reading a year's closures as administrators type them from the exchanges' annual notice, and the
calendar built from several sources and the administrators' loads."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from p2pstock.adapters.holidays import ExchangeHolidays, FixedHolidays
from p2pstock.core.allocation.calendar import (
    ADMINISTRATORS,
    CalendarUnknown,
    ClosedDays,
    Dispute,
    TradingCalendar,
    closure_ranges,
)
from p2pstock.core.allocation.closing_notice import MAX_CLOSURE_DAYS, read_notice

NOTICE = """\
# 2030 年部分节假日休市安排 (an example notice; not a published schedule)
元旦：2030年1月1日（星期二）休市
春节：2月1日（星期五）至2月7日（星期四）休市
2030-04-05
Labour Day: 2030-05-01 ~ 2030-05-03
端午节: 6月5日
国庆节：10月1日至10月7日休市
"""


def days(*spans: tuple[str, str] | str) -> frozenset[date]:
    """The weekdays of each span (``"2030-02-01"`` or a pair of ISO dates)."""
    found: set[date] = set()
    for span in spans:
        first, last = (span, span) if isinstance(span, str) else span
        start, end = date.fromisoformat(first), date.fromisoformat(last)
        found |= {date.fromordinal(n) for n in range(start.toordinal(), end.toordinal() + 1)}
    return frozenset(d for d in found if d.weekday() < 5)


def test_a_notice_as_the_exchanges_word_it_gives_the_closed_weekdays_of_its_year() -> None:
    notice = read_notice(NOTICE)

    assert notice.ok and notice.year == 2030
    assert notice.closed == days(
        "2030-01-01",
        ("2030-02-01", "2030-02-07"),
        "2030-04-05",
        ("2030-05-01", "2030-05-03"),
        "2030-06-05",
        ("2030-10-01", "2030-10-07"),
    )
    assert date(2030, 2, 2) not in notice.closed  # a Saturday inside a range: closed anyway, not listed


@pytest.mark.parametrize(
    "line",
    [
        "2030-02-01 至 2030-02-07",
        "2030/2/1 ~ 2030/2/7",
        "2030.2.1..2030.2.7",
        "2030年2月1日到2030年2月7日",
        "2月1日（周五）—2月7日（周四）",
        "Spring Festival: 2030-02-01 to 2030-02-07 closed",
        "2030-02-01 – 2030-02-07  # 春节",
    ],
)
def test_every_way_the_notices_write_a_range_reads_the_same(line: str) -> None:
    assert read_notice(line, 2030).closed == days(("2030-02-01", "2030-02-07"))


def test_a_date_without_its_year_takes_the_year_given() -> None:
    assert read_notice("5月1日至5月3日", 2030).closed == days(("2030-05-01", "2030-05-03"))
    (problem,) = read_notice("5月1日至5月3日").problems
    assert (problem.line, problem.code) == (1, "no_year")


def test_every_bad_line_is_named_and_nothing_is_read() -> None:
    notice = read_notice(
        "2030-01-01\n2030-02-30\n2031-01-02\n2030-05-03 ~ 2030-05-01\n2030-01-01 ~ 2030-03-01\nsoon\n"
    )

    assert not notice.ok and notice.closed == frozenset()
    assert [(p.line, p.code) for p in notice.problems] == [
        (2, "bad_date"),
        (3, "other_year"),
        (4, "reversed"),
        (5, "too_long_range"),
        (6, "bad_date"),
    ]
    assert str(notice.problems[0]).startswith("line 2: not a date")


def test_a_notice_naming_no_weekday_is_refused() -> None:
    assert [p.code for p in read_notice("# nothing yet\n\n").problems] == ["empty"]
    assert [p.code for p in read_notice("2030-02-02 ~ 2030-02-03").problems] == ["empty"]  # a weekend


@given(st.sets(st.dates(date(2030, 1, 1), date(2030, 12, 31)), max_size=40))
def test_a_year_written_back_as_ranges_reads_as_the_same_days(closed: set[date]) -> None:
    weekdays = frozenset(d for d in closed if d.weekday() < 5)
    ranges = closure_ranges(weekdays)
    assume(all((last - first).days < MAX_CLOSURE_DAYS for first, last in ranges))
    lines = [f"{a} ~ {b}" for a, b in ranges]

    notice = read_notice("\n".join(lines), 2030)

    assert notice.closed == weekdays if weekdays else [p.code for p in notice.problems] == ["empty"]


STATE_COUNCIL = FixedHolidays(days("2030-01-01", ("2030-02-04", "2030-02-07")), [2030], name="state")
EXCHANGE = FixedHolidays(days("2030-01-01", ("2030-02-01", "2030-02-07")), [2030], name="exchange")


def test_a_day_is_closed_when_any_source_covering_its_year_closes_it() -> None:
    calendar = TradingCalendar(ClosedDays((STATE_COUNCIL, EXCHANGE)))

    assert not calendar.is_trading_day(date(2030, 2, 1))  # only the exchange closes it
    assert calendar.is_trading_day(date(2030, 2, 8))
    with pytest.raises(CalendarUnknown):
        calendar.is_trading_day(date(2031, 1, 6))


def test_the_sources_disagreeing_about_a_day_is_a_dispute_naming_each_side() -> None:
    closed = ClosedDays((STATE_COUNCIL, EXCHANGE, FixedHolidays([], [2031], name="late")))

    assert closed.disputes(2030) == [Dispute(date(2030, 2, 1), ("exchange",), ("state",))]
    assert closed.opinions(2030)["late"] is None  # a source not covering the year has no say


def test_a_loaded_year_decides_over_the_sources_and_its_differences_are_disputes() -> None:
    loaded = days("2030-01-01", ("2030-02-04", "2030-02-08"))
    closed = ClosedDays((STATE_COUNCIL, EXCHANGE), {2030: loaded})
    calendar = TradingCalendar(closed)

    assert calendar.is_trading_day(date(2030, 2, 1)) and not calendar.is_trading_day(date(2030, 2, 8))
    assert [d.day for d in closed.disputes(2030)] == [date(2030, 2, 1), date(2030, 2, 8)]
    assert closed.disputes(2030)[1] == Dispute(date(2030, 2, 8), (ADMINISTRATORS,), ("state", "exchange"))


def test_a_year_nobody_covers_becomes_known_once_loaded() -> None:
    assert not TradingCalendar(ClosedDays((STATE_COUNCIL,))).known(2031)
    assert TradingCalendar(ClosedDays((STATE_COUNCIL,), {2031: frozenset()})).known(2031)


def test_closures_are_listed_as_the_notices_list_them() -> None:
    assert closure_ranges(days(("2030-02-01", "2030-02-07"), "2030-02-12", "2030-01-01")) == [
        (date(2030, 1, 1), date(2030, 1, 1)),
        (date(2030, 2, 1), date(2030, 2, 7)),
        (date(2030, 2, 12), date(2030, 2, 12)),
    ]


def test_the_exchange_calendars_cover_only_the_years_whose_notice_the_package_carries() -> None:
    shanghai = ExchangeHolidays("XSHG")

    assert {2024, 2025, 2026} <= shanghai.years
    assert shanghai.holidays(2031) is None  # the package answers 2031 by rules; no notice says it
    closed_2024 = shanghai.holidays(2024)
    assert (
        closed_2024 is not None and date(2024, 2, 9) in closed_2024
    )  # the exchanges closed on New Year's Eve
