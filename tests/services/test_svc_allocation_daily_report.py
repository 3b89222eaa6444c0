"""Customers told how their allocations stand after each day's status: one bot digest per customer, a line
per allocation — total assets, the day's and the whole profit or loss, the distance to each line, the risk
ratio — in their language, unless they switched it off; a correction of an earlier day tells nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from allocation_world import (
    CL,
    DEPOSIT,
    WL,
    B,
    assert_books_hold,
    move_to,
    open_platform,
    running,
    running_for,
    verified_customer,
)

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.allocation.statuses import Figures
from p2pstock.core.errors import NotFound
from p2pstock.core.money import Money
from p2pstock.core.papers import ALLOCATION_RISK
from p2pstock.core.people.customers import Customer, KycStatus

MONDAY, TUESDAY = date(2026, 1, 5), date(2026, 1, 6)
REPORTS = ("Your allocations today", "配资日报")


@pytest.fixture(autouse=True)
def platform(app: App) -> Iterator[None]:
    open_platform(app)
    verified_customer(app)  # alice: the bot (chat 7001), English
    yield
    assert_books_hold(app)


def reports(app: App, chat: str) -> list[str]:
    found = app.office.read(lambda tx: tx.uow.outbox.of_recipient(chat, 100))
    return [n.text for n in sorted(found, key=lambda n: n.id) if n.text.startswith(REPORTS)]


def status(app: App, allocation_id: str, day: date, assets: int, daily: int = 0) -> None:
    cash = assets // 5
    figures = Figures(assets, assets - cash, cash, daily_pnl=daily)
    app.allocations.record_status(allocation_id, day, figures, by="risk-1")


def test_a_status_is_reported_to_its_customer_with_every_figure_they_watch(app: App) -> None:
    allocation = running(app)

    status(app, allocation.id, MONDAY, 6_200_000, daily=-50_000)

    [report] = reports(app, "7001")
    assert (B, DEPOSIT, WL, CL) == (5_000_000, 1_000_000, 5_500_000, 5_300_000)  # what the figures read from
    assert report.splitlines() == [
        "Your allocations today: 1",
        f"allocation {allocation.id} (2026-01-05): total assets ¥62,000.00, -¥500.00 today, +¥2,000.00 "
        "overall (against ¥60,000.00 in it); ¥7,000.00 (11.29 %) above the warning line, ¥9,000.00 "
        "(14.51 %) above the liquidation line; risk ratio 124.00 %",
    ]


def test_a_customer_reads_one_report_for_all_their_allocations_in_chinese(app: App) -> None:
    chen = Customer(
        "chen", telegram_user_id=7002, language="zh", phone="+8613700137000", status=KycStatus.VERIFIED
    )
    app.office.run(lambda tx: tx.uow.customers.add(chen))
    app.papers.acknowledge(chen.id, ALLOCATION_RISK)
    app.wallets.open("chen")
    app.wallets.confirm_deposit("chen", gateway="bank", transaction_id="chen", amount=Money(5_000_000))
    first, second = running_for(app, "chen", "C-1"), running_for(app, "chen", "C-2")
    statement = (
        "sub_account,trade_date,total_assets,market_value,cash_available,cash_frozen,cash_withdrawable,"
        "daily_pnl,floating_pnl\n"
        "C-1,2026-01-05,52000.00,41600.00,10400.00,0,0,0,0\n"
        "C-2,2026-01-05,61000.00,48800.00,12200.00,0,0,0,0\n"
    )

    assert app.allocations.import_statement(statement, by="risk-1").ok

    [report] = reports(app, "7002")
    header, *lines = report.splitlines()
    assert header == "配资日报 2 笔："
    start = "（2026-01-05）：总资产 "
    assert sorted(lines) == sorted(
        [
            f"配资 {first.id}{start}¥52,000.00，当日盈亏 ¥0.00，累计盈亏 -¥8,000.00（对比本金 ¥60,000.00）；"
            "距警戒线 -¥3,000.00（-5.76 %），距平仓线 -¥1,000.00（-1.92 %）；风险率 104.00 %",
            f"配资 {second.id}{start}¥61,000.00，当日盈亏 ¥0.00，累计盈亏 +¥1,000.00（对比本金 ¥60,000.00）；"
            "距警戒线 ¥6,000.00（9.83 %），距平仓线 ¥8,000.00（13.11 %）；风险率 122.00 %",
        ]
    )


def test_a_customer_who_switched_the_report_off_gets_none_until_they_switch_it_on(
    app: App, clock: ManualClock
) -> None:
    allocation = running(app)
    assert app.allocations.daily_report("alice")

    assert app.allocations.set_daily_report("alice", on=False) is False
    status(app, allocation.id, MONDAY, 6_000_000)
    assert not app.allocations.daily_report("alice")
    assert reports(app, "7001") == []

    app.allocations.set_daily_report("alice", on=True)
    move_to(clock, TUESDAY)
    status(app, allocation.id, TUESDAY, 6_100_000)
    assert [r.splitlines()[1].split(": total assets ")[1][:10] for r in reports(app, "7001")] == [
        "¥61,000.00"
    ]


def test_a_statement_with_two_days_of_one_allocation_reports_its_newest_day_once(
    app: App, clock: ManualClock
) -> None:
    running(app, sub_account="S-1")
    move_to(clock, TUESDAY)
    statement = (
        "sub_account,trade_date,total_assets,market_value,cash_available,cash_frozen,cash_withdrawable,"
        "daily_pnl,floating_pnl\n"
        "S-1,2026-01-05,60000.00,48000.00,12000.00,0,0,0,0\n"
        "S-1,2026-01-06,61000.00,48800.00,12200.00,0,0,0,0\n"
    )

    assert app.allocations.import_statement(statement, by="risk-1").ok

    [report] = reports(app, "7001")
    header, line = report.splitlines()
    assert header == "Your allocations today: 1"
    assert "(2026-01-06): total assets ¥61,000.00," in line


def test_a_correction_of_an_earlier_day_reports_nothing(app: App, clock: ManualClock) -> None:
    allocation = running(app)
    status(app, allocation.id, MONDAY, 6_000_000)
    move_to(clock, TUESDAY)
    status(app, allocation.id, TUESDAY, 6_100_000)

    status(app, allocation.id, MONDAY, 6_050_000)  # Monday corrected on Tuesday

    assert len(reports(app, "7001")) == 2


def test_the_report_of_an_unknown_customer_cannot_be_switched(app: App) -> None:
    with pytest.raises(NotFound):
        app.allocations.set_daily_report("nobody", on=False)


def test_the_whole_profit_or_loss_counts_top_ups_as_the_settlement_books_them(app: App) -> None:
    allocation = running(app)
    request = app.allocations.ask(allocation.id, "top_up", customer_id="alice", amount=1_000_000)
    app.allocations.decide(request.id, by="reviewer-1", approve=True)

    status(app, allocation.id, MONDAY, B + DEPOSIT + 1_000_000)  # the top-up, and no market gain

    [report] = reports(app, "7001")
    assert "today, ¥0.00 overall (against ¥70,000.00 in it);" in report
