"""A customer's allocations (配资) through the real bot: the rate table, an application by buttons and typing,
payment component by component (补缴), cancelling, the list and the detail, the password shown once, the
chart, the timeline and the side requests of a running allocation — in English and in Chinese."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, date, datetime, timedelta

import attrs
import pytest
from bot_harness import BotHarness, TelegramUser, button_data, buttons, play, toasts

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.bots.telegram import (
    allocation_customer,
    allocation_detail,
    allocation_timeline,
    chart,
)
from p2pstock.bots.telegram import callbacks as cb
from p2pstock.core.allocation.allocations import Allocation, Status
from p2pstock.core.allocation.ports import Event
from p2pstock.core.allocation.products import Component, LeverageRate, Mode, Product
from p2pstock.core.allocation.side_requests import Kind, RequestStatus
from p2pstock.core.allocation.statuses import Figures
from p2pstock.core.money import Money
from p2pstock.core.papers import ALLOCATION_RISK
from p2pstock.core.people.customers import Customer, KycStatus

DAILY = Product(
    code="daily",
    version=1,
    name="按天配资",
    mode=Mode.DAILY,
    rates=(LeverageRate(3, 500), LeverageRate(5, 600)),
    deposit_min=100_000,
    deposit_max=100_000_000,
    deposit_step=100_000,
    term_min=2,
    term_max=30,
    risk_fund_ppm=5_000,
)
"""Deposit ¥10,000 at 5× gives B = ¥50,000, a fee of ¥30 a trading day and a ¥250 risk fund."""
MONTHLY = attrs.evolve(
    DAILY,
    code="monthly",
    name="按月配资",
    mode=Mode.MONTHLY,
    rates=(LeverageRate(5, 15_000),),
    term_min=1,
    term_max=6,
    prepaid_periods=1,
)
DEPOSIT, B, RISK_FUND = 1_000_000, 5_000_000, 25_000
WL, CL = 5_500_000, 5_300_000
WALLET = 5_000_000
PASSWORD = "Tr4de!pass"
ALICE, BOB = 1001, 2002


@pytest.fixture(autouse=True)
def platform(app: App) -> None:
    app.products.define(DAILY, by="root")
    app.products.define(MONTHLY, by="root")
    app.capital.fund(100_000_000, reference="seed", by="finance-1")


def verified(
    app: App,
    customer_id: str = "alice",
    telegram_id: int = ALICE,
    language: str = "en",
    *,
    accepted: bool = True,
) -> Customer:
    """A customer who proved who they are, with ``WALLET`` in their wallet, who accepted the allocation
    agreement and risk disclosure unless not ``accepted``."""
    customer = Customer(
        customer_id,
        telegram_user_id=telegram_id,
        language=language,
        phone=f"+86138{telegram_id:08d}",
        real_name="张三",
        status=KycStatus.VERIFIED,
    )
    app.office.run(lambda tx: tx.uow.customers.add(customer))
    if accepted:
        app.papers.acknowledge(customer.id, ALLOCATION_RISK)
    app.wallets.open(customer_id)
    app.wallets.confirm_deposit(
        customer_id, gateway="bank", transaction_id=f"{customer_id}-start", amount=Money(WALLET)
    )
    return customer


def applied(app: App, customer_id: str = "alice", product: Product = DAILY) -> Allocation:
    return app.allocations.apply(customer_id, product=product.code, deposit=DEPOSIT, leverage=5, term=5)


def running(
    app: App, customer_id: str = "alice", sub_account: str = "HOMS-001", password: str = PASSWORD
) -> Allocation:
    allocation = applied(app, customer_id)
    for component in allocation.due:
        app.allocations.pay(allocation.id, component, customer_id=customer_id)
    app.allocations.record_call(allocation.id, by="reviewer-1", outcome="confirmed")
    app.allocations.confirm(allocation.id, by="reviewer-1")
    return app.allocations.assign_account(
        allocation.id, by="finance-1", sub_account=sub_account, password=password
    )


def figures(assets: int) -> Figures:
    cash = assets // 5
    return Figures(assets, assets - cash, cash, cash_withdrawable=cash)


def move_to(clock: ManualClock, day: date, hour: int = 16) -> None:
    """Set the clock to ``hour`` o'clock in Shanghai on ``day``."""
    clock.set(datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=8))


def frozen(app: App, customer_id: str = "alice") -> int:
    return app.wallets.balance(customer_id).frozen.minor


def last_sent(bot: BotHarness) -> dict[str, object]:
    return bot.request.of("sendMessage")[-1]


def last_edit(bot: BotHarness) -> dict[str, object]:
    return bot.request.of("editMessageText")[-1]


# -- the rate table and an application ----------------------------------------------------------------


def test_the_rate_table_shows_each_product_with_its_terms_and_a_button(app: App) -> None:
    verified(app)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses("m:allocate"))

    bot = play(app, scenario)
    table = last_sent(bot)
    assert str(table["text"]).split("\n\n") == [
        "📈 Allocation products and rates",
        "【按天配资】 daily\n"
        "· Leverage and rate: 3× 0.05 % per trading day; 5× 0.06 % per trading day\n"
        "· Deposit: ¥1,000.00 – ¥1,000,000.00, in steps of ¥1,000.00\n"
        "· Term: 2–30 trading days\n"
        "· Warning line = B + 50 % × D, liquidation line = B + 30 % × D\n"
        "· Risk fund: 0.5 % of B\n"
        "· Pay within 120 minutes of applying",
        "【按月配资】 monthly\n"
        "· Leverage and rate: 5× 1.5 % per month\n"
        "· Deposit: ¥1,000.00 – ¥1,000,000.00, in steps of ¥1,000.00\n"
        "· Term: 1–6 months\n"
        "· Warning line = B + 50 % × D, liquidation line = B + 30 % × D\n"
        "· Risk fund: 0.5 % of B\n"
        "· The fees of the first 1 period(s) are paid upfront\n"
        "· Pay within 120 minutes of applying",
        "D is your deposit, B = D × leverage the allocated funds. Choose a product:",
    ]
    assert button_data(table) == ["al:prod:daily", "al:prod:monthly"]


def test_without_products_on_offer_the_rate_table_says_so(app: App) -> None:
    app.products.withdraw("daily", by="root")
    app.products.withdraw("monthly", by="root")

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/allocate"))

    bot = play(app, scenario)
    assert bot.request.last_text().startswith("目前没有可申请的配资产品")


def test_an_application_by_buttons_and_typing_explains_each_bad_entry_and_applies_once(app: App) -> None:
    verified(app)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses("m:allocate"))
        await bot.send(user.presses("al:prod:daily"))
        assert bot.request.last_text() == "【按天配资】 Choose the leverage:"
        assert [b["text"] for b in buttons(last_sent(bot))] == [
            "3× · 0.05 % per trading day",
            "5× · 0.06 % per trading day",
        ]
        assert button_data(last_sent(bot)) == ["al:lev:3:daily", "al:lev:5:daily"]
        await bot.send(user.presses("al:lev:5:daily"))
        assert bot.request.last_text() == (
            "【按天配资】 leverage 5×.\nHow much deposit? (¥1,000.00 – ¥1,000,000.00, in steps of ¥1,000.00)"
        )
        mark = bot.request.mark()
        await bot.send(user.says("lots"))
        await bot.send(user.says("1,050"))
        await bot.send(user.says("2,000,000"))
        await bot.send(user.says("10,000"))
        await bot.send(user.says("1"))
        await bot.send(user.says("five"))
        assert bot.request.texts_since(mark) == [
            "That amount is not clear; please type it again:",
            "The deposit must be between ¥1,000.00 and ¥1,000,000.00, in steps of ¥1,000.00. Please type"
            " it again, or send /cancel:",
            "The deposit must be between ¥1,000.00 and ¥1,000,000.00, in steps of ¥1,000.00. Please type"
            " it again, or send /cancel:",
            "Deposit ¥10,000.00. How long? (2–30 trading days)",
            "The term is a whole number from 2 to 30 (trading days). Please type it again, or send /cancel:",
            "The term is a whole number from 2 to 30 (trading days). Please type it again, or send /cancel:",
        ]
        term = user.says("5")
        await bot.send(term)
        quote = last_sent(bot)
        assert quote["text"] == (
            "📝 Your quote · 按天配资 (daily)\n"
            "Deposit D ¥10,000.00 × 5 = allocated funds B ¥50,000.00\n"
            "Term 5 trading days\n"
            "Warning line ¥55,000.00 · liquidation line ¥53,000.00\n"
            "Fee ¥30.00 per trading day\n"
            "To pay:\n"
            "· deposit: ¥10,000.00\n"
            "· risk fund: ¥250.00\n"
            "Total ¥10,250.00. Pay it within 120 minutes of applying; each part is frozen in your wallet as"
            " you pay it."
        )
        token = term.message.message_id
        assert button_data(quote) == [f"al:apply:{token}", f"al:drop:{token}"]
        assert app.allocations.of_customer("alice") == []
        await bot.send(user.presses(f"al:apply:{token}"))
        await bot.send(user.presses(f"al:apply:{token}"))
        await bot.send(user.presses(f"al:drop:{token}"))

    bot = play(app, scenario)
    [allocation] = app.allocations.of_customer("alice")
    assert (allocation.product.code, allocation.deposit, allocation.leverage, allocation.term) == (
        "daily",
        DEPOSIT,
        5,
        5,
    )
    assert allocation.status is Status.APPLIED
    first, second = bot.request.of("editMessageText")
    assert first["text"] == second["text"]
    assert str(first["text"]).startswith("✅ Your application is in. Pay each part below (make-up):\n\n")
    assert "\nStatus: awaiting payment\n" in str(first["text"])
    assert (
        "· deposit ¥10,000.00 ⏳ to pay\n· risk fund ¥250.00 ⏳ to pay\nTotal ¥10,250.00, paid ¥0.00"
        in str(first["text"])
    )
    assert "To pay (by 2026-01-05 11:30):" in str(first["text"])
    assert button_data(first) == [
        f"al:pay:deposit:{allocation.id}",
        f"al:pay:risk_fund:{allocation.id}",
        f"al:cancel:{allocation.id}",
        f"al:tl:{allocation.id}",
        f"al:show:{allocation.id}",
        "al:list:0",
    ]
    assert toasts(bot)[-1] == "This button is outdated."


def test_a_term_into_a_year_without_a_trading_calendar_is_refused_in_the_customers_language(
    app: App, clock: ManualClock
) -> None:
    verified(app, language="zh")
    move_to(clock, date(2026, 12, 7), hour=10)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses("al:lev:5:monthly"))
        await bot.send(user.says("10000"))
        term = user.says("1")
        await bot.send(term)
        await bot.send(user.presses(f"al:apply:{term.message.message_id}"))

    bot = play(app, scenario)
    assert bot.request.last_text() == (
        "该期限将延续到 2027 年，而交易所尚未公布 2027 年的休市安排，暂时无法计算交易日。"
        "请选择较短的期限，或待 2027 年休市安排公布后再申请。"
    )
    assert app.allocations.of_customer("alice") == []


def test_two_taps_on_apply_processed_at_once_apply_once(app: App) -> None:
    verified(app)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses("al:lev:5:daily"))
        await bot.send(user.says("10000"))
        term = user.says("5")
        await bot.send(term)
        token = term.message.message_id
        await asyncio.gather(*(bot.send(user.presses(f"al:apply:{token}")) for _ in range(3)))

    play(app, scenario)
    assert len(app.allocations.of_customer("alice")) == 1


def test_a_quote_dropped_applies_nothing_and_its_apply_button_is_then_outdated(app: App) -> None:
    verified(app)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses("al:lev:3:daily"))
        await bot.send(user.says("5000"))
        term = user.says("10")
        await bot.send(term)
        token = term.message.message_id
        await bot.send(user.presses(f"al:drop:{token}"))
        await bot.send(user.presses(f"al:apply:{token}"))
        await bot.send(user.says("20"))

    bot = play(app, scenario)
    assert app.allocations.of_customer("alice") == []
    assert last_edit(bot)["text"] == "Cancelled."
    assert toasts(bot)[-1] == "This button is outdated."
    assert bot.request.last_text().startswith("I did not understand that.")


def test_a_quote_beyond_the_wallet_says_how_much_is_missing_and_can_still_be_applied_for(app: App) -> None:
    verified(app)
    verified(app, "bob", BOB)
    app.wallets.request_withdrawal("alice", request_id="w-1", amount=Money(WALLET - 500_000))  # ¥5,000 left
    quotes = []

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        for someone in (user, bot.user(BOB, language_code="en")):
            await bot.send(someone.presses("al:lev:5:daily"))
            await bot.send(someone.says("10000"))
            await bot.send(someone.says("5"))
            quotes.append(last_sent(bot))

    play(app, scenario)
    short = Money(DAILY.quote(DEPOSIT, 5, 5).total_due - 500_000)
    alice, bob = quotes
    assert str(alice["text"]).splitlines()[-1] == (
        f"Your wallet has ¥5,000.00 available, {short} short: deposit it before the payment deadline (you "
        "may apply now and pay each part as you can)."
    )
    assert any(d.startswith("al:apply:") for d in button_data(alice))
    assert "short" not in str(bob["text"])


def test_a_customer_who_has_not_verified_their_identity_is_told_how_to_before_the_form_starts(
    app: App,
) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/start"))
        await bot.send(user.presses("m:allocate"))
        await bot.send(user.presses("al:prod:monthly"))
        await bot.send(user.presses("al:lev:5:monthly"))

    bot = play(app, scenario)
    assert not any("请输入保证金金额" in t for t in bot.request.texts())  # the deposit is never asked for
    assert bot.request.last_text() == (
        "申请配资前须完成实名认证。请先验证手机、提交实名信息和身份证照片，审核通过后即可申请。"
    )
    assert button_data(last_sent(bot)) == ["m:phone", "m:identity", "m:documents", "m:status"]
    customer = app.customers.by_telegram(ALICE)
    assert customer is not None and app.allocations.of_customer(customer.id) == []


def test_a_product_changed_since_the_quote_is_not_applied_for(app: App) -> None:
    verified(app)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses("al:lev:5:daily"))
        await bot.send(user.says("10000"))
        term = user.says("5")
        await bot.send(term)
        await asyncio.to_thread(app.products.define, attrs.evolve(DAILY, term_max=20), by="root")
        await bot.send(user.presses(f"al:apply:{term.message.message_id}"))

    bot = play(app, scenario)
    assert app.allocations.of_customer("alice") == []
    assert str(last_edit(bot)["text"]).startswith("That product is no longer offered or has changed")


# -- paying and cancelling -------------------------------------------------------------------------------


def test_each_component_is_paid_by_its_button_which_then_disappears(app: App) -> None:
    verified(app)
    allocation = applied(app)
    aid = allocation.id

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses("m:allocations"))
        await bot.send(user.presses(f"al:show:{aid}"))
        assert button_data(last_edit(bot))[:2] == [f"al:pay:deposit:{aid}", f"al:pay:risk_fund:{aid}"]
        await bot.send(user.presses(f"al:pay:deposit:{aid}"))
        paid = last_edit(bot)
        assert "· deposit ¥10,000.00 ✅ paid\n· risk fund ¥250.00 ⏳ to pay" in str(paid["text"])
        assert "Status: partly paid, to make up" in str(paid["text"])
        assert button_data(paid)[:2] == [f"al:pay:risk_fund:{aid}", f"al:cancel:{aid}"]
        await bot.send(user.presses(f"al:pay:deposit:{aid}"))
        assert frozen(app) == DEPOSIT
        await bot.send(user.presses(f"al:pay:risk_fund:{aid}"))

    bot = play(app, scenario)
    done = last_edit(bot)
    assert "Status: under review" in str(done["text"])
    assert not [data for data in button_data(done) if data.startswith("al:pay:")]
    assert f"al:cancel:{aid}" in button_data(done)
    assert app.allocations.get(aid, customer_id="alice").status is Status.UNDER_REVIEW
    assert frozen(app) == DEPOSIT + RISK_FUND


def test_a_component_the_wallet_cannot_cover_is_refused_and_its_button_stays(app: App) -> None:
    verified(app)
    app.wallets.request_withdrawal("alice", request_id="W-1", amount=Money(WALLET - DEPOSIT + 1))
    aid = applied(app).id

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"al:pay:deposit:{aid}"))

    bot = play(app, scenario)
    assert bot.request.last_text() == "Your available balance is not enough."
    assert app.allocations.get(aid, customer_id="alice").outstanding == {
        Component.DEPOSIT: DEPOSIT,
        Component.RISK_FUND: RISK_FUND,
    }


def test_cancelling_an_application_releases_what_was_paid(app: App) -> None:
    verified(app)
    allocation = applied(app)
    app.allocations.pay(allocation.id, Component.DEPOSIT, customer_id="alice")

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"al:cancel:{allocation.id}"))
        await bot.send(user.presses(f"al:cancel:{allocation.id}"))

    bot = play(app, scenario)
    cancelled = last_edit(bot)
    assert str(cancelled["text"]).startswith("The application is cancelled; everything paid is released.\n\n")
    assert "Status: cancelled" in str(cancelled["text"])
    assert "Reason: cancelled by the customer" in str(cancelled["text"])
    assert button_data(cancelled) == [f"al:tl:{allocation.id}", f"al:show:{allocation.id}", "al:list:0"]
    assert app.allocations.get(allocation.id, customer_id="alice").status is Status.CANCELLED
    assert frozen(app) == 0


# -- the list and the detail --------------------------------------------------------------------------


def test_the_list_shows_each_allocation_with_its_status_and_the_detail_shows_everything(
    app: App, clock: ManualClock
) -> None:
    verified(app)
    waiting = applied(app, product=MONTHLY)
    clock.advance(seconds=1)
    live = running(app)
    app.allocations.record_status(live.id, date(2026, 1, 5), figures(5_750_000), by="risk-1")

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/allocations"))
        listing = last_sent(bot)
        assert str(listing["text"]).splitlines() == [
            "📊 My allocations (page 1)",
            f"1. {live.id} · 按天配资 · B ¥50,000.00 · in progress",
            f"2. {waiting.id} · 按月配资 · B ¥50,000.00 · awaiting payment",
        ]
        assert button_data(listing) == [f"al:show:{live.id}", f"al:show:{waiting.id}"]
        await bot.send(user.presses(f"al:show:{live.id}"))

    bot = play(app, scenario)
    detail = last_edit(bot)
    assert str(detail["text"]).splitlines() == [
        f"📊 Allocation {live.id} · 按天配资 (daily)",
        "Status: in progress",
        "Risk: normal",
        "Deposit D ¥10,000.00 × 5 = allocated funds B ¥50,000.00",
        "Term 5 trading days · fee ¥30.00 per trading day",
        "From 2026-01-05 to 2026-01-09",
        "Trading sub-account: HOMS-001",
        "Warning line ¥55,000.00 · liquidation line ¥53,000.00",
        "Latest total assets ¥57,500.00 (2026-01-05)",
        "Risk ratio R = 115.00 %",
        "Fees paid ¥0.00 · unpaid ¥0.00",
        "Risk fund left ¥250.00",
        "Top-ups ¥0.00 · profit withdrawn ¥0.00",
    ]
    aid = live.id
    assert button_data(detail) == [
        f"al:pw:{aid}",
        f"al:chart:{aid}",
        f"al:tl:{aid}",
        f"al:doc:{aid}",
        f"al:renew:on:{aid}",
        f"al:top:{aid}",
        f"al:ext:{aid}",
        f"al:pro:{aid}",
        f"al:end:{aid}",
        f"al:grow:{aid}",
        f"al:shrink:{aid}",
        f"al:show:{aid}",
        "al:list:0",
    ]


def test_the_list_is_paged_and_a_customer_without_allocations_is_offered_the_rate_table(
    app: App, clock: ManualClock
) -> None:
    verified(app)
    verified(app, "bob", BOB)
    made = []
    for _ in range(allocation_detail.LIST_PAGE + 1):
        made.append(applied(app).id)
        clock.advance(seconds=1)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses("m:allocations"))
        assert button_data(last_sent(bot))[-1] == "al:list:1"
        await bot.send(user.presses("al:list:1"))
        await bot.send(bot.user(BOB).presses("m:allocations"))

    bot = play(app, scenario)
    second = bot.request.of("editMessageText")[-1]
    assert str(second["text"]).splitlines()[0] == "📊 My allocations (page 2)"
    assert button_data(second) == [f"al:show:{made[0]}", "al:list:0"]
    assert last_sent(bot)["text"] == "You have no allocation yet. Tap below to see the products and apply:"
    assert button_data(last_sent(bot)) == ["m:allocate"]


def test_a_button_naming_another_customers_allocation_finds_nothing_and_changes_nothing(app: App) -> None:
    verified(app)
    verified(app, "bob", BOB)
    theirs = applied(app, "bob")
    started = running(app, "bob")

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        for data in (
            f"al:show:{theirs.id}",
            f"al:pay:deposit:{theirs.id}",
            f"al:cancel:{theirs.id}",
            f"al:pw:{started.id}",
            f"al:chart:{started.id}",
            f"al:tl:{started.id}",
            f"al:top:{started.id}",
            f"al:end:{started.id}",
        ):
            mark = bot.request.mark()
            await bot.send(user.presses(data))
            assert bot.request.texts_since(mark) == [f"There is no allocation {data.split(':')[-1]}."], data

    play(app, scenario)
    assert app.allocations.get(theirs.id, customer_id="bob").status is Status.APPLIED
    assert not app.allocations.get(started.id, customer_id="bob").password_shown
    assert app.allocations.timeline(started.id, customer_id="bob").requests == ()


# -- password, chart, timeline -----------------------------------------------------------------------------


@pytest.mark.parametrize("password", [PASSWORD, "Zq7Wk'uo\"te\\d密码"], ids=["plain", "escaped"])
def test_the_password_is_shown_once_protected_and_never_logged(
    app: App, caplog: pytest.LogCaptureFixture, password: str
) -> None:
    verified(app)
    aid = running(app, password=password).id
    caplog.set_level(logging.DEBUG)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        bot.typed.append(password)  # typed by the administrator who assigned the sub-account
        await bot.send(user.presses(f"al:show:{aid}"))
        mark = bot.request.mark()
        await bot.send(user.presses(f"al:pw:{aid}"))
        sent = [p for name, p in bot.request.since(mark) if name == "sendMessage"]
        assert sent[0]["text"] == f"The password of sub-account HOMS-001 (allocation {aid}): {password}"
        assert sent[0]["protect_content"] is True
        assert str(sent[1]["text"]).startswith("⚠️ This password is shown only this once.")
        assert f"al:pw:{aid}" not in button_data(last_edit(bot))
        await bot.send(user.presses(f"al:pw:{aid}"))

    bot = play(app, scenario)
    assert bot.request.last_text() == (
        "The password can be shown once, after the sub-account is assigned. If you lost it, ask support"
        " to reset it at the broker."
    )
    assert sum(password in text for text in bot.request.texts()) == 1
    assert any("Calling Bot API endpoint" in record.getMessage() for record in caplog.records)
    fragment = password[:5]  # in the password however a log would escape it
    assert not [record for record in caplog.records if fragment in record.getMessage()]
    assert app.allocations.get(aid, customer_id="alice").password_shown


def test_the_chart_is_sent_as_a_png_of_the_latest_revision_of_each_day(app: App) -> None:
    verified(app)
    aid = running(app).id
    app.allocations.record_status(aid, date(2026, 1, 5), figures(5_600_000), by="risk-1")
    app.allocations.record_status(aid, date(2026, 1, 5), figures(5_650_000), by="risk-1")

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"al:chart:{aid}"))

    bot = play(app, scenario)
    [photo] = bot.request.of("sendPhoto")
    [(_name, png)] = [upload for upload in photo["files"].values()]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert photo["caption"] == (
        f"Allocation {aid}: total assets over 1 trading day(s), warning line ¥55,000.00, liquidation"
        " line ¥53,000.00"
    )


def test_an_allocation_without_lines_has_no_chart_yet(app: App) -> None:
    verified(app)
    aid = applied(app).id

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"al:chart:{aid}"))

    bot = play(app, scenario)
    assert bot.request.of("sendPhoto") == []
    assert (
        bot.request.last_text()
        == "The chart is available once the allocation is confirmed and has its lines."
    )


def test_the_charts_words_are_in_the_customers_language_only_when_its_font_can_draw_them() -> None:
    title, labels = allocation_timeline.chart_words("a1", "zh")
    chinese = all(chart.draws(word) for word in ("配资 a1 总资产", "总资产", "暂无每日状态"))
    if chinese:
        assert (title, labels.assets) == ("配资 a1 总资产", "总资产")
    else:
        assert (title, labels) == ("Allocation a1: total assets", chart.ChartLabels())
    assert allocation_timeline.chart_words("a1", "en") == ("Allocation a1: total assets", chart.ChartLabels())


def test_the_timeline_tells_each_event_in_words_at_shanghai_time(app: App, clock: ManualClock) -> None:
    verified(app)
    aid = running(app).id
    app.allocations.record_status(aid, date(2026, 1, 5), figures(WL - 1), by="risk-1")
    clock.advance(seconds=1)  # no two transactions share a time: a status is told after the events before it
    app.allocations.ask(aid, "top_up", customer_id="alice", amount=300_000)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"al:tl:{aid}"))

    bot = play(app, scenario)
    assert bot.request.last_text().splitlines() == [
        f"🕘 Timeline of allocation {aid} (the last 11 of 11):",
        "2026-01-05 09:30 applied (product daily@1)",
        "2026-01-05 09:30 paid the deposit ¥10,000.00",
        "2026-01-05 09:30 paid the risk fund ¥250.00",
        "2026-01-05 09:30 phone call: confirmed by the customer",
        "2026-01-05 09:30 confirmed; warning line ¥55,000.00, liquidation line ¥53,000.00",
        "2026-01-05 09:30 allocation agreement issued (download it from this page)",
        "2026-01-05 09:30 sub-account HOMS-001 assigned",
        "2026-01-05 09:30 trading from 2026-01-05 with ¥50,000.00",
        "2026-01-05 09:30 status of 2026-01-05: total assets ¥54,999.99, risk ratio 109.99 %",
        "2026-01-05 09:30 risk: normal → ⚠️ at the warning line",
        "2026-01-05 09:30 asked to top up ¥3,000.00",
        "Requests:",
        "· margin top-up ¥3,000.00 (2026-01-05 09:30): pending",
    ]


def test_the_timeline_shows_only_the_latest_events(app: App, clock: ManualClock) -> None:
    verified(app)
    aid = running(app).id
    for day in range(5, 10):
        move_to(clock, date(2026, 1, day))
        for assets in (5_800_000, 5_900_000, 6_000_000, 6_100_000, 6_200_000):
            app.allocations.record_status(aid, date(2026, 1, day), figures(assets), by="risk-1")

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"al:tl:{aid}"))

    bot = play(app, scenario)
    lines = bot.request.last_text().splitlines()
    assert lines[0] == f"🕘 Timeline of allocation {aid} (the last 30 of 33):"
    assert len(lines) == 31
    assert lines[-1] == "2026-01-09 16:00 status of 2026-01-09: total assets ¥62,000.00, risk ratio 124.00 %"


def test_event_texts_cover_every_kind_core_writes() -> None:
    def event(kind: str, **data: object) -> str:
        return allocation_timeline.event_text(Event("a1", 0, kind, "x", json.dumps(data)), "en")

    assert event("fee", period=2, day="2026-01-06", prepaid=True) == "fee of period 2 (2026-01-06): prepaid"
    assert (
        event("request.extension", amount=9_000, periods=3) == "asked to extend by 3 period(s) (fees ¥90.00)"
    )
    assert event("request.rejected", request_kind="profit", reason="too soon") == (
        "profit withdrawal request rejected: too soon"
    )
    assert (
        event("settled", final_assets=6_000_000, payout=-5)
        == "settled: final assets ¥60,000.00, paid out ¥0.00"
    )
    assert event("rejected", reason="unclear") == "rejected: unclear"
    assert event("password_shown") == "password shown"
    assert event("something_new", x=1) == "something_new"


# -- side requests ------------------------------------------------------------------------------------------


def test_top_up_extension_profit_and_termination_are_asked_by_typing_and_confirming(app: App) -> None:
    verified(app)
    aid = running(app).id
    capital = B + DEPOSIT
    app.allocations.record_status(aid, date(2026, 1, 5), figures(capital * 115 // 100), by="risk-1")

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"al:top:{aid}"))
        assert bot.request.last_text() == (
            f"How much margin to add to allocation {aid}? (¥39,750.00 available in your wallet)"
        )
        top_up = user.says("3,000")
        await bot.send(top_up)
        assert bot.request.last_text() == (
            f"Top up allocation {aid} with ¥3,000.00? It is frozen in your wallet until an administrator"
            " decides."
        )
        token = top_up.message.message_id
        assert button_data(last_sent(bot)) == [f"al:ask:{token}", f"al:drop:{token}"]
        await bot.send(user.presses(f"al:ask:{token}"))
        await bot.send(user.presses(f"al:ask:{token}"))

        await bot.send(user.presses(f"al:ext:{aid}"))
        await bot.send(user.says("forever"))
        assert bot.request.last_text() == "Please type a whole number from 1 to 24, or send /cancel:"
        periods = user.says("3")
        await bot.send(periods)
        assert bot.request.last_text() == (
            f"Extend allocation {aid} by 3 trading days? Their fees, ¥90.00, are frozen in your wallet"
            " until an administrator decides."
        )
        await bot.send(user.presses(f"al:ask:{periods.message.message_id}"))

        await bot.send(user.presses(f"al:pro:{aid}"))
        assert (
            bot.request.last_text()
            == f"Up to ¥3,000.00 can be withdrawn from allocation {aid} now. How much?"
        )
        await bot.send(user.says("3,000.01"))
        assert bot.request.last_text() == (
            "At most ¥3,000.00 can be withdrawn; please type it again, or send /cancel:"
        )
        profit = user.says("2,500")
        await bot.send(profit)
        await bot.send(user.presses(f"al:ask:{profit.message.message_id}"))

        await bot.send(user.presses(f"al:end:{aid}"))
        assert bot.request.last_text() == (
            f"Ask to end allocation {aid}? Once approved, an administrator settles it with the final assets."
        )
        [end_token] = {data.rsplit(":", 1)[1] for data in button_data(last_sent(bot))}
        await bot.send(user.presses(f"al:ask:{end_token}"))

    bot = play(app, scenario)
    requests = {r.kind: r for r in app.allocations.timeline(aid, customer_id="alice").requests}
    assert sorted((r.kind, r.amount, r.periods, r.status) for r in requests.values()) == [
        (Kind.EXTENSION, 9_000, 3, RequestStatus.PENDING),
        (Kind.PROFIT, 250_000, 0, RequestStatus.PENDING),
        (Kind.TERMINATION, 0, 0, RequestStatus.PENDING),
        (Kind.TOP_UP, 300_000, 0, RequestStatus.PENDING),
    ]
    edits = [str(p["text"]) for p in bot.request.of("editMessageText")]
    assert (
        edits[0]
        == edits[1]
        == (
            f"Your margin top-up request {requests[Kind.TOP_UP].id} was sent; an administrator will decide it"
            " and we will tell you."
        )
    )
    assert edits[-1].startswith(f"Your termination request {requests[Kind.TERMINATION].id} was sent")
    assert frozen(app) == DEPOSIT + RISK_FUND + 300_000 + 9_000


def test_a_request_asked_again_after_the_first_was_decided_is_not_sent_twice(app: App) -> None:
    verified(app)
    aid = running(app).id

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"al:top:{aid}"))
        amount = user.says("1000")
        await bot.send(amount)
        token = amount.message.message_id
        await bot.send(user.presses(f"al:ask:{token}"))
        [request] = (await asyncio.to_thread(app.allocations.timeline, aid, customer_id="alice")).requests
        await asyncio.to_thread(app.allocations.decide, request.id, by="reviewer-1", approve=True)
        await bot.send(user.presses(f"al:ask:{token}"))
        await bot.send(user.presses(f"al:drop:{token}"))

    bot = play(app, scenario)
    assert len(app.allocations.timeline(aid, customer_id="alice").requests) == 1
    assert toasts(bot)[-1] == "This button is outdated."


def test_no_profit_to_withdraw_and_side_requests_of_an_allocation_not_running_are_explained(app: App) -> None:
    verified(app)
    live = running(app).id
    waiting = applied(app).id

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"al:pro:{live}"))
        await bot.send(user.says("100"))
        await bot.send(user.presses(f"al:top:{waiting}"))

    bot = play(app, scenario)
    assert bot.request.texts()[-3:] == [
        f"Allocation {live} has no profit to withdraw now (the assets must be above 110 % of the initial"
        " capital, the risk normal and no fee overdue).",
        "I did not understand that. Please use the menu below or send /menu.",
        f"Allocation {waiting} is not in progress; that is not possible now.",
    ]


# -- Chinese -------------------------------------------------------------------------------------------------


def test_a_chinese_customer_applies_pays_and_reads_the_detail_in_chinese(app: App) -> None:
    verified(app, language="zh")

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses("m:allocate"))
        assert bot.request.last_text().startswith(
            "📈 配资产品与费率\n\n【按天配资】按天\n· 杠杆与费率：3 倍 0.05 %/交易日；5 倍 0.06 %/交易日\n"
        )  # the rates are a Chinese list: no ASCII punctuation between them
        await bot.send(user.presses("al:prod:monthly"))
        await bot.send(user.presses("al:lev:5:monthly"))
        await bot.send(user.says("10000"))
        assert bot.request.last_text() == "保证金 ¥10,000.00。请输入期限（1–6 个月）："
        term = user.says("3")
        await bot.send(term)
        assert bot.request.last_text().splitlines()[:6] == [
            "📝 配资报价 · 按月配资（按月）",
            "保证金 D ¥10,000.00 × 5 倍 = 配资金额 B ¥50,000.00",
            "期限 3 个月",
            "警戒线 ¥55,000.00 · 平仓线 ¥53,000.00",
            "费用 ¥750.00/月",
            "应付款项：",
        ]
        await bot.send(user.presses(f"al:apply:{term.message.message_id}"))
        [allocation] = await asyncio.to_thread(app.allocations.of_customer, "alice")
        await bot.send(user.presses(f"al:pay:prepaid_fee:{allocation.id}"))

    bot = play(app, scenario)
    detail = last_edit(bot)
    lines = str(detail["text"]).splitlines()
    assert lines[1:3] == ["状态：部分支付，待补缴", "保证金 D ¥10,000.00 × 5 倍 = 配资金额 B ¥50,000.00"]
    assert "· 预付管理费 ¥750.00 ✅ 已付" in lines
    assert [b["text"] for b in buttons(detail)][:3] == [
        "💳 补缴保证金 ¥10,000.00",
        "💳 补缴风险保证金 ¥250.00",
        "✖️ 撤销申请",
    ]


# -- button data ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("verb", cb.ALLOCATION_VERBS)
def test_every_allocation_verb_has_an_action_and_its_longest_button_fits(verb: str) -> None:
    assert verb in allocation_customer.ACTIONS
    longest = cb.AllocationStep(verb, "prepaid_fee:a0123456789ab")
    assert len(cb.write(longest).encode()) <= cb.MAX_BYTES
    assert cb.parse(cb.write(longest)) == longest


def test_a_forged_allocation_button_is_answered_as_outdated(app: App) -> None:
    verified(app)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        for data in (
            "al:apply:123",
            "al:lev:7:daily",
            "al:prod:gone",
            "al:pay:fee:a1",
            "al:list:x",
            "al:ask:1",
        ):
            await bot.send(user.presses(data))

    bot = play(app, scenario)
    assert toasts(bot) == ["This button is outdated."] * 6
