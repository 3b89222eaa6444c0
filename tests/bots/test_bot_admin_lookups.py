"""An administrator looks a customer up in the bot — by the end of their phone number, their name or their
id — and opens their page; a risk officer opens today's dashboard. Both in the administrator's language,
and refused politely to whoever lacks the permission."""

from __future__ import annotations

from datetime import date

import pytest
from bot_harness import BotHarness, TelegramUser, as_admin, button_data, play, sent_since

from p2pstock.bootstrap import App
from p2pstock.bots.telegram import admin_dashboard, drawing
from p2pstock.core.allocation.allocations import Allocation, CallOutcome
from p2pstock.core.allocation.products import LeverageRate, Mode, Product
from p2pstock.core.allocation.statuses import Figures
from p2pstock.core.money import Money
from p2pstock.core.papers import ALLOCATION_RISK
from p2pstock.core.people.customers import Customer, KycStatus

SUPPORT, RISK = 7301, 7302
MONDAY = date(2026, 1, 5)  # the test clock's business day
DAILY = Product(
    code="daily", version=1, name="按天配资", mode=Mode.DAILY, rates=(LeverageRate(5, 600),),
    deposit_min=100_000, deposit_max=100_000_000, deposit_step=100_000, term_min=2, term_max=30,
    risk_fund_ppm=5_000,
)  # fmt: skip
"""Deposit ¥10,000 at 5×: B = ¥50,000, the warning line ¥55,000."""


def a_running_allocation(app: App) -> Allocation:
    allocation = app.allocations.apply("alice", product="daily", deposit=1_000_000, leverage=5, term=5)
    for component in allocation.due:
        app.allocations.pay(allocation.id, component, customer_id="alice")
    app.allocations.record_call(allocation.id, by="reviewer-1", outcome=CallOutcome.CONFIRMED)
    app.allocations.confirm(allocation.id, by="reviewer-1")
    return app.allocations.assign_account(
        allocation.id, by="finance-1", sub_account="S-1", password="Tr4de!pass"
    )


@pytest.fixture
def platform(app: App) -> App:
    """Alice (张三, +8613800138000) with a running allocation whose assets stand below the warning line; a
    support administrator and a risk officer on Telegram."""
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
    allocation = a_running_allocation(app)
    assets = 5_400_000
    app.allocations.record_status(allocation.id, MONDAY, Figures(assets, assets, 0), by="risk-1")
    app.staff.enrol_by_operator("support-9", ["support"], telegram_user_id=SUPPORT)
    app.staff.enrol_by_operator("risk-9", ["risk_officer"], telegram_user_id=RISK)
    return app


def test_support_finds_a_customer_by_phone_tail_and_opens_their_page(platform: App) -> None:
    marks: dict[str, int] = {}

    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        support = as_admin(bot, SUPPORT)
        await bot.send(support.presses("a:menu:customers"))
        marks["found"] = bot.request.mark()
        await bot.send(support.says("8000"))
        marks["page"] = bot.request.mark()
        await bot.send(support.presses("a:cu_show:alice"))

    bot = play(platform, scenario)
    [asked] = sent_since(bot, 0)[:1]
    assert asked["text"].startswith("Type the last 4 or more digits")
    [found] = sent_since(bot, marks["found"])[:1]
    assert found["text"].splitlines() == [
        "1 found; tap one to open their page:",
        "· alice | 张三 | ***8000 | verified",
    ]
    assert button_data(found) == ["a:cu_show:alice"]
    [page] = sent_since(bot, marks["page"])
    lines = str(page["text"]).splitlines()
    assert lines[0] == "👤 Customer 张三 (alice)"
    assert lines[1].startswith("Verification: verified; phone ***8000; ID —")
    assert "+8613800138000" not in page["text"]
    balance = platform.wallets.balance("alice")
    assert f"Wallet: {balance.available} available, {balance.frozen} frozen" in lines
    [allocation] = platform.allocations.of_customer("alice")
    assert f"· {allocation.id} in progress, allocated ¥50,000.00, assets ¥54,000.00" in lines
    assert button_data(page) == [f"a:al_show:{allocation.id}"]


def test_a_search_nobody_matches_is_asked_again_and_a_name_then_finds_them_in_chinese(platform: App) -> None:
    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        support = as_admin(bot, SUPPORT, "zh-hans")
        await bot.send(support.presses("a:menu:customers"))
        await bot.send(support.says("王五"))
        await bot.send(support.says("张"))

    bot = play(platform, scenario)
    texts = bot.request.texts()
    assert texts[1] == "没有找到与“王五”匹配的客户，请重新输入："
    assert texts[2].splitlines()[0] == "找到 1 位客户，点按查看："


def test_a_search_with_a_hidden_character_is_refused_in_the_administrators_language_and_asked_again(
    platform: App,
) -> None:
    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        support = as_admin(bot, SUPPORT, "zh-hans")
        await bot.send(support.presses("a:menu:customers"))
        await bot.send(support.says("张\u202e三"))
        await bot.send(support.says("alice"))

    bot = play(platform, scenario)
    refusal, found = bot.request.texts()[1:3]
    assert refusal and not any("a" <= ch.lower() <= "z" for ch in refusal)  # no English in a Chinese chat
    assert found.splitlines()[0] == "找到 1 位客户，点按查看："


def test_a_risk_officer_reads_todays_dashboard(platform: App) -> None:
    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        await bot.send(as_admin(bot, RISK).presses("a:menu:dashboard"))

    bot = play(platform, scenario)
    [photo] = bot.request.of("sendPhoto")
    assert photo["chat_id"] == RISK
    lines = bot.request.texts()[0].splitlines()
    assert lines[0] == "📊 Dashboard 2026-01-05"
    assert lines[1] == "Capital pool: ¥50,000.00 used, ¥950,000.00 free"
    assert lines[2] == "Allocations: 0 under review, 0 to open, 1 running (0 past term)"
    assert lines[3].startswith("Against the lines: 0 clear, 0 near the warning line, 1 below it, 0 below")


def test_the_dashboard_is_in_chinese_for_a_chinese_risk_officer(platform: App) -> None:
    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        await bot.send(as_admin(bot, RISK, "zh-hans").presses("a:menu:dashboard"))

    bot = play(platform, scenario)
    text = bot.request.texts()[0]
    assert text.startswith("📊 运营看板 2026-01-05")
    assert "配资资金池：已用 ¥50,000.00，可用 ¥950,000.00" in text


def test_support_has_no_dashboard_and_is_refused_politely_when_pressing_it(platform: App) -> None:
    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        support = as_admin(bot, SUPPORT)
        await bot.send(support.command("/admin"))
        await bot.send(support.presses("a:menu:dashboard"))

    bot = play(platform, scenario)
    menu = bot.request.of("sendMessage")[0]
    assert "a:menu:dashboard" not in button_data(menu) and "a:menu:customers" in button_data(menu)
    assert bot.request.texts()[-1] == "Sorry, you are not allowed to do that."


def test_the_dashboard_chart_has_a_bar_per_distance_in_the_readers_language_when_a_font_draws_it(
    platform: App,
) -> None:
    seen = platform.dashboard.figures(by="risk-9")

    title, bars = admin_dashboard.chart_bars(seen, "zh")

    assert [bar.value for bar in bars] == [0, 0, 1, 0, 0]  # the one allocation stands below its warning line
    chinese = drawing.draws("操盘中配资距警戒线、平仓线")
    assert title == (
        "操盘中配资距警戒线、平仓线 2026-01-05"
        if chinese
        else "Allocations in progress against their lines, 2026-01-05"
    )
    assert bars[2].label == ("低于警戒线" if chinese else "Below the warning line")
    assert admin_dashboard.chart(seen, "en").startswith(b"\x89PNG")
