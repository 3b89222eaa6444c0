"""A risk officer opens the stress view in the bot: the totals at −5 %, −10 % and −20 %, the worst
allocations and a chart of the shortfall from 0 to −20 %, in the officer's language; support, without
``dashboard.view``, has no such entry."""

from __future__ import annotations

from datetime import date

import pytest
from bot_harness import BotHarness, TelegramUser, as_admin, button_data, play
from language_check import foreign_words

from p2pstock.bootstrap import App
from p2pstock.bots.telegram import admin_stress
from p2pstock.bots.telegram.stress_lines import shock_text
from p2pstock.core.allocation.allocations import CallOutcome
from p2pstock.core.allocation.products import LeverageRate, Mode, Product
from p2pstock.core.allocation.statuses import Figures
from p2pstock.core.allocation.stress import CURVE_SHOCKS
from p2pstock.core.money import Money
from p2pstock.core.papers import ALLOCATION_RISK
from p2pstock.core.people.customers import Customer, KycStatus

SUPPORT, RISK = 7401, 7402
MONDAY = date(2026, 1, 5)
DAILY = Product(
    code="daily", version=1, name="按天配资", mode=Mode.DAILY, rates=(LeverageRate(5, 600),),
    deposit_min=100_000, deposit_max=100_000_000, deposit_step=100_000, term_min=2, term_max=30,
    risk_fund_ppm=5_000,
)  # fmt: skip
"""Deposit ¥10,000 at 5×: B = ¥50,000, CL = ¥53,000, a ¥250 risk fund."""


@pytest.fixture
def platform(app: App) -> App:
    """One running allocation, all in shares at ¥54,000: at −5 % ¥51,300 (below CL, above B); at −10 %
    ¥48,600 (¥1,400 below B, the risk fund ¥250 of it: the platform bears ¥1,150); at −20 % ¥43,200."""
    app.products.define(DAILY, by="root")
    app.capital.fund(100_000_000, reference="seed", by="finance-1")
    alice = Customer(
        "alice", telegram_user_id=7001, language="en", phone="+8613800138000", real_name="张三",
        status=KycStatus.VERIFIED,
    )  # fmt: skip
    app.office.run(lambda tx: tx.uow.customers.add(alice))
    app.papers.acknowledge(alice.id, ALLOCATION_RISK)
    app.wallets.open("alice")
    app.wallets.confirm_deposit("alice", gateway="bank", transaction_id="t-1", amount=Money(5_000_000))
    a = app.allocations.apply("alice", product="daily", deposit=1_000_000, leverage=5, term=5)
    for component in a.due:
        app.allocations.pay(a.id, component, customer_id="alice")
    app.allocations.record_call(a.id, by="reviewer-1", outcome=CallOutcome.CONFIRMED)
    app.allocations.confirm(a.id, by="reviewer-1")
    app.allocations.assign_account(a.id, by="finance-1", sub_account="S-1", password="Tr4de!pass")
    app.allocations.record_status(a.id, MONDAY, Figures(5_400_000, 5_400_000, 0), by="risk-1")
    app.staff.enrol_by_operator("support-9", ["support"], telegram_user_id=SUPPORT)
    app.staff.enrol_by_operator("risk-9", ["risk_officer"], telegram_user_id=RISK)
    return app


def test_a_risk_officer_reads_the_stress_view_and_its_chart_in_english(platform: App) -> None:
    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        officer = as_admin(bot, RISK)
        await bot.send(officer.command("/admin"))
        await bot.send(officer.presses("a:menu:stress"))

    bot = play(platform, scenario)
    menu = bot.request.of("sendMessage")[0]
    assert "a:menu:stress" in button_data(menu)
    [photo] = bot.request.of("sendPhoto")
    assert photo["chat_id"] == RISK
    lines = bot.request.texts()[-1].splitlines()
    assert lines[0].startswith("Stress view: each running allocation's latest status (as of 2026-01-05)")
    assert lines[2] == (
        "Market -5%: of 1 allocations 1 at or below the warning line, 1 at or below the liquidation line "
        "(capital at risk ¥50,000.00); shortfall ¥0.00, risk funds cover ¥0.00, the platform bears ¥0.00 "
        "(booked as owed by the customer)"
    )
    assert "shortfall ¥1,400.00, risk funds cover ¥250.00, the platform bears ¥1,150.00" in lines[3]
    assert "the platform bears ¥6,550.00" in lines[4]
    assert lines[5] == "The worst 1 at -10%:"
    assert lines[6].startswith("S-1 (") and lines[6].endswith(
        "assets ¥54,000.00 → ¥48,600.00, below the liquidation line; shortfall ¥1,400.00, the platform "
        "bears ¥1,150.00"
    )


def test_the_stress_view_is_in_chinese_for_a_chinese_risk_officer(platform: App) -> None:
    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        await bot.send(as_admin(bot, RISK, "zh-hans").presses("a:menu:stress"))

    bot = play(platform, scenario)
    words = bot.request.texts()[-1]
    assert "市场 -10%：1 笔配资中 1 笔跌破警戒线，1 笔跌破平仓线" in words
    assert "平台承担 ¥1,150.00（记为客户欠款）" in words
    assert (
        foreign_words(words, "zh", data=["S-1", *(a.id for a in platform.allocations.of_customer("alice"))])
        == []
    )


def test_support_has_no_stress_view_and_is_refused_politely_when_pressing_it(platform: App) -> None:
    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        support = as_admin(bot, SUPPORT)
        await bot.send(support.command("/admin"))
        await bot.send(support.presses("a:menu:stress"))

    bot = play(platform, scenario)
    assert "a:menu:stress" not in button_data(bot.request.of("sendMessage")[0])
    assert bot.request.texts()[-1] == "Sorry, you are not allowed to do that."


def test_the_chart_has_a_bar_of_the_platforms_shortfall_per_per_cent_down_to_minus_twenty(
    platform: App,
) -> None:
    report = platform.allocations.stress(CURVE_SHOCKS, by="risk-9")

    title, bars = admin_stress.chart_bars(report, "en")

    assert title == "Shortfall the platform bears — market down 0 to 20 %"
    assert [bar.label for bar in bars][:3] == ["0%", "-1%", "-2%"] and bars[-1].label == "-20%"
    # A′ = ⌊5,400,000 × (1 − n %)⌋; shortfall = max(5,000,000 − A′ − 25,000, 0)
    assert [bar.value for bar in bars][:9] == [0, 0, 0, 0, 0, 0, 0, 0, 7_000]
    assert bars[-1].value == 655_000
    assert admin_stress.chart(report, "zh")[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_shock_reads_as_per_cent() -> None:
    assert [shock_text(s) for s in (-1000, -250, -5, 0, 500)] == ["-10%", "-2.5%", "-0.05%", "0%", "+5%"]
