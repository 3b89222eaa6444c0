"""An administrator sends a broker's export to the bot: an .xlsx workbook (its mime type whatever the
phone says) or a GBK CSV is imported, in Chinese and in English; a workbook lacking a column is refused,
the column named in the reader's language, and nothing is stored."""

from __future__ import annotations

import io

import test_bot_allocation_admin
from bot_harness import BotHarness, TelegramUser, as_admin, play
from openpyxl import Workbook
from test_bot_allocation_admin import (
    RISK,
    ROOT,
    running,
    texts_in,
)

from p2pstock.bootstrap import App

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
admins = test_bot_allocation_admin.admins
"""The allocation administrators' fixture: products, capital, a customer, staff on Telegram."""
HEADER = ("资金账号", "日期", "资产总值（元）", "证券市值", "可用资金", "备注")


def xlsx(*rows: tuple[object, ...]) -> bytes:
    book = Workbook()
    assert book.active is not None
    for values in rows:
        book.active.append(list(values))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def statuses(app: App) -> list[tuple[str, int]]:
    [allocation] = app.allocations.of_customer("alice")
    found = app.allocations.timeline(allocation.id, by="risk-1").statuses
    return [(s.trade_date.isoformat(), s.figures.total_assets) for s in found]


def test_an_xlsx_statement_is_imported_in_english_and_a_gbk_one_in_chinese(admins: App) -> None:
    allocation = running(admins)
    workbook = xlsx(HEADER, ("HOMS-001", "2026-01-05", 54_000, 43_200.0, "10,800.00", "收盘"))
    gbk = (",".join(HEADER) + '\nHOMS-001,2026/01/05,"54,100.00","43,300.00","10,800.00",更正\n').encode(
        "gbk"
    )
    marks: dict[str, int] = {}

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        bot.request.files["xlsx"] = workbook
        bot.request.files["gbk"] = gbk
        risk = as_admin(bot, RISK)
        await bot.send(risk.presses("a:al_q:import"))
        marks["xlsx"] = bot.request.mark()
        await bot.send(risk.sends_document("xlsx", len(workbook), XLSX, "对账单.xlsx"))
        root = as_admin(bot, ROOT, "zh-hans")
        await bot.send(root.presses("a:al_q:import"))
        marks["gbk"] = bot.request.mark()
        await bot.send(root.sends_document("gbk", len(gbk), "application/octet-stream", "export.csv"))

    bot = play(admins, scenario)
    english = texts_in(bot, marks, "xlsx")[0].splitlines()
    assert english == [
        "Statement imported: 1 rows applied.",
        "Risk states changed:",
        f"· {allocation.id}: 🟢 normal → 🟠 warning",
    ]
    assert texts_in(bot, marks, "gbk")[0].startswith("对账单已导入：1 行已录入。")
    assert statuses(admins) == [("2026-01-05", 5_400_000), ("2026-01-05", 5_410_000)]


def test_a_workbook_lacking_a_column_is_refused_naming_it_in_each_language(admins: App) -> None:
    running(admins)
    workbook = xlsx(HEADER[:4], ("HOMS-001", "2026-01-05", 54_000, 43_200))
    marks: dict[str, int] = {}

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        bot.request.files["book"] = workbook
        for name, admin in (("en", as_admin(bot, RISK)), ("zh", as_admin(bot, ROOT, "zh-hans"))):
            await bot.send(admin.presses("a:al_q:import"))
            marks[name] = bot.request.mark()
            await bot.send(admin.sends_document("book", len(workbook), XLSX, "statement.xlsx"))
            await bot.send(admin.command("/cancel"))

    bot = play(admins, scenario)
    english, chinese = texts_in(bot, marks, "en")[0], texts_in(bot, marks, "zh")[0]
    assert "· line 1: The header lacks cash_available." in english.splitlines()
    assert "· 第 1 行：表头缺少：可用资金（cash_available）。" in chinese.splitlines()
    assert statuses(admins) == []
