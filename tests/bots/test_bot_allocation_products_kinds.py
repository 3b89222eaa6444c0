"""Weekly products and the free trial in the bot, in Chinese and in English: the rate table counts a weekly
product's term and fee in weeks and badges a free trial (🎁 免息体验); a weekly application is quoted by the
week; a free trial is quoted with nothing but its deposit to pay, shows its badge on the allocation, and a
second one is refused in the customer's language; an administrator publishes both kinds from a file after
seeing them as customers will."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from bot_harness import BotHarness, TelegramUser, as_admin, button_data, buttons, play

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.allocation.products import Component, LeverageRate, Mode, Product
from p2pstock.core.catalog_file import ALLOCATION_FIELDS
from p2pstock.core.money import Money
from p2pstock.core.papers import ALLOCATION_RISK
from p2pstock.core.people.customers import Customer, KycStatus

WEEKLY = Product(
    code="weekly",
    version=1,
    name="按周配资",
    mode=Mode.WEEKLY,
    rates=(LeverageRate(5, 4_000),),
    deposit_min=100_000,
    deposit_max=100_000_000,
    deposit_step=100_000,
    term_min=1,
    term_max=8,
)
"""Deposit ¥10,000 at 5×: B = ¥50,000 at 0.4 % a week, ¥200 a week."""
TRIAL = Product(
    code="taste",
    version=1,
    name="新手体验",
    mode=Mode.DAILY,
    rates=(LeverageRate(5, 0),),
    deposit_min=100_000,
    deposit_max=2_000_000,
    deposit_step=100_000,
    term_min=1,
    term_max=2,
    trial=True,
)
ALICE, ROOT = 1001, 7401
FILE = """\
[[allocation_product]]
code = "weekly"
name = "按周配资"
mode = "按周"
deposit_min = "1,000"
deposit_max = "1,000,000"
deposit_step = "1,000"
term_min = 1
term_max = 8
rates = { 5 = "0.4%" }

[[allocation_product]]
code = "taste"
name = "新手体验"
mode = "daily"
deposit_min = "1,000"
deposit_max = "20,000"
deposit_step = "1,000"
term_min = 1
term_max = 2
rates = { 5 = "0%" }
trial = true
"""


@pytest.fixture(autouse=True)
def platform(app: App) -> None:
    app.products.define(WEEKLY, by="root")
    app.products.define(TRIAL, by="root")
    app.capital.fund(100_000_000, reference="seed", by="finance-1")


def verified(app: App, language: str) -> Customer:
    customer = Customer(
        "alice",
        telegram_user_id=ALICE,
        language=language,
        phone="+8613800138000",
        real_name="张三",
        status=KycStatus.VERIFIED,
    )
    app.office.run(lambda tx: tx.uow.customers.add(customer))
    app.papers.acknowledge(customer.id, ALLOCATION_RISK)
    app.wallets.open("alice")
    app.wallets.confirm_deposit(
        "alice", gateway="bank", transaction_id="alice-start", amount=Money(5_000_000)
    )
    return customer


def last_sent(bot: BotHarness) -> dict[str, object]:
    return bot.request.of("sendMessage")[-1]


async def apply(bot: BotHarness, user: TelegramUser, code: str, deposit: str, term: str) -> None:
    """Leverage 5 of product ``code``, the deposit and the term typed, and ✅ under the quote."""
    await bot.send(user.presses(f"al:lev:5:{code}"))
    await bot.send(user.says(deposit))
    typed = user.says(term)
    await bot.send(typed)
    await bot.send(user.presses(f"al:apply:{typed.message.message_id}"))


SAID = {
    "zh": {
        "weekly_table": "【按周配资】按周\n· 杠杆与费率：5 倍 0.4 %/周\n"
        "· 保证金：¥1,000.00 – ¥1,000,000.00，按 ¥1,000.00 递增\n· 期限：1–8 周",
        "badge_line": "· 🎁 免息体验：不收管理费，每位客户限体验一次",
        "button": "🎁 免息体验 · 新手体验",
        "term_asked": "保证金 ¥10,000.00。请输入期限（1–8 周）：",
        "weekly_quote": "期限 3 周\n警戒线 ¥55,000.00 · 平仓线 ¥53,000.00\n费用 ¥200.00/周",
        "weekly_card": "期限 3 周 · 费用 ¥200.00/周",
        "trial_quote": "合计 ¥10,000.00。申请后请在 120 分钟内付清，各项支付后即冻结在您的钱包中。\n"
        "🎁 免息体验：不收管理费",
        "trial_card": "状态：待支付\n🎁 免息体验：不收管理费\n",
        "refused": "免息体验每位客户限一次，您已体验过（配资 {id}）。",
    },
    "en": {
        "weekly_table": "【按周配资】 weekly\n· Leverage and rate: 5× 0.4 % per week\n"
        "· Deposit: ¥1,000.00 – ¥1,000,000.00, in steps of ¥1,000.00\n· Term: 1–8 weeks",
        "badge_line": "· 🎁 Free trial: no fees, once per customer",
        "button": "🎁 Free trial · 新手体验",
        "term_asked": "Deposit ¥10,000.00. How long? (1–8 weeks)",
        "weekly_quote": "Term 3 weeks\nWarning line ¥55,000.00 · liquidation line ¥53,000.00\n"
        "Fee ¥200.00 per week",
        "weekly_card": "Term 3 weeks · fee ¥200.00 per week",
        "trial_quote": "Total ¥10,000.00. Pay it within 120 minutes of applying; each part is frozen in your"
        " wallet as you pay it.\n🎁 Free trial: no fees",
        "trial_card": "Status: awaiting payment\n🎁 Free trial: no fees\n",
        "refused": "The free trial is once per customer; you have had yours (allocation {id}).",
    },
}
"""What the bot says, in each language."""
LANGUAGES = pytest.mark.parametrize("language", ["zh", "en"])


@LANGUAGES
def test_the_rate_table_counts_weeks_and_badges_the_free_trial(app: App, language: str) -> None:
    verified(app, language)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses("m:allocate"))

    bot = play(app, scenario)
    said, table = SAID[language], last_sent(bot)
    trial, weekly = str(table["text"]).split("\n\n")[1:3]
    assert weekly.startswith(said["weekly_table"])
    assert said["badge_line"] in trial.splitlines()
    assert said["badge_line"] not in weekly
    assert [b["text"] for b in buttons(table)] == [said["button"], "按周配资"]
    assert button_data(table) == ["al:prod:taste", "al:prod:weekly"]


@LANGUAGES
def test_a_weekly_application_is_asked_quoted_and_shown_by_the_week(app: App, language: str) -> None:
    verified(app, language)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await apply(bot, user, "weekly", "10000", "3")

    bot = play(app, scenario)
    said, texts = SAID[language], bot.request.texts()
    assert said["term_asked"] in texts
    assert any(said["weekly_quote"] in t for t in texts)
    assert said["weekly_card"] in str(bot.request.of("editMessageText")[-1]["text"])
    [allocation] = app.allocations.of_customer("alice")
    assert (allocation.mode, allocation.term, allocation.fee_per_period) == (Mode.WEEKLY, 3, 20_000)


@LANGUAGES
def test_a_free_trial_is_quoted_without_a_fee_badged_and_a_second_one_refused(
    app: App, language: str
) -> None:
    verified(app, language)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await apply(bot, user, "taste", "10000", "2")
        await apply(bot, user, "taste", "20000", "1")

    bot = play(app, scenario)
    said, texts = SAID[language], bot.request.texts()
    [trial] = app.allocations.of_customer("alice")
    assert trial.product.trial and trial.due == {Component.DEPOSIT: 1_000_000}
    assert any(said["trial_quote"] in t for t in texts)
    assert said["trial_card"] in str(bot.request.of("editMessageText")[-1]["text"])
    assert bot.request.last_text() == said["refused"].format(id=trial.id)


@LANGUAGES
def test_an_administrator_previews_and_publishes_weekly_and_free_trial_products_from_a_file(
    app: App, language: str
) -> None:
    app.staff.enrol_by_operator("root-7", ["super_admin"], telegram_user_id=ROOT)
    renamed = FILE.replace('"taste"', '"starter"').replace('code = "weekly"', 'code = "weeks"')

    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        root = as_admin(bot, ROOT, language)
        await bot.send(root.presses("a:pd_file:-"))
        await bot.send(root.says(renamed))
        (publish,) = button_data(last_sent(bot))
        await bot.send(root.presses(publish))

    bot = play(app, scenario)
    said = SAID[language]
    preview = next(t for t in bot.request.texts() if said["badge_line"] in t)
    assert said["weekly_table"] in preview
    offered = {p.code: (p.mode, p.trial) for p in app.products.rate_table()}
    assert offered["weeks"] == (Mode.WEEKLY, False)
    assert offered["starter"] == (Mode.DAILY, True)


@LANGUAGES
def test_a_weekly_allocations_fees_name_their_weeks_in_the_statement(
    app: App, clock: ManualClock, language: str
) -> None:
    verified(app, language)
    allocation = app.allocations.apply("alice", product="weekly", deposit=1_000_000, leverage=5, term=3)
    for component in allocation.due:
        app.allocations.pay(allocation.id, component, customer_id="alice")
    app.allocations.record_call(allocation.id, by="reviewer-1", outcome="confirmed")
    app.allocations.confirm(allocation.id, by="reviewer-1")
    app.allocations.assign_account(allocation.id, by="finance-1", sub_account="W-1", password="pw")
    clock.set(datetime(2026, 1, 12, 8, tzinfo=UTC))  # 16:00 in Shanghai, the second Monday
    app.allocations.charge_fees(date(2026, 1, 12))

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/statement"))

    lines = str(last_sent(play(app, scenario))["text"]).splitlines()
    week = "{what} #{id} 第 {n} 周" if language == "zh" else "{what} #{id}, week {n}"
    what = "配资管理费" if language == "zh" else "Management fee"
    assert lines[2:4] == [
        f"2026-01-12 {week.format(what=what, id=allocation.id, n=2)} -¥200.00",
        f"2026-01-05 {week.format(what=what, id=allocation.id, n=1)} -¥200.00",
    ]


def test_an_administrator_defines_a_free_trial_field_by_field(app: App) -> None:
    """(In English: the Chinese steps name the fields by their keys in the file.)"""
    app.staff.enrol_by_operator("root-7", ["super_admin"], telegram_user_id=ROOT)
    answers = {
        "code": "starter",
        "name": "新手体验",
        "mode": "按天",
        "deposit_min": "1,000",
        "deposit_max": "20,000",
        "deposit_step": "1,000",
        "term_min": "1",
        "term_max": "2",
        "rates": "5:0%",
        "trial": "maybe",
    }

    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        root = as_admin(bot, ROOT)
        await bot.send(root.presses("a:pd_new:a"))
        for field in ALLOCATION_FIELDS:
            await bot.send(root.says(answers.get(field.key, "-")))
            if field.key == "trial":
                await bot.send(root.says("yes"))  # "maybe" is asked again
        (publish,) = button_data(last_sent(bot))
        await bot.send(root.presses(publish))

    bot = play(app, scenario)
    texts = bot.request.texts()
    step, last = [f.key for f in ALLOCATION_FIELDS].index("trial") + 1, len(ALLOCATION_FIELDS)
    assert f"Step {step} of {last}\nA free trial? true or false: daily, at most" in "\n".join(texts)
    assert "· trial: must be true or false" in texts
    assert any(SAID["en"]["badge_line"] in t for t in texts)  # the preview
    starter = next(p for p in app.products.rate_table() if p.code == "starter")
    assert (starter.trial, starter.rates, starter.term_max) == (True, (LeverageRate(5, 0),), 2)
