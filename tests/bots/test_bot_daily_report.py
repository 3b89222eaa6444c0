"""/report: a customer reads whether the daily report of their allocations is on and switches it off and on
again with one button."""

from __future__ import annotations

from bot_harness import BotHarness, TelegramUser, button_data, customer_of, play

from p2pstock.bootstrap import App


def test_the_daily_report_is_switched_off_and_on_with_one_button(app: App) -> None:
    switched = []

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/start"))
        await bot.send(user.command("/report"))
        shown = bot.request.of("sendMessage")[-1]
        switched.append((shown["text"].split("。")[0], button_data(shown)))
        await bot.send(user.presses("m:report_off"))
        edited = bot.request.of("editMessageText")[-1]
        switched.append((edited["text"].split("。")[0], button_data(edited)))

    play(app, scenario)
    assert switched == [("配资日报：已开启", ["m:report_off"]), ("配资日报：已关闭", ["m:report_on"])]
    assert not app.allocations.daily_report(customer_of(app).id)


def test_the_report_switched_by_a_typed_command_is_told_in_a_new_message(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/start"))
        await bot.send(user.command("/report_off"))

    bot = play(app, scenario)
    assert bot.request.last_text().startswith("配资日报：已关闭")
    assert bot.errors == []
    assert not app.allocations.daily_report(customer_of(app).id)
