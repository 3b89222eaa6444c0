"""Daily statuses held as implausible, in the administrators' bot: the "⚠️ Flagged statuses" list of the
allocations menu with each status's reason and figures, ✅ that puts it into effect and ❌ that rejects it
with a reason — never by the administrator who entered it — in English and in Chinese; and what entering or
importing such a status tells the one who did."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from bot_harness import BotHarness, TelegramUser, as_admin, button_data, play

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.allocation.allocations import Allocation, CallOutcome, Risk
from p2pstock.core.allocation.products import LeverageRate, Mode, Product
from p2pstock.core.allocation.statuses import Figures, Review
from p2pstock.core.money import Money
from p2pstock.core.papers import ALLOCATION_RISK
from p2pstock.core.people.customers import Customer, KycStatus

RISK, RISK_2, ROOT, SUPPORT = 7201, 7202, 7203, 7204
MONDAY, TUESDAY = date(2026, 1, 5), date(2026, 1, 6)
DAILY = Product(
    code="daily",
    version=1,
    name="按天配资",
    mode=Mode.DAILY,
    rates=(LeverageRate(5, 600),),
    deposit_min=100_000,
    deposit_max=100_000_000,
    deposit_step=100_000,
    term_min=2,
    term_max=30,
    risk_fund_ppm=5_000,
)
"""Deposit ¥10,000 at 5×: B = ¥50,000, the lines WL = ¥55,000 and CL = ¥53,000; a status that moves more
than 30 % in a day (the default) is held."""
HEADER = (
    "sub_account,trade_date,total_assets,market_value,cash_available,cash_frozen,cash_withdrawable,"
    "daily_pnl,floating_pnl,note\n"
)


@pytest.fixture
def desk(app: App) -> App:
    """A running allocation on sub-account HOMS-001, and risk officers, a super admin and support on
    Telegram."""
    app.products.define(DAILY, by="root")
    app.capital.fund(100_000_000, reference="seed", by="finance-1")
    alice = Customer(
        "alice",
        telegram_user_id=7001,
        language="en",
        phone="+8613800138000",
        real_name="张三",
        status=KycStatus.VERIFIED,
    )
    app.office.run(lambda tx: tx.uow.customers.add(alice))
    app.papers.acknowledge(alice.id, ALLOCATION_RISK)
    app.wallets.open("alice")
    app.wallets.confirm_deposit("alice", gateway="bank", transaction_id="t-1", amount=Money(5_000_000))
    for admin_id, role, telegram in [
        ("risk-1", "risk_officer", RISK),
        ("risk-2", "risk_officer", RISK_2),
        ("root", "super_admin", ROOT),
        ("support-1", "support", SUPPORT),
    ]:
        app.staff.enrol_by_operator(admin_id, [role], telegram_user_id=telegram)
    return app


def running(app: App) -> Allocation:
    allocation = app.allocations.apply("alice", product="daily", deposit=1_000_000, leverage=5, term=5)
    for component in allocation.due:
        app.allocations.pay(allocation.id, component, customer_id="alice")
    app.allocations.record_call(allocation.id, by="root", outcome=CallOutcome.CONFIRMED)
    app.allocations.confirm(allocation.id, by="root")
    return app.allocations.assign_account(
        allocation.id, by="root", sub_account="HOMS-001", password="Tr4de!pass-9"
    )


def figures(assets: int) -> Figures:
    cash = assets // 5
    return Figures(assets, assets - cash, cash, cash_withdrawable=cash)


def to_tuesday(clock: ManualClock) -> None:
    clock.set(datetime(2026, 1, 6, 16, tzinfo=UTC) - timedelta(hours=8))


def a_crash_held(app: App, clock: ManualClock) -> Allocation:
    """Monday at ¥58,000, then Tuesday at ¥30,000 (−48 %): held, entered by risk-1."""
    allocation = running(app)
    app.allocations.record_status(allocation.id, MONDAY, figures(5_800_000), by="risk-1")
    to_tuesday(clock)
    app.allocations.record_status(allocation.id, TUESDAY, figures(3_000_000), by="risk-1")
    return allocation


def test_the_list_shows_a_held_status_and_a_second_administrator_confirms_it(
    desk: App, clock: ManualClock
) -> None:
    allocation = a_crash_held(desk, clock)
    key = f"{allocation.id}:20260106:1"

    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        risk, root = as_admin(bot, RISK), as_admin(bot, ROOT)
        await bot.send(risk.presses("a:menu:allocations"))
        await bot.send(risk.presses("a:al_q:flagged"))
        await bot.send(risk.presses(f"a:sf_ok:{key}"))  # the one who entered it
        await bot.send(root.presses(f"a:sf_ok:{key}"))
        await bot.send(root.presses(f"a:sf_ok:{key}"))  # a second tap
        await bot.send(risk.presses("a:al_q:flagged"))
        await bot.send(risk.presses(f"a:al_tl:{allocation.id}"))

    bot = play(desk, scenario)
    sent = bot.request.of("sendMessage")
    menu, listed = sent[0], sent[1]
    assert "a:al_q:flagged" in button_data(menu)
    assert str(listed["text"]).splitlines() == [
        f"⚠️ Allocation {allocation.id} | 2026-01-06 (revision 1) | moved too far in a day",
        "Total assets: previous ¥58,000.00 → this day ¥30,000.00 (-48.27 %)",
        "typed in by risk-1 at 2026-01-06 16:00",
    ]
    assert button_data(listed) == [f"a:sf_ok:{key}", f"a:sf_no:{key}", f"a:al_show:{allocation.id}"]
    texts = bot.request.texts()
    assert texts[2] == "You entered or imported this status; another administrator has to decide it."
    assert texts[3] == (
        f"Allocation {allocation.id}'s status of 2026-01-06 (revision 1) is in effect: risk 🟢 normal → "
        "🔴 liquidation."
    )
    assert texts[4].startswith("The status of 2026-01-06 (revision 1) is not waiting")
    assert texts[5] == "No status waits for a second administrator."
    timeline = texts[6].splitlines()
    [held] = [line for line in timeline if "day 2026-01-06" in line and "daily status" in line]
    assert "flag moved too far in a day" in held and "previous ¥58,000.00" in held
    assert "review confirmed by a second administrator" in held
    [decided] = [line for line in timeline if "flagged status confirmed" in line]
    assert "root" in decided and "after 🔴 liquidation" in decided
    now = desk.allocations.get(allocation.id, customer_id="alice")
    assert (now.last_assets, now.risk) == (3_000_000, Risk.LIQUIDATION)


def test_a_chinese_administrator_rejects_a_held_status_with_a_reason(desk: App, clock: ManualClock) -> None:
    allocation = a_crash_held(desk, clock)
    key = f"{allocation.id}:20260106:1"

    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        second = as_admin(bot, RISK_2, "zh-hans")
        await bot.send(second.presses("a:al_q:flagged"))
        await bot.send(second.presses(f"a:sf_no:{key}"))
        await bot.send(second.says("多输了一位，券商对账单为 ¥58,300"))

    bot = play(desk, scenario)
    listed, asked, rejected = bot.request.texts()
    assert listed.splitlines() == [
        f"⚠️ 配资 {allocation.id}｜2026-01-06（第 1 版）｜单日变动过大",
        "总资产：前一状态 ¥58,000.00 → 本日 ¥30,000.00（-48.27 %）",
        "手工录入：risk-1，2026-01-06 16:00",
    ]
    assert asked == "请输入驳回此日状态的原因（录入人会看到），或发送 /cancel 取消："
    assert rejected == (
        f"配资 {allocation.id} 2026-01-06 的日状态（第 1 版）已驳回，原因：多输了一位，券商对账单为 ¥58,300。"
        "它保留在历史中，不会生效；可录入更正。"
    )
    [_, held] = desk.allocations.timeline(allocation.id, by="root").statuses
    assert (held.review, held.reviewed_by) == (Review.REJECTED, "risk-2")
    assert desk.allocations.get(allocation.id, customer_id="alice").last_assets == 5_800_000


def test_a_status_typed_in_that_looks_implausible_is_told_held(desk: App, clock: ManualClock) -> None:
    allocation = running(desk)
    desk.allocations.record_status(allocation.id, MONDAY, figures(5_800_000), by="risk-1")
    to_tuesday(clock)

    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        risk = as_admin(bot, RISK)
        await bot.send(risk.presses(f"a:al_status:{allocation.id}"))
        await bot.send(risk.says("2026-01-06 580000 464000 116000"))

    bot = play(desk, scenario)
    recorded = bot.request.last_text().splitlines()
    assert recorded[0].startswith(f"Status of 2026-01-06 recorded for {allocation.id} (revision 1)")
    assert recorded[1] == (
        "⚠️ This status looks implausible (moved too far in a day): it is stored but not in effect until "
        "another administrator confirms or rejects it (Flagged statuses)."
    )
    assert desk.allocations.get(allocation.id, customer_id="alice").last_assets == 5_800_000


def test_an_import_in_chinese_says_how_many_rows_are_held(desk: App, clock: ManualClock) -> None:
    allocation = running(desk)
    desk.allocations.record_status(allocation.id, MONDAY, figures(5_800_000), by="risk-1")
    to_tuesday(clock)
    statement = HEADER + "HOMS-001,2026-01-06,580000.00,464000.00,116000.00,0,116000.00,0,0,\n"

    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        bot.request.files["statement"] = statement.encode()
        root = as_admin(bot, ROOT, "zh-hans")
        await bot.send(root.presses("a:al_q:import"))
        await bot.send(root.sends_document("statement", len(statement), "text/csv", "statement.csv"))

    bot = play(desk, scenario)
    assert bot.request.last_text().splitlines() == [
        "对账单已导入：1 行已录入。",
        "其中 1 行看似异常，已保存但暂不生效，待另一位管理员复核（「待复核状态」）。",
    ]
    [held] = desk.allocations.flagged(by="risk-1")
    assert (held.allocation_id, held.entered_by) == (allocation.id, "root")


def test_support_has_no_list_and_a_forged_button_does_nothing(desk: App, clock: ManualClock) -> None:
    allocation = a_crash_held(desk, clock)

    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        support = as_admin(bot, SUPPORT)
        await bot.send(support.presses("a:al_q:flagged"))
        await bot.send(support.presses(f"a:sf_ok:{allocation.id}:20260106:1"))
        await bot.send(as_admin(bot, ROOT).presses(f"a:sf_ok:{allocation.id}:20261399:1"))  # no such day

    bot = play(desk, scenario)
    texts = bot.request.texts()
    assert texts[:2] == ["Sorry, you are not allowed to do that."] * 2
    assert texts[2] == "This button is outdated."
    assert desk.allocations.flagged(by="root")[0].review is Review.HELD
