"""Administrators correct the trading calendar: an unexpected closure, a year whose holidays are not
published yet; the overrides are stored, audited, and win over the holiday data."""

from __future__ import annotations

from datetime import date

import pytest

from p2pstock.bootstrap import App
from p2pstock.core.allocation.calendar import CalendarUnknown
from p2pstock.core.errors import InvalidInput
from p2pstock.core.people.permissions import PermissionDenied

TYPHOON = date(2026, 9, 16)  # a Wednesday


def test_an_unexpected_closure_takes_a_day_out_of_the_calendar(app: App) -> None:
    assert app.trading_days.calendar().is_trading_day(TYPHOON)

    app.trading_days.set_override(TYPHOON, trades=False, reason="exchanges closed for a typhoon", by="root")

    calendar = app.trading_days.calendar()
    assert not calendar.is_trading_day(TYPHOON)
    assert calendar.add_trading_days(date(2026, 9, 15), 1) == date(2026, 9, 17)
    (record,) = [r for r in app.audit.records(by="root", limit=100) if r.action == "calendar.override"]
    assert (record.actor, record.target) == ("root", "2026-09-16")


def test_a_day_of_a_year_without_holiday_data_can_be_declared_trading(app: App) -> None:
    later = date(2031, 1, 6)
    with pytest.raises(CalendarUnknown):
        app.trading_days.calendar().is_trading_day(later)

    app.trading_days.set_override(later, trades=True, reason="the 2031 schedule keeps this day", by="root")

    assert app.trading_days.calendar().is_trading_day(later)


def test_clearing_an_override_lets_the_holiday_data_decide_again(app: App) -> None:
    app.trading_days.set_override(TYPHOON, trades=False, reason="typhoon", by="root")
    app.trading_days.set_override(TYPHOON, trades=False, reason="typhoon, confirmed", by="root")

    assert [o.reason for o in app.trading_days.overrides()] == ["typhoon, confirmed"]
    assert app.trading_days.clear_override(TYPHOON, by="root")
    assert not app.trading_days.clear_override(TYPHOON, by="root")
    assert app.trading_days.calendar().is_trading_day(TYPHOON)


def test_only_calendar_keepers_change_the_calendar_and_a_reason_is_required(app: App) -> None:
    with pytest.raises(PermissionDenied):
        app.trading_days.set_override(TYPHOON, trades=False, reason="typhoon", by="reviewer-1")
    with pytest.raises(InvalidInput):
        app.trading_days.set_override(TYPHOON, trades=False, reason=" ", by="root")

    assert app.trading_days.overrides() == []
