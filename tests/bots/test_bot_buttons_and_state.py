"""Buttons are untrusted, conversation state survives a restart, and failures are logged without
secrets while the user is told something went wrong."""

from __future__ import annotations

import asyncio
import logging

import attrs
import pytest
from bot_harness import TOKEN, BotHarness, DictUiStore, TelegramUser, customer_of, play, verify_phone

from p2pstock.bootstrap import App
from p2pstock.bots.telegram import BotServices
from p2pstock.bots.telegram.application import describe_commands
from p2pstock.core.money import Money

FORGED = [
    "m:admin",
    "m:wallet ",
    "m:wallet\x00",
    "lang:fr",
    "lang:zh:extra",
    "doc:../../etc/passwd",
    "doc:ID_CARD_FRONT",
    "st:-1",
    "st:01",
    "st:99999",
    "st:１",
    "wd:y:0",
    "wd:y:1;DROP TABLE",
    "wd:maybe:5",
    "wd:y:12345",
    "a:wd_ok:" + "x" * 60,
    "a:menu:everything",
    "x" * 200,
    "",
    "🙂",
]


def state_of(app: App) -> tuple[object, ...]:
    """Everything a button could have changed."""
    customer = customer_of(app)
    return (
        customer,
        str(app.wallets.balance(customer.id)),
        app.wallets.withdrawals(),
        app.customers.documents(customer.id),
        len(app.office.read(lambda tx: tx.uow.audit.records(0, 1000))),
    )


@pytest.mark.parametrize("data", FORGED)
def test_a_forged_button_is_answered_as_outdated_and_nothing_else_happens(app: App, data: str) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/start"))
        await asyncio.to_thread(
            app.wallets.confirm_deposit,
            customer_of(app).id,
            gateway="bank",
            transaction_id="T-1",
            amount=Money.parse("500"),
        )
        await bot.send(user.command("/withdraw"))
        await bot.send(user.says("100"))
        before = await asyncio.to_thread(state_of, app)
        mark = bot.request.mark()
        await bot.send(user.presses(data))
        assert [name for name, _ in bot.request.since(mark)] == ["answerCallbackQuery"]
        assert bot.request.since(mark)[0][1]["text"] == "此按钮已失效。"
        assert await asyncio.to_thread(state_of, app) == before

    play(app, scenario)


def test_a_statement_page_never_opened_is_outdated(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/start"))
        await bot.send(user.presses("st:1"))

    bot = play(app, scenario)
    assert bot.request.of("answerCallbackQuery")[-1]["text"] == "此按钮已失效。"
    assert bot.request.of("editMessageText") == []


def test_a_button_from_a_user_the_bot_never_saw_registers_no_one(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(bot.user(7007, language_code="en").presses("nonsense"))

    bot = play(app, scenario)
    assert app.customers.by_telegram(7007) is None
    assert bot.request.of("answerCallbackQuery")[-1]["text"] == "This button is outdated."


def test_a_step_in_progress_survives_a_restart_of_the_bot(app: App) -> None:
    async def before_restart(bot: BotHarness, user: TelegramUser) -> None:
        await verify_phone(app, bot, user)
        await bot.send(user.command("/identity"))
        await bot.send(user.says("张三"))

    async def after_restart(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.says("11010519491231002X"))

    play(app, before_restart)
    bot = play(app, after_restart)
    assert customer_of(app).real_name == "张三"
    assert bot.request.last_text().startswith("已提交实名信息：张三，身份证号 110")


def test_without_persistence_a_restart_forgets_the_step(app: App) -> None:
    async def before_restart(bot: BotHarness, user: TelegramUser) -> None:
        await verify_phone(app, bot, user)
        await bot.send(user.command("/identity"))
        await bot.send(user.says("张三"))

    async def after_restart(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.says("11010519491231002X"))

    play(app, before_restart, persistence=False)
    bot = play(app, after_restart, persistence=False)
    assert customer_of(app).real_name == ""
    assert bot.request.last_text().startswith("没有理解您的消息")


def test_the_bot_keeps_only_ui_state_and_forgets_a_finished_step(app: App) -> None:
    store = DictUiStore()

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await verify_phone(app, bot, user)
        await bot.send(user.command("/identity"))
        await bot.send(user.says("张三"))
        await bot.application.update_persistence()
        assert store.rows == {
            "tg:conv:customer:[1001,1001]": '"identity.number"',
            "tg:user:1001": '{"real_name":"张三"}',
        }
        await bot.send(user.says("11010519491231002X"))

    play(app, scenario, ui_state=store)
    assert store.rows == {}


class Broken:
    """A customer service whose storage is down in an unexpected way."""

    def by_telegram(self, telegram_user_id: int) -> None:
        raise RuntimeError(f"connection to db failed; token {TOKEN} leaked into an error")


def test_an_unexpected_failure_is_logged_without_the_token_and_the_user_is_told(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    services = attrs.evolve(BotServices.of(app), customers=Broken())

    async def main() -> BotHarness:
        async with BotHarness(app, services=services) as bot:
            user = bot.user()
            await bot.send(user.command("/wallet"))
            await bot.send(user.presses("m:wallet"))
            return bot

    with caplog.at_level(logging.ERROR, logger="p2pstock.bots.telegram"):
        bot = asyncio.run(main())
    assert [type(error) for error in bot.errors] == [RuntimeError, RuntimeError]
    assert bot.request.texts() == ["抱歉，系统出了点问题，请稍后再试。"] * 2
    assert len(bot.request.answered) == 1
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "RuntimeError" in logged
    assert TOKEN not in logged
    assert "<token>" in logged


def test_the_bot_ignores_groups_and_answers_a_button_pressed_in_one(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.in_group().command("/start"))
        await bot.send(user.in_group().presses("m:wallet"))

    bot = play(app, scenario)
    assert app.customers.by_telegram(1001) is None
    assert [name for name, _ in bot.request.calls] == ["getMe", "answerCallbackQuery"]


def test_the_command_list_is_described_in_both_languages(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await describe_commands(bot.application)

    bot = play(app, scenario)
    described = bot.request.of("setMyCommands")
    assert [d.get("language_code") for d in described] == ["zh", "en", None]
    assert described[0]["commands"][2] == {"command": "wallet", "description": "我的钱包"}


@pytest.mark.parametrize(
    ("language", "heading", "line"),
    [
        ("zh", "您可以使用以下命令：", "/wallet — 我的钱包"),
        ("en", "Here is what you can do:", "/wallet — Your wallet"),
    ],
)
def test_help_lists_what_the_user_can_do_in_their_language(
    app: App, language: str, heading: str, line: str
) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(bot.user(2002, language_code=language).command("/help"))

    bot = play(app, scenario)
    answer = bot.request.last_text()
    assert answer.startswith(heading)
    assert line in answer
    assert "/admin" not in answer  # only administrators are shown the back office


def test_help_shows_an_administrator_the_back_office_and_keeps_a_step_in_progress(app: App) -> None:
    app.staff.enrol_by_operator("helpdesk", ["support"], telegram_user_id=1001)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await verify_phone(app, bot, user)
        await bot.send(user.command("/identity"))
        await bot.send(user.command("/help"))
        assert "/admin — 管理后台" in bot.request.last_text()
        await bot.send(user.says("张三"))  # the name step is still waiting
        assert bot.request.last_text().startswith("请输入您的 18 位居民身份证号码")

    play(app, scenario)


def test_the_command_menu_offers_help(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await describe_commands(bot.application)

    bot = play(app, scenario)
    (zh, en, _default) = bot.request.of("setMyCommands")
    assert {"command": "help", "description": "帮助：我能做什么"} in zh["commands"]
    assert {"command": "help", "description": "Help: what you can do"} in en["commands"]
