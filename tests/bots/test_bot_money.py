"""Money through the bot: the wallet, deposits by payment link, withdrawals confirmed with a button
(double taps harmless) and fund activity paged with ◀ ▶ — end to end on the platform."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime

import pytest
from bot_harness import BotHarness, FakePayments, TelegramUser, button_data, buttons, customer_of, play
from telegram import Update

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.money import Money
from p2pstock.core.wallet.withdrawals import WithdrawalStatus


def deposit(app: App, amount: str, transaction: str = "T-1") -> None:
    customer = customer_of(app)
    app.wallets.confirm_deposit(
        customer.id, gateway="bank", transaction_id=transaction, amount=Money.parse(amount)
    )


def test_the_wallet_shows_available_frozen_and_total_after_a_confirmed_deposit(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/start"))
        await asyncio.to_thread(deposit, app, "1,000.50")
        await bot.send(user.presses("m:wallet"))

    bot = play(app, scenario)
    assert bot.request.last_text() == "💰 我的钱包\n可用余额：¥1,000.50\n冻结金额：¥0.00\n总额：¥1,000.50"
    assert button_data(bot.request.of("sendMessage")[-1]) == ["m:deposit", "m:withdraw", "m:statement"]


def test_a_deposit_gives_a_payment_link_button_and_a_bad_amount_is_explained(app: App) -> None:
    payments = FakePayments()

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/start"))
        await bot.send(user.presses("m:deposit"))
        await bot.send(user.says("12.345"))
        await bot.send(user.says("-5"))
        await bot.send(user.says("￥2,000"))

    bot = play(app, scenario, payments=payments)
    assert bot.request.texts()[-4:-1] == [
        "请输入充值金额（例如 1000 或 1,000.50）：",
        "金额最多两位小数。",
        "金额不能为负数。",
    ]
    assert payments.started == [(customer_of(app).id, Money.parse("2000"))]
    link = bot.request.of("sendMessage")[-1]
    assert link["text"].startswith("充值订单已创建：¥2,000.00。")
    assert buttons(link) == [{"text": "前往支付", "url": "https://pay.example.com/order-1"}]


def test_without_a_payment_service_the_deposit_says_it_is_not_available(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/deposit"))
        await bot.send(user.says("100"))

    bot = play(app, scenario)
    assert bot.request.texts()[0] == "暂时无法在线充值，请稍后再试。"
    assert bot.request.texts()[1].startswith("没有理解您的消息")


async def with_balance(bot: BotHarness, user: TelegramUser, app: App, balance: str) -> None:
    """A new customer whose wallet holds ``balance``."""
    await bot.send(user.command("/start"))
    await asyncio.to_thread(deposit, app, balance)


async def withdrawal_typed(bot: BotHarness, user: TelegramUser, amount: str) -> Update:
    """``/withdraw`` and ``amount`` typed: the update of the amount (its message names the confirmation)."""
    await bot.send(user.command("/withdraw"))
    typed = user.says(amount)
    await bot.send(typed)
    return typed


def test_a_withdrawal_is_frozen_once_however_often_the_confirm_button_is_tapped(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/start"))
        await asyncio.to_thread(deposit, app, "1000")
        await bot.send(user.presses("m:withdraw"))
        assert bot.request.last_text() == "可用余额 ¥1,000.00。请输入提现金额："
        amount = user.says("200")
        await bot.send(amount)
        confirm = bot.request.of("sendMessage")[-1]
        assert confirm["text"] == "确认提现 ¥200.00？"
        token = amount.message.message_id
        assert button_data(confirm) == [f"wd:y:{token}", f"wd:n:{token}"]
        await bot.send(user.presses(f"wd:y:{token}"))
        await bot.send(user.presses(f"wd:y:{token}"))
        await bot.send(user.presses(f"wd:n:{token}"))

    bot = play(app, scenario)
    customer = customer_of(app)
    [request] = app.wallets.withdrawals()
    assert (request.customer_id, request.amount, request.status) == (
        customer.id,
        20000,
        WithdrawalStatus.PENDING,
    )
    assert request.id == f"tg-1001-{request.id.rsplit('-', 1)[1]}"
    assert str(app.wallets.balance(customer.id)) == "available ¥800.00, frozen ¥200.00"
    assert [edit["text"] for edit in bot.request.of("editMessageText")] == [
        "提现申请已提交：¥200.00 已冻结，等待审核。"
    ] * 2
    assert bot.request.of("answerCallbackQuery")[-1]["text"] == "此按钮已失效。"


def test_a_cancelled_withdrawal_freezes_nothing_and_its_confirm_button_is_then_outdated(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await with_balance(bot, user, app, "1000")
        amount = await withdrawal_typed(bot, user, "300")
        token = amount.message.message_id
        await bot.send(user.presses(f"wd:n:{token}"))
        await bot.send(user.presses(f"wd:y:{token}"))

    bot = play(app, scenario)
    assert app.wallets.withdrawals() == []
    assert str(app.wallets.balance(customer_of(app).id)) == "available ¥1,000.00, frozen ¥0.00"
    assert bot.request.of("editMessageText")[-1]["text"] == "已取消提现。"
    assert bot.request.of("answerCallbackQuery")[-1]["text"] == "此按钮已失效。"


@pytest.mark.parametrize("command", ["/cancel", "/start"])
def test_a_withdrawal_confirmed_after_cancel_or_start_is_outdated_and_freezes_nothing(
    app: App, command: str
) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await with_balance(bot, user, app, "1000")
        amount = await withdrawal_typed(bot, user, "300")
        await bot.send(user.command(command))
        await bot.send(user.presses(f"wd:y:{amount.message.message_id}"))

    bot = play(app, scenario)
    assert app.wallets.withdrawals() == []
    assert str(app.wallets.balance(customer_of(app).id)) == "available ¥1,000.00, frozen ¥0.00"
    assert bot.request.of("answerCallbackQuery")[-1]["text"] == "此按钮已失效。"


def test_a_second_amount_replaces_the_first_whose_button_is_then_outdated(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await with_balance(bot, user, app, "1000")
        first = await withdrawal_typed(bot, user, "100")
        second = await withdrawal_typed(bot, user, "50")
        await bot.send(user.presses(f"wd:y:{first.message.message_id}"))
        await bot.send(user.presses(f"wd:y:{second.message.message_id}"))

    play(app, scenario)
    assert [w.amount for w in app.wallets.withdrawals()] == [5000]


def test_an_administrators_cancel_of_a_back_office_step_also_forgets_their_withdrawal_to_confirm(
    app: App,
) -> None:
    app.staff.enrol_by_operator("finance-1", ["finance"], telegram_user_id=1001)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await with_balance(bot, user, app, "1000")
        amount = await withdrawal_typed(bot, user, "300")
        await bot.send(user.presses("a:cap_move:in"))  # the back office now waits for a line
        await bot.send(user.command("/cancel"))
        await bot.send(user.presses(f"wd:y:{amount.message.message_id}"))

    bot = play(app, scenario)
    assert app.wallets.withdrawals() == []
    assert str(app.wallets.balance(customer_of(app).id)) == "available ¥1,000.00, frozen ¥0.00"
    assert bot.request.of("answerCallbackQuery")[-1]["text"] == "此按钮已失效。"


def test_more_than_is_available_typed_is_asked_again_before_any_confirmation(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await with_balance(bot, user, app, "100")
        amount = await withdrawal_typed(bot, user, "100.01")
        assert bot.request.last_text() == "提现金额超过可用余额 ¥100.00，请重新输入："
        assert "reply_markup" not in bot.request.of("sendMessage")[-1]  # no ✅ for what cannot be withdrawn
        await bot.send(user.presses(f"wd:y:{amount.message.message_id}"))
        await bot.send(user.says("60"))
        assert bot.request.last_text() == "确认提现 ¥60.00？"

    play(app, scenario)
    assert app.wallets.withdrawals() == []
    assert str(app.wallets.balance(customer_of(app).id)) == "available ¥100.00, frozen ¥0.00"


def test_a_balance_spent_after_the_confirmation_was_shown_is_refused_at_the_tap(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await with_balance(bot, user, app, "100")
        amount = await withdrawal_typed(bot, user, "80")
        customer_id = customer_of(app).id
        await asyncio.to_thread(
            app.wallets.request_withdrawal, customer_id, request_id="w-1", amount=Money(5000)
        )
        await bot.send(user.presses(f"wd:y:{amount.message.message_id}"))

    bot = play(app, scenario)
    assert bot.request.last_text() == "可用余额不足。"
    assert [w.amount for w in app.wallets.withdrawals()] == [5000]
    assert str(app.wallets.balance(customer_of(app).id)) == "available ¥50.00, frozen ¥50.00"


PERIODS_KINDS_AND_FILES = [
    "st:0:month",
    "st:0:last",
    "st:0:all:allocation",
    "st:0:all:loan",
    "st:0:all:cash",
    "sx:all",
    "sp:all",
]


def test_fund_activity_is_newest_first_paged_in_place_and_a_withdrawal_is_one_line(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/start"))
        for n in range(1, 7):
            await asyncio.to_thread(deposit, app, f"{n}00", f"T-{n}")
        customer_id = customer_of(app).id
        await asyncio.to_thread(
            app.wallets.request_withdrawal, customer_id, request_id="W-1", amount=Money.parse("50")
        )
        await bot.send(user.command("/statement"))
        first = bot.request.of("sendMessage")[-1]
        assert button_data(first) == ["st:1", *PERIODS_KINDS_AND_FILES]
        await bot.send(user.presses("st:1"))
        second = bot.request.of("editMessageText")[-1]
        assert button_data(second) == ["st:0", *PERIODS_KINDS_AND_FILES]
        await bot.send(user.presses("st:0"))
        assert bot.request.of("editMessageText")[-1]["text"] == first["text"]
        await bot.send(user.presses("st:2"))
        await asyncio.to_thread(app.wallets.approve_withdrawal, "W-1", by="finance-1")
        await bot.send(user.command("/statement"))

    bot = play(app, scenario)
    first, second = bot.request.of("sendMessage")[-2]["text"], bot.request.of("editMessageText")[0]["text"]
    assert first.splitlines() == [
        "📜 资金动态 · 全部（第 1 页，最新在前）",
        "可用 ¥2,050.00，冻结 ¥50.00",
        "2026-01-05 提现 -¥50.00（冻结中）",
        "2026-01-05 充值 +¥600.00",
        "2026-01-05 充值 +¥500.00",
        "2026-01-05 充值 +¥400.00",
        "2026-01-05 充值 +¥300.00",
    ]
    assert second.splitlines()[2:] == ["2026-01-05 充值 +¥200.00", "2026-01-05 充值 +¥100.00"]
    assert bot.request.of("answerCallbackQuery")[-1]["text"] == "此按钮已失效。"
    paid_out = bot.request.of("sendMessage")[-1]["text"].splitlines()
    assert paid_out[1:3] == ["可用 ¥2,050.00，冻结 ¥0.00", "2026-01-05 提现 -¥50.00（已扣划）"]
    assert sum("提现" in line for line in paid_out) == 1  # the freeze and the payout are one line


def test_fund_activity_of_a_new_customer_is_empty(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/statement"))

    bot = play(app, scenario)
    assert bot.request.last_text().splitlines()[1:] == ["可用 ¥0.00，冻结 ¥0.00", "暂无资金动态。"]


def test_fund_activity_is_cut_to_this_month_or_last_month(app: App, clock: ManualClock) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/start"))
        await asyncio.to_thread(deposit, app, "100", "T-jan")
        clock.set(datetime(2026, 2, 3, 2, tzinfo=UTC))
        await asyncio.to_thread(deposit, app, "200", "T-feb")
        await bot.send(user.command("/statement"))
        for period in ("month", "last"):
            await bot.send(user.presses(f"st:0:{period}"))

    bot = play(app, scenario)
    this_month, last_month = (m["text"].splitlines() for m in bot.request.of("editMessageText"))
    assert this_month[0] == "📜 资金动态 · 本月（第 1 页，最新在前）"
    assert this_month[2:] == ["2026-02-03 充值 +¥200.00"]
    assert last_month[0] == "📜 资金动态 · 上月（第 1 页，最新在前）"
    assert last_month[2:] == ["2026-01-05 充值 +¥100.00"]


def test_fund_activity_is_exported_as_a_csv_file_in_the_customer_s_language(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/start"))
        await asyncio.to_thread(deposit, app, "1000", "T-1")
        await asyncio.to_thread(
            app.wallets.request_withdrawal, customer_of(app).id, request_id="W-1", amount=Money.parse("250.5")
        )
        await bot.send(user.presses("sx:all"))

    bot = play(app, scenario)
    [sent] = bot.request.of("sendDocument")
    filename, content = sent["files"]["document"]
    assert filename == "fund-activity-all-20260105.csv"
    assert sent["caption"] == "资金动态，共 2 条。"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [
        ["时间", "项目", "金额", "状态"],
        ["2026-01-05 09:30", "提现", "-250.50", "冻结中"],
        ["2026-01-05 09:30", "充值", "1000.00", "已完成"],
    ]
