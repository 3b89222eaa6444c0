"""An investor's auto-invest rule in the bot, in English and in Chinese: set part by part by typing, a value
that cannot be read or that core refuses told in the reader's language and asked again, the repayment
methods switched by buttons, paused and resumed, deleted; and what the rule invested shown with it."""

from __future__ import annotations

from bot_harness import BotHarness, TelegramUser, button_data, play, toasts
from lending_bot_world import IRIS, IVAN, a_customer, the_platform
from test_bot_lending_customer import last_message, listed

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.lending.auto_invest import RuleTerms
from p2pstock.core.lending.schedules import Method
from p2pstock.core.money import Money
from p2pstock.core.papers import LENDING_RISK
from p2pstock.core.people.customers import Customer, KycStatus

MEI, UNA = 2005, 2006
ASK_AMOUNT, ASK_TERM, ASK_RATE = "ln:auto:ask.amount", "ln:auto:ask.term", "ln:auto:ask.rate"


def a_chinese_investor(app: App) -> None:
    """Mei, verified, reading Chinese, with ¥10,000 in her wallet."""
    mei = Customer(
        "mei", telegram_user_id=MEI, language="zh", phone="+8613800002005", status=KycStatus.VERIFIED
    )
    app.office.run(lambda tx: tx.uow.customers.add(mei))
    app.papers.acknowledge("mei", LENDING_RISK)
    app.wallets.open("mei")
    app.wallets.confirm_deposit("mei", gateway="bank", transaction_id="mei", amount=Money(1_000_000))


def shown(bot: BotHarness) -> str:
    return str(last_message(bot)["text"])


async def types(bot: BotHarness, user: TelegramUser, button: str, *typed: str) -> list[str]:
    """Press ``button``, then type each of ``typed``: what the bot said to each."""
    await bot.send(user.presses(button))
    answers = []
    for line in typed:
        await bot.send(user.says(line))
        answers.append(shown(bot))
    return answers


def test_an_investor_sets_a_rule_part_by_part_and_a_bad_value_is_asked_again_in_english(
    app: App, clock: ManualClock
) -> None:
    the_platform(app, clock)

    async def scenario(bot: BotHarness, _: TelegramUser) -> None:
        ivan = bot.user(IVAN, language_code="en")
        await bot.send(ivan.command("/autoinvest"))
        assert shown(bot).startswith("🤖 Auto-invest: when a loan is listed")
        assert button_data(last_message(bot)) == [ASK_AMOUNT, "ln:auto:ask.share"]
        assert await types(bot, ivan, ASK_AMOUNT, "lots", "500") == [
            "That amount is not clear; please type it again:",
            shown(bot),
        ]
        assert "Per loan: a fixed ¥500.00\nBalance kept: ¥0.00\nCap per loan: none" in shown(bot)
        assert await types(bot, ivan, ASK_TERM, "soon", "12 3", "3-12") == [
            "That could not be read; type two whole months, such as “3 12”:",
            "The term runs from 1 to 360 months, its lower end not above its upper end.",
            shown(bot),
        ]
        await types(bot, ivan, ASK_RATE, "8 15.5")
        await types(bot, ivan, "ln:auto:ask.keep", "1,000")
        await types(bot, ivan, "ln:auto:ask.cap", "2000")
        await types(bot, ivan, "ln:auto:ask.products", "Personal")
        assert shown(bot).splitlines()[:8] == [
            "🤖 Auto-invest (on)",
            "Per loan: a fixed ¥500.00",
            "Balance kept: ¥1,000.00",
            "Cap per loan: ¥2,000.00",
            "Term: 3–12 months",
            "Rate: 8.00%–15.50% a year",
            "Repayment methods: equal installments, equal principal, interest monthly, principal at "
            "maturity, all at maturity",
            "Loan products: personal",
        ]

    play(app, scenario)
    rule = app.auto_invest.rule("ivan")
    assert rule is not None and rule.terms == RuleTerms(
        amount=50_000,
        keep=100_000,
        months_min=3,
        months_max=12,
        rate_min_bp=800,
        rate_max_bp=1_550,
        products=("personal",),
        cap=200_000,
    )


def test_the_methods_are_switched_by_buttons_and_the_last_one_cannot_go(app: App, clock: ManualClock) -> None:
    the_platform(app, clock)
    app.auto_invest.save("ivan", RuleTerms(amount=50_000, methods=(Method.BULLET, Method.EQUAL_PRINCIPAL)))

    async def scenario(bot: BotHarness, _: TelegramUser) -> None:
        ivan = bot.user(IVAN, language_code="en")
        await bot.send(ivan.presses("ln:auto:methods"))
        labels = [b["text"] for b in last_message(bot)["reply_markup"]["inline_keyboard"][0:4] for b in b]
        assert labels == [
            "⬜ equal installments",
            "✅ equal principal",
            "⬜ interest monthly, principal at maturity",
            "✅ all at maturity",
        ]
        await bot.send(ivan.presses("ln:auto:m.bullet"))
        await bot.send(ivan.presses("ln:auto:m.equal_principal"))
        assert bot.request.texts()[-2] == "Choose one or more repayment methods, each once."

    play(app, scenario)
    assert app.auto_invest.rule("ivan").terms.methods == (Method.EQUAL_PRINCIPAL,)  # type: ignore[union-attr]


def test_a_rule_is_paused_resumed_and_deleted_from_its_buttons(app: App, clock: ManualClock) -> None:
    the_platform(app, clock)
    app.auto_invest.save("ivan", RuleTerms(amount=50_000))
    paused: list[bool] = []

    async def scenario(bot: BotHarness, _: TelegramUser) -> None:
        ivan = bot.user(IVAN, language_code="en")
        await bot.send(ivan.presses("ln:auto:pause"))
        assert shown(bot).startswith("🤖 Auto-invest (paused)") and "ln:auto:resume" in button_data(
            last_message(bot)
        )
        paused.append(not app.auto_invest.rule("ivan").active)  # type: ignore[union-attr]
        await bot.send(ivan.presses("ln:auto:resume"))
        assert shown(bot).startswith("🤖 Auto-invest (on)")
        await bot.send(ivan.presses("ln:auto:delete"))
        assert button_data(last_message(bot)) == ["ln:auto:drop", "ln:auto:show"]
        await bot.send(ivan.presses("ln:auto:drop"))
        await bot.send(ivan.presses("ln:auto:drop"))  # a second tap
        assert shown(bot) == "Your auto-invest rule is deleted."
        await bot.send(ivan.presses("ln:auto:sideways"))

    bot = play(app, scenario)
    assert paused == [True] and app.auto_invest.rule("ivan") is None
    assert toasts(bot)[-1] == "This button is outdated."


def test_a_chinese_reader_sets_a_share_and_is_refused_in_chinese(app: App, clock: ManualClock) -> None:
    the_platform(app, clock)
    a_chinese_investor(app)

    async def scenario(bot: BotHarness, _: TelegramUser) -> None:
        mei = bot.user(MEI, language_code="zh-hans")
        await bot.send(mei.command("/autoinvest"))
        assert shown(bot).startswith("🤖 自动投标：新借款发布到理财大厅时")
        assert await types(bot, mei, "ln:auto:ask.share", "一成", "120", "10") == [
            "没看懂，请输入比例数字，例如 10 或 12.5：",
            "投标比例须大于 0% 且不超过 100%。",
            shown(bot),
        ]
        assert shown(bot).splitlines()[:2] == ["🤖 自动投标（已开启）", "每笔投标：可用余额的 10.00%"]
        assert await types(bot, mei, ASK_TERM, "12 3") == [
            "期限范围须在 1 至 360 个月之间，且下限不能高于上限。"
        ]
        await bot.send(mei.says("6 至 24"))
        assert "期限：6–24 个月" in shown(bot)
        await bot.send(mei.presses("ln:auto:methods"))
        await bot.send(mei.presses("ln:auto:pause"))
        assert shown(bot).startswith("🤖 自动投标（已暂停）")
        await bot.send(mei.presses("ln:auto:delete"))
        await bot.send(mei.presses("ln:auto:drop"))
        assert shown(bot) == "自动投标规则已删除。"

    play(app, scenario)
    assert app.auto_invest.rule("mei") is None


def test_the_rule_shows_what_it_invested_when_a_loan_was_listed(app: App, clock: ManualClock) -> None:
    the_platform(app, clock)
    app.papers.acknowledge("iris", LENDING_RISK)
    app.auto_invest.save("iris", RuleTerms(amount=50_000))
    loan = listed(app)

    async def scenario(bot: BotHarness, _: TelegramUser) -> None:
        iris = bot.user(IRIS, language_code="en")
        await bot.send(iris.command("/autoinvest"))
        assert shown(bot).splitlines()[-2:] == [
            "Recently auto-invested:",
            f"· Loan {loan.id}: ¥500.00, frozen",
        ]

    play(app, scenario)
    assert app.wallets.balance("iris").frozen.minor == 50_000


def test_a_customer_not_yet_verified_is_told_how_before_keeping_a_rule(app: App, clock: ManualClock) -> None:
    the_platform(app, clock)
    a_customer(app, "una", UNA, wallet=100_000, status=KycStatus.PHONE_VERIFIED)

    async def scenario(bot: BotHarness, _: TelegramUser) -> None:
        una = bot.user(UNA, language_code="en")
        await bot.send(una.command("/autoinvest"))
        await bot.send(una.presses(ASK_AMOUNT))

    bot = play(app, scenario)
    assert bot.request.texts()[-1].startswith("Please verify your identity before setting up auto-invest")
    assert app.auto_invest.rule("una") is None
