"""The trading calendar in the bot's /admin: a risk officer sees this year and next, loads a year from the
exchanges' notice (typed or as a file) after reading what the bot made of it, decides a day, and reads a
year — in Chinese or English; administrators without ``calendar.manage`` are refused by core."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from bot_harness import BotHarness, TelegramUser, as_admin, button_data, play

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App

RISK, FINANCE = 7201, 7202
NOTICE = "# an example notice, not a published schedule\n元旦：2027年1月1日\n春节：2月5日至2月11日休市\n"


@pytest.fixture
def keepers(app: App, clock: ManualClock) -> App:
    clock.set(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))
    app.staff.enrol_by_operator("risk-7", ["risk_officer"], telegram_user_id=RISK)
    app.staff.enrol_by_operator("finance-7", ["finance"], telegram_user_id=FINANCE)
    return app


def test_a_risk_officer_loads_next_year_from_a_typed_notice_after_reading_it_back(keepers: App) -> None:
    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        risk = as_admin(bot, RISK)
        await bot.send(risk.command("/admin"))
        await bot.send(risk.presses("a:menu:calendar"))
        await bot.send(risk.presses("a:cal_load:-"))
        await bot.send(risk.says(NOTICE))
        (load,) = button_data(bot.request.of("sendMessage")[-1])
        await bot.send(risk.presses(load))
        await bot.send(risk.presses(load))  # a second tap finds nothing waiting
        await bot.send(risk.presses("a:cal_year:2027"))

    bot = play(keepers, scenario)
    sent = bot.request.of("sendMessage")
    menu = next(p for p in sent if str(p["text"]).startswith("Administration ("))
    assert "a:menu:calendar" in button_data(menu)
    summary = next(p for p in sent if str(p["text"]).startswith("Trading calendar:"))
    assert str(summary["text"]).splitlines() == [
        "Trading calendar:",
        "2026: known, 242 trading days",
        "2027: ⚠️ NOT known (no source covers it, none loaded)",
    ]
    assert button_data(summary) == ["a:cal_year:2026", "a:cal_year:2027", "a:cal_load:-", "a:cal_day:-"]
    preview = next(p for p in sent if str(p["text"]).startswith("Read 6 closed weekdays of 2027"))
    assert "Closed: 01-01, 02-05~02-11" in str(preview["text"])
    assert [data.split(":")[1] for data in button_data(preview)] == ["cal_ok"]
    texts = [str(p["text"]) for p in sent]
    assert "2027's closures are loaded (version 1)." in texts
    assert texts.count("This button is outdated.") == 1
    assert texts[-1].splitlines()[:2] == ["2027: known, 255 trading days", "Closed: 01-01, 02-05~02-11"]
    assert keepers.trading_days.year(2027).loads[0].loaded_by == "risk-7"


def test_a_notice_sent_as_a_file_with_bad_lines_is_answered_line_by_line_in_chinese(keepers: App) -> None:
    bad = b"2027-01-01\n2027-02-30\n2028-01-03\n"

    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        risk = as_admin(bot, RISK, language="zh")
        bot.request.files["bad"] = bad
        await bot.send(risk.presses("a:cal_load:-"))
        await bot.send(risk.sends_document("bad", len(bad), "text/plain", "2027.txt"))
        bot.request.files["good"] = NOTICE.encode()
        await bot.send(risk.sends_document("good", len(NOTICE.encode()), "text/plain", "2027.txt"))

    bot = play(keepers, scenario)
    texts = bot.request.texts()
    refusal = next(t for t in texts if t.startswith("无法导入"))
    assert refusal.splitlines() == [
        "无法导入：2 行有误，未导入任何内容。",
        "第 2 行：无法识别的日期 2027-02-30",
        "第 3 行：不在 2027 年内：一份安排只能是一年",
        "请修改后重新发送，或发送 /cancel。",
    ]
    assert texts[-1].startswith("读取到 2027 年的 6 个休市工作日：")
    assert keepers.trading_days.year(2027).loads == ()  # nothing loaded until the button


def test_a_day_is_decided_from_one_typed_line_and_a_malformed_line_is_asked_again(keepers: App) -> None:
    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        risk = as_admin(bot, RISK, language="zh")
        await bot.send(risk.presses("a:cal_day:-"))
        await bot.send(risk.says("明天 休市"))
        await bot.send(risk.says("2026-12-28 休市 台风停市"))

    bot = play(keepers, scenario)
    texts = bot.request.texts()
    assert texts[-2].startswith("格式不对。")
    assert texts[-1] == "2026-12-28 已设置为休市。"
    assert not keepers.trading_days.calendar().is_trading_day(date(2026, 12, 28))


def test_an_administrator_without_the_calendar_permission_has_no_entry_and_is_refused(keepers: App) -> None:
    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        finance = as_admin(bot, FINANCE)
        await bot.send(finance.command("/admin"))
        await bot.send(finance.presses("a:cal_load:-"))
        await bot.send(finance.presses("a:cal_year:2027"))

    bot = play(keepers, scenario)
    sent = bot.request.of("sendMessage")
    assert "a:menu:calendar" not in button_data(sent[0])
    assert [p["text"] for p in sent[1:]] == ["Sorry, you are not allowed to do that."] * 2
