"""The trading calendar never silently runs out: administrators load a year from the exchanges' notice (a
new version each time, every one kept and audited), the platform shows each source's word and their
disputes, an application whose term needs a year nobody covers is refused before money is frozen, and
the administrators who keep the calendar are warned weekly from 1 October while next year is unknown."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from allocation_world import (
    DAILY,
    MONTHLY,
    available,
    frozen,
    move_to,
    open_platform,
    paid,
    pool,
    running,
    verified_customer,
)

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.allocation.allocations import CallOutcome, Status
from p2pstock.core.allocation.calendar import TermBeyondCalendar
from p2pstock.core.allocation.calendar_watch import watch
from p2pstock.core.allocation.closing_notice import NoticeUnreadable
from p2pstock.core.allocation.products import Component
from p2pstock.core.errors import Refused
from p2pstock.core.people.permissions import PermissionDenied

NOTICE_2027 = """\
# An example of the exchanges' notice for 2027, as an administrator types it (not the published schedule)
元旦：2027年1月1日（星期五）休市
春节：2月5日（星期五）至2月11日（星期四）休市
2027-04-05
2027-05-03 ~ 2027-05-05
端午节：6月9日
中秋节：9月15日至9月17日
国庆节：10月1日至10月7日休市
"""


@pytest.fixture
def platform(app: App) -> App:
    open_platform(app)
    verified_customer(app)
    return app


def staff_texts(app: App, chat: str) -> list[str]:
    return [n.text for n in app.office.read(lambda tx: tx.uow.outbox.of_recipient(chat, 50))]


def test_a_loaded_year_is_known_and_its_closures_decide_it(app: App) -> None:
    assert not app.trading_days.calendar().known(2027)

    load = app.trading_days.load_year(NOTICE_2027, by="risk-1", note="2027 年休市安排")

    calendar = app.trading_days.calendar()
    assert (load.year, load.version, len(load.closed)) == (2027, 1, 19)
    assert not calendar.is_trading_day(date(2027, 2, 8)) and calendar.is_trading_day(date(2027, 2, 12))
    view = app.trading_days.year(2027)
    assert view.known and view.trading_days == 242
    assert dict(view.opinions)["administrators"] == load.closed
    (record,) = [r for r in app.audit.records(by="root", limit=100) if r.action == "calendar.load"]
    assert (record.actor, record.target, record.before) == ("risk-1", "2027", "")


def test_a_corrected_load_is_a_new_version_and_the_first_is_kept(app: App) -> None:
    app.trading_days.load_year(NOTICE_2027, by="risk-1")
    corrected = NOTICE_2027.replace("中秋节：9月15日至9月17日", "中秋节：9月15日")

    second = app.trading_days.load_year(corrected, by="root")

    view = app.trading_days.year(2027)
    assert [load.version for load in view.loads] == [1, 2] and second.version == 2
    assert app.trading_days.calendar().is_trading_day(date(2027, 9, 16))
    assert len(view.loads[0].closed) == len(view.loads[1].closed) + 2


def test_a_notice_with_bad_lines_loads_nothing_and_names_each(app: App) -> None:
    with pytest.raises(NoticeUnreadable) as refused:
        app.trading_days.load_year("2027-01-01\n2027-02-30\n2028-01-03\n", by="risk-1")

    assert [(p.line, p.code) for p in refused.value.problems] == [(2, "bad_date"), (3, "other_year")]
    assert app.trading_days.year(2027).loads == ()


def test_only_calendar_keepers_or_the_operator_load_a_year(app: App) -> None:
    with pytest.raises(PermissionDenied):
        app.trading_days.load_year(NOTICE_2027, by="finance-1")

    load = app.trading_days.load_year(NOTICE_2027, by=None)

    assert load.loaded_by == "operator"
    loads = [r.actor for r in app.audit.records(by="root", limit=100) if r.action == "calendar.load"]
    assert loads == ["operator"]


def test_the_sources_disagreeing_is_shown_until_an_override_decides_the_day(app: App) -> None:
    view = app.trading_days.year(2024)
    (dispute,) = view.disputes
    assert dispute.day == date(2024, 2, 9)
    assert (dispute.closed_by, dispute.open_by) == (("XSHG", "XSHE"), ("chinesecalendar",))
    assert not app.trading_days.calendar().is_trading_day(dispute.day)  # closed while undecided
    assert not view.decided(dispute)

    app.trading_days.set_override(dispute.day, trades=False, reason="SSE notice 2023-12-26", by="risk-1")

    assert app.trading_days.year(2024).decided(dispute)


def test_applying_in_december_for_a_term_into_an_unknown_year_is_refused_before_anything_is_frozen(
    platform: App, clock: ManualClock
) -> None:
    move_to(clock, date(2026, 12, 7), hour=10)

    with pytest.raises(TermBeyondCalendar) as refused:
        platform.allocations.apply("alice", product="monthly", deposit=1_000_000, leverage=5, term=1)

    assert refused.value.year == 2027
    assert platform.allocations.of_customer("alice") == [] and frozen(platform) == 0


def test_a_monthly_allocation_applied_in_december_starts_once_the_next_year_is_loaded(
    platform: App, clock: ManualClock
) -> None:
    move_to(clock, date(2026, 12, 7), hour=10)
    platform.trading_days.load_year(NOTICE_2027, by="risk-1")

    allocation = running(platform, MONTHLY, term=3)

    assert allocation.status is Status.IN_PROGRESS
    assert (allocation.start_date, allocation.end_date) == (date(2026, 12, 7), date(2027, 3, 6))
    assert pool(platform) == 100_000_000 - allocation.allocated


def test_in_december_2027_a_short_daily_term_is_taken_and_a_monthly_one_into_2028_is_refused(
    platform: App, clock: ManualClock
) -> None:
    platform.trading_days.load_year(NOTICE_2027, by="risk-1")
    move_to(clock, date(2027, 12, 6), hour=10)

    with pytest.raises(TermBeyondCalendar, match="2028"):
        platform.allocations.apply("alice", product="monthly", deposit=1_000_000, leverage=5, term=1)
    allocation = running(platform, DAILY, term=5)

    assert (allocation.start_date, allocation.end_date) == (date(2027, 12, 6), date(2027, 12, 10))


def test_a_payment_that_would_start_the_term_too_late_is_refused_and_freezes_nothing(
    platform: App, clock: ManualClock
) -> None:
    one_day = attrs.evolve(DAILY, code="one_day", term_min=1)
    platform.products.define(one_day, by="root")
    move_to(clock, date(2026, 12, 24), hour=14)  # before the 14:30 cut-off: it could start today
    allocation = platform.allocations.apply("alice", product="one_day", deposit=1_000_000, leverage=5, term=1)
    move_to(clock, date(2026, 12, 24), hour=15)  # past the cut-off, the latest start reaches 2027

    with pytest.raises(TermBeyondCalendar):
        platform.allocations.pay(allocation.id, Component.DEPOSIT, customer_id="alice")

    assert frozen(platform) == 0 and available(platform) == 5_000_000


def test_an_assignment_delayed_past_the_known_days_is_refused_with_the_capital_left_in_the_pool(
    platform: App, clock: ManualClock
) -> None:
    move_to(clock, date(2026, 12, 14), hour=10)
    allocation = paid(platform, DAILY, term=5)
    platform.allocations.record_call(allocation.id, by="reviewer-1", outcome=CallOutcome.CONFIRMED)
    platform.allocations.confirm(allocation.id, by="reviewer-1")
    move_to(clock, date(2026, 12, 28), hour=10)  # the assignment waited two weeks

    with pytest.raises(Refused, match="load them"):
        platform.allocations.assign_account(allocation.id, by="finance-1", sub_account="S-1", password="pw")

    assert pool(platform) == 100_000_000


def test_from_october_the_keepers_are_told_weekly_while_next_year_is_unknown(
    app: App, clock: ManualClock
) -> None:
    app.staff.enrol_by_operator("risk-2", ["risk_officer"], telegram_user_id=4002)
    sources = app.trading_days.sources
    move_to(clock, date(2026, 9, 30), hour=9)
    assert watch(app.office, sources, date(2026, 9, 30)).unknown == ()

    first = watch(app.office, sources, date(2026, 10, 1))
    again = watch(app.office, sources, date(2026, 10, 4))  # the same ISO week
    next_week = watch(app.office, sources, date(2026, 10, 5))

    assert first.unknown == again.unknown == (2027,)
    assert (first.told, again.told, next_week.told) == (1, 0, 1)
    assert "2027" in first.lines()[0] and "p2pstock calendar load" in first.lines()[0]
    (told, _) = staff_texts(app, "4002")
    assert "2027" in told and "交易日历" in told
    app.trading_days.load_year(NOTICE_2027, by="risk-2")
    assert watch(app.office, sources, date(2026, 10, 12)) == attrs.evolve(
        next_week, day=date(2026, 10, 12), unknown=(), told=0
    )


def test_a_dispute_about_a_coming_day_is_told_once_until_an_override_decides_it(app: App) -> None:
    app.staff.enrol_by_operator("risk-2", ["risk_officer"], telegram_user_id=4002)
    published = app.trading_days.year(2026).closed
    typed = "\n".join(day.isoformat() for day in published) + "\n2026-12-28\n"  # one day too many
    app.trading_days.load_year(typed, by="risk-2")
    sources = app.trading_days.sources

    first = watch(app.office, sources, date(2026, 12, 1))
    again = watch(app.office, sources, date(2026, 12, 2))

    ((dispute, closed),) = first.disputes
    assert dispute.day == date(2026, 12, 28) and closed
    assert dispute.open_by == ("chinesecalendar", "XSHG", "XSHE")
    assert first.unknown == (2027,) and (first.told, again.told) == (2, 0)  # 2027's warning, the dispute
    assert any("2026-12-28" in told for told in staff_texts(app, "4002"))
    app.trading_days.set_override(date(2026, 12, 28), trades=True, reason="typed by mistake", by="risk-2")
    assert watch(app.office, sources, date(2026, 12, 3)).disputes == ()
